import { describe, expect, it } from 'vitest';
import { legacyDockercfgKeychain, legacyDockercfgPath } from '../../src/auth/dockercfg.js';
import { b64, memFs, target } from './fakes.js';

const HOME = '/home/u';
const PATH = '/home/u/.dockercfg';

// The legacy ~/.dockercfg (docker < 1.7) is a flat {registry: entry} map without the `auths`
// wrapper; containers-auth.json(5) and old docker read it after ~/.docker/config.json.
function keychain(text: string | undefined) {
  const fs = memFs(text === undefined ? {} : { [PATH]: text });
  return { fs, kc: legacyDockercfgKeychain({ homedir: HOME, readFile: fs }) };
}

describe('legacyDockercfgKeychain', () => {
  it('lives in the home directory whatever DOCKER_CONFIG says', () => {
    expect(legacyDockercfgPath(HOME)).toBe(PATH);
  });

  it.each([
    ['a URL key', { 'https://index.docker.io/v1/': { auth: b64('hub:pw'), email: 'a@b.c' } }, 'docker.io', 'hub'],
    ['a host key', { 'registry.example:5000': { auth: b64('u:p') } }, 'registry.example:5000', 'u'],
    ['a legacy URL key with a port and path', { 'https://registry.example:5000/v1/': { auth: b64('u2:p') } }, 'registry.example:5000', 'u2'],
    ['username/password fields', { 'ghcr.io': { username: 'gh', password: 'p' } }, 'ghcr.io', 'gh'],
  ])('reads %s', async (_, file, registry, username) => {
    const { kc } = keychain(JSON.stringify(file));
    const [cred] = await kc.lookup(target(registry, 'a/b'));
    expect(cred).toMatchObject({ username, source: expect.stringContaining(`(${PATH})`) as string });
  });

  it('never matches by substring', async () => {
    const { kc } = keychain(JSON.stringify({ 'registry.example.evil.io': { auth: b64('evil:pw') } }));
    expect(await kc.lookup(target('registry.example', 'a'))).toEqual([]);
  });

  it('treats a missing file as no credentials and reads it once', async () => {
    const { kc, fs } = keychain(undefined);
    expect(await kc.lookup(target('ghcr.io', 'a'))).toEqual([]);
    expect(await kc.lookup(target('quay.io', 'a'))).toEqual([]);
    expect(fs.reads).toEqual([PATH]);
  });

  it.each([
    ['invalid JSON', '{"ghcr.io": {"auth": "c2VjcmV0"', /invalid JSON/],
    ['a config.json by mistake (auths wrapper)', JSON.stringify({ auths: { 'ghcr.io': { auth: b64('u:c2VjcmV0') } } }), /"auths" is config.json's layout/],
    ['a non-object entry', JSON.stringify({ 'ghcr.io': 'c2VjcmV0' }), /\["ghcr.io"\]/],
  ])('fails with CREDENTIAL_CONFIG on %s, naming the file and never the secret', async (_, text, message) => {
    const { kc } = keychain(text);
    const err = await kc.lookup(target('ghcr.io', 'a')).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'CREDENTIAL_CONFIG' });
    expect((err as Error).message).toContain(PATH);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('c2VjcmV0');
  });
});
