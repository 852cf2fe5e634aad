import { describe, expect, it } from 'vitest';
import { isPinError, type PinError } from '../../src/errors.js';
import {
  loadPullSecretFiles,
  parsePullSecrets,
  secretAuthEntries,
  secretsKeychain,
  type PullSecret,
} from '../../src/auth/kube-secret.js';
import { b64, b64raw, memFs, target } from './fakes.js';

const dockerconfigjson = (auths: Record<string, unknown>) => JSON.stringify({ auths });

function secretYaml(name: string, type: string, dataKey: string, payload: string, ns = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    `type: ${type}`,
    'data:',
    `  ${dataKey}: ${b64(payload)}`,
  ].join('\n');
}

function entries(secret: PullSecret) {
  return secretAuthEntries(secret).map(([key, c]) => ({ key, source: c.source, username: c.username, password: c.password }));
}

function thrown(fn: () => unknown): PinError {
  try {
    fn();
  } catch (err) {
    if (isPinError(err)) return err;
    throw err;
  }
  throw new Error('expected a PinError');
}

describe('parsePullSecrets + secretAuthEntries', () => {
  it('reads a kubernetes.io/dockerconfigjson Secret with padded auth', () => {
    const text = secretYaml('regcred', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson',
      dockerconfigjson({ 'ghcr.io': { auth: b64('bot:s3cret-pw'), email: 'x@y' } }));
    const [secret] = parsePullSecrets(text, 'deploy/secret.yaml');
    expect(entries(secret!)).toEqual([
      { key: 'ghcr.io', source: 'secret default/regcred (deploy/secret.yaml)', username: 'bot', password: 's3cret-pw' },
    ]);
  });

  it.each([
    ['padded', b64('user:pass1')],
    ['unpadded', b64raw('user:pass1')],
    ['padded with newlines', b64('user:pass1').replace(/(.{4})/, '$1\n')],
  ])('decodes %s auth, which overrides username/password', (_, auth) => {
    const payload = dockerconfigjson({ 'r.io': { auth, username: 'ignored', password: 'ignored' } });
    const [secret] = parsePullSecrets(secretYaml('s', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload), 'f.yaml');
    expect(entries(secret!)[0]).toMatchObject({ username: 'user', password: 'pass1' });
  });

  it('keeps a colon inside the password', () => {
    const payload = dockerconfigjson({ 'r.io': { auth: b64('user:pa:ss') } });
    const [secret] = parsePullSecrets(secretYaml('s', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload), 'f.yaml');
    expect(entries(secret!)[0]).toMatchObject({ username: 'user', password: 'pa:ss' });
  });

  it('uses username/password when there is no auth field', () => {
    const payload = dockerconfigjson({ 'r.io': { username: 'u', password: 'p' } });
    const [secret] = parsePullSecrets(secretYaml('s', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload), 'f.yaml');
    expect(entries(secret!)[0]).toMatchObject({ username: 'u', password: 'p' });
  });

  it('reads stringData, which wins over data like the API server merge', () => {
    const text = [
      'apiVersion: v1', 'kind: Secret', 'metadata: {name: s, namespace: ci}', 'type: kubernetes.io/dockerconfigjson',
      `data: {.dockerconfigjson: ${b64(dockerconfigjson({ 'r.io': { auth: b64('old:old') } }))}}`,
      'stringData:',
      `  .dockerconfigjson: '${dockerconfigjson({ 'r.io': { auth: b64('new:new') } })}'`,
    ].join('\n');
    const [secret] = parsePullSecrets(text, 'f.yaml');
    expect(entries(secret!)).toEqual([{ key: 'r.io', source: 'secret ci/s (f.yaml)', username: 'new', password: 'new' }]);
  });

  it('reads a legacy kubernetes.io/dockercfg Secret (flat map)', () => {
    const payload = JSON.stringify({ 'https://index.docker.io/v1/': { auth: b64('hub:tok') }, 'quay.io': { username: 'q', password: 'w' } });
    const [secret] = parsePullSecrets(secretYaml('old', 'kubernetes.io/dockercfg', '.dockercfg', payload), 'f.yaml');
    expect(entries(secret!).map((e) => [e.key, e.username])).toEqual([['https://index.docker.io/v1/', 'hub'], ['quay.io', 'q']]);
  });

  it('reads multi-document YAML, kind: List and JSON, and ignores other kinds and Secret types', () => {
    const payload = dockerconfigjson({ 'r.io': { auth: b64('a:b') } });
    const list = JSON.stringify({
      apiVersion: 'v1', kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'in-list' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(payload) } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
      ],
    });
    const text = [
      secretYaml('one', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload),
      '---',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\ndata: {tls.crt: "!!!"}',
      '---',
      '# empty document',
      '---',
      list,
    ].join('\n');
    const secrets = parsePullSecrets(text, 'all.yaml');
    expect(secrets.map((s) => s.name)).toEqual(['one', 'tls', 'in-list']);
    expect(secrets.map((s) => secretAuthEntries(s).length)).toEqual([1, 0, 1]);
  });

  it('skips entries without credentials (kubelet would pull anonymously with them)', () => {
    const payload = dockerconfigjson({ 'r.io': {}, 'q.io': { email: 'only@email' } });
    const [secret] = parsePullSecrets(secretYaml('s', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload), 'f.yaml');
    expect(entries(secret!)).toEqual([]);
  });
});

