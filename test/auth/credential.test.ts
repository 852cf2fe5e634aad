import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeCredential, makeCredential } from '../../src/auth/credential.js';

const SECRETS = { password: 'pw-SECRET-1', identityToken: 'id-SECRET-2', registryToken: 'reg-SECRET-3' };

describe('makeCredential', () => {
  const cred = makeCredential({ source: 'secret default/regcred (deploy/secret.yaml)', username: 'bot', ...SECRETS });

  it('exposes the secrets to the code that needs them', () => {
    expect([cred.password, cred.identityToken, cred.registryToken]).toEqual(Object.values(SECRETS));
  });

  it.each([
    ['JSON.stringify', () => JSON.stringify(cred)],
    ['JSON.stringify nested', () => JSON.stringify({ creds: [cred] })],
    ['util.inspect', () => inspect(cred)],
    ['util.inspect showHidden', () => inspect(cred, { showHidden: true, depth: 5 })],
    ['util.inspect nested', () => inspect({ a: [cred] }, { showHidden: true })],
    ['template string', () => `${String(cred)}`],
    ['object spread', () => JSON.stringify({ ...cred }) + inspect({ ...cred })],
    ['Object.entries', () => JSON.stringify(Object.entries(cred))],
    ['describeCredential', () => describeCredential(cred)],
  ])('%s never shows a secret', (_, render) => {
    const text = render();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/SECRET/);
  });

  it('keeps source and username visible', () => {
    expect(JSON.parse(JSON.stringify(cred))).toEqual({ source: 'secret default/regcred (deploy/secret.yaml)', username: 'bot', kind: 'registry token' });
    expect(describeCredential(cred)).toBe('secret default/regcred (deploy/secret.yaml), user "bot" (registry token)');
    expect(inspect(cred)).toBe('Credential { secret default/regcred (deploy/secret.yaml), user "bot" (registry token) }');
  });

  it('treats empty usernames and tokens as absent', () => {
    const c = makeCredential({ source: 's', username: '', identityToken: '', password: 'p' });
    expect([c.username, c.identityToken, c.password]).toEqual([undefined, undefined, 'p']);
    expect(describeCredential(c)).toBe('s (password)');
  });
});