describe('malformed pull secrets', () => {
  const SECRET = 'hunter2-do-not-print';

  it.each([
    ['data is not base64', `data: {.dockerconfigjson: "not*base64"}`, 'secret default/bad (bad.yaml): data[".dockerconfigjson"] is not valid base64'],
    ['payload is not JSON', `data: {.dockerconfigjson: ${b64(`{"auths": ${SECRET}}`)}}`, 'secret default/bad (bad.yaml): .dockerconfigjson: invalid JSON'],
    ['payload has a trailing comma', `data: {.dockerconfigjson: ${b64(`{"auths": {"r.io": "${SECRET}",}}`)}}`, '.dockerconfigjson: invalid JSON at line 1, column 43'],
    ['auth is not base64', `stringData: {.dockerconfigjson: '{"auths":{"r.io":{"auth":"${SECRET}!"}}}'}`, 'secret default/bad (bad.yaml): .dockerconfigjson ["r.io"]: "auth" is not base64 of "username:password"'],
    ['auth has no colon', `stringData: {.dockerconfigjson: '{"auths":{"r.io":{"auth":"${b64(SECRET)}"}}}'}`, '"auth" is not base64 of "username:password"'],
    ['auths is an array', `stringData: {.dockerconfigjson: '{"auths":[]}'}`, '.dockerconfigjson "auths" must be a JSON object'],
    ['password is a number', `stringData: {.dockerconfigjson: '{"auths":{"r.io":{"username":"u","password":12}}}'}`, '"password" must be a string'],
    ['payload key is missing', `data: {.dockercfg: ${b64('{}')}}`, 'type kubernetes.io/dockerconfigjson requires data[".dockerconfigjson"]'],
  ])('%s → CREDENTIAL_CONFIG naming file and secret, not content', (_, body, message) => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ntype: kubernetes.io/dockerconfigjson\n${body}\n`;
    const [secret] = parsePullSecrets(text, 'bad.yaml');
    const err = thrown(() => secretAuthEntries(secret!));
    expect(err.code).toBe('CREDENTIAL_CONFIG');
    expect(err.message).toContain(message);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(b64(SECRET));
    expect(String(err.cause ?? '')).not.toContain(SECRET);
  });

  it('reports YAML syntax errors by position without quoting the file', () => {
    const text = `apiVersion: v1\nkind: Secret\nstringData:\n  password: ${SECRET}\n  x: [\n`;
    const err = thrown(() => parsePullSecrets(text, 'broken.yaml'));
    expect(err.code).toBe('CREDENTIAL_CONFIG');
    expect(err.message).toMatch(/^broken\.yaml: invalid YAML at line \d+, column \d+ \([A-Z_]+\)$/);
    expect(err.message).not.toContain(SECRET);
  });

  it('validates every secret when the keychain is built', () => {
    const [bad] = parsePullSecrets(`kind: Secret\nmetadata: {name: bad}\ntype: kubernetes.io/dockercfg\ndata: {.dockercfg: "%%"}`, 'f.yaml');
    expect(() => secretsKeychain([bad!])).toThrow(/secret default\/bad \(f\.yaml\)/);
  });
});

describe('secretsKeychain', () => {
  const secret = (name: string, auths: Record<string, unknown>, source = 'deploy/secrets.yaml') =>
    parsePullSecrets(secretYaml(name, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', dockerconfigjson(auths)), source)[0]!;

  it('returns every matching credential, most specific key first, so a wrong first one can be followed by a working one', async () => {
    const keychain = secretsKeychain([
      secret('stale', { 'registry.example.com': { auth: b64('old:wrong') } }),
      secret('team', { 'registry.example.com/team': { auth: b64('team:right') } }),
      secret('wild', { '*.example.com': { auth: b64('wild:card') } }),
      secret('dup', { 'https://registry.example.com/v2/': { auth: b64('dup:second') } }),
    ]);
    const found = await keychain.lookup(target('registry.example.com', 'team/app'));
    expect(found.map((c) => [c.source, c.username, c.password])).toEqual([
      ['secret default/team (deploy/secrets.yaml)', 'team', 'right'],
      ['secret default/stale (deploy/secrets.yaml)', 'old', 'wrong'],
      ['secret default/dup (deploy/secrets.yaml)', 'dup', 'second'],
      ['secret default/wild (deploy/secrets.yaml)', 'wild', 'card'],
    ]);
    expect(await keychain.lookup(target('example.com', 'app'))).toEqual([]);
    expect(keychain.describe()).toBe('pull secrets (default/stale, default/team, default/wild, default/dup)');
  });

  it('matches Docker Hub keys against docker.io images', async () => {
    const keychain = secretsKeychain([secret('hub', { 'https://index.docker.io/v1/': { auth: b64('me:pat') } })]);
    expect((await keychain.lookup(target('docker.io', 'library/nginx'))).map((c) => c.username)).toEqual(['me']);
    expect(await keychain.lookup(target('ghcr.io', 'library/nginx'))).toEqual([]);
  });

  it('respects ports', async () => {
    const keychain = secretsKeychain([secret('p', { 'localhost:5000': { auth: b64('u:p') } })]);
    expect(await keychain.lookup(target('localhost:5000', 'app'))).toHaveLength(1);
    expect(await keychain.lookup(target('localhost:5001', 'app'))).toEqual([]);
  });
});

describe('loadPullSecretFiles', () => {
  it('reads files in order and fails on a missing one', async () => {
    const payload = dockerconfigjson({ 'r.io': { auth: b64('a:b') } });
    const fs = memFs({ 'a.yaml': secretYaml('a', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload), 'b.json': JSON.stringify({ kind: 'Secret', metadata: { name: 'b' } }) });
    expect((await loadPullSecretFiles(['a.yaml', 'b.json'], fs)).map((s) => s.name)).toEqual(['a', 'b']);
    await expect(loadPullSecretFiles(['missing.yaml'], fs)).rejects.toMatchObject({
      code: 'CREDENTIAL_CONFIG',
      message: 'pull secret file missing.yaml: file not found',
    });
  });
});
