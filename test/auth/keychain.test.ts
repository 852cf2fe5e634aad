import { describe, expect, it } from 'vitest';
import { defaultKeychain, type DefaultKeychainOptions } from '../../src/auth/default-keychain.js';
import { parsePullSecrets } from '../../src/auth/kube-secret.js';
import { anonymousKeychain, chainKeychains, lazyKeychain, unionKeychains } from '../../src/auth/keychain.js';
import { makeCredential } from '../../src/auth/credential.js';
import type { HelperRunner } from '../../src/auth/process-runner.js';
import type { Keychain } from '../../src/auth/types.js';
import { b64, memFs, target, tempDir } from './fakes.js';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const fixed = (name: string, sources: string[]): Keychain & { calls: number } => {
  const kc = {
    calls: 0,
    lookup() {
      kc.calls++;
      return Promise.resolve(sources.map((source) => makeCredential({ source, username: name, password: 'x' })));
    },
    describe: () => name,
  };
  return kc;
};

describe('chainKeychains / unionKeychains / lazyKeychain', () => {
  it('chain: the first keychain with candidates wins and later ones are not asked', async () => {
    const empty = fixed('empty', []);
    const a = fixed('a', ['a1', 'a2']);
    const b = fixed('b', ['b1']);
    const chain = chainKeychains([empty, a, b, anonymousKeychain]);
    expect((await chain.lookup(target('r.io', 'x'))).map((c) => c.source)).toEqual(['a1', 'a2']);
    expect([empty.calls, a.calls, b.calls]).toEqual([1, 1, 0]);
    expect(chain.describe()).toBe('empty → a → b → anonymous');
    expect(await chainKeychains([empty, anonymousKeychain]).lookup(target('r.io', 'x'))).toEqual([]);
  });

  it('union: all candidates, in keychain order (kubelet UnionDockerKeyring)', async () => {
    const union = unionKeychains([fixed('a', ['a1']), fixed('b', ['b1', 'b2'])]);
    expect((await union.lookup(target('r.io', 'x'))).map((c) => c.source)).toEqual(['a1', 'b1', 'b2']);
  });

  it('lazy: builds once, on first lookup', async () => {
    let builds = 0;
    const lazy = lazyKeychain('lazy', () => {
      builds++;
      return Promise.resolve(fixed('inner', ['i']));
    });
    expect(builds).toBe(0);
    await Promise.all([lazy.lookup(target('r.io', 'x')), lazy.lookup(target('r.io', 'y'))]);
    expect(builds).toBe(1);
  });
});

const HOME = '/home/u';
const DOCKER = '/home/u/.docker/config.json';
const PODMAN = '/run/user/1000/containers/auth.json';

const secretFile = (name: string, registry: string, user: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ci}\ntype: kubernetes.io/dockerconfigjson\n` +
  `stringData: {.dockerconfigjson: '${JSON.stringify({ auths: { [registry]: { auth: b64(`${user}:pw`) } } })}'}\n`;

function setup(extra: Partial<DefaultKeychainOptions> = {}, env: Record<string, string> = {}) {
  const files = memFs({
    'pull.yaml': secretFile('regcred', 'ghcr.io', 'from-secret'),
    [DOCKER]: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('from-docker:pw') }, 'quay.io': { auth: b64('docker-quay:pw') } }, credHelpers: { 'gcr.io': 'gcloud' } }),
    [PODMAN]: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('from-podman:pw') }, 'quay.io/org': { auth: b64('podman-quay:pw') }, 'registry.local': { auth: b64('from-podman-only:pw') } } }),
  });
  const lines: string[] = [];
  const helperCalls: string[] = [];
  const runHelper: HelperRunner = (program, _args, input) => {
    helperCalls.push(`${program} <${input}`);
    return Promise.resolve({ kind: 'exit', code: 0, stdout: '{"Username":"from-helper","Secret":"tok"}', stderr: '' });
  };
  const keychain = defaultKeychain({
    env: { XDG_RUNTIME_DIR: '/run/user/1000', ...env },
    homedir: HOME,
    readFile: files,
    runHelper,
    platform: 'linux',
    log: (l) => lines.push(l),
    ...extra,
  });
  const users = async (registry: string, repository = 'org/app', kc: Keychain = keychain) =>
    (await kc.lookup(target(registry, repository))).map((c) => c.username);
  return { keychain, files, lines, helperCalls, users };
}

const ENV = { DIGESTPIN_AUTH_1_REGISTRY: 'ghcr.io', DIGESTPIN_AUTH_1_USERNAME: 'from-env', DIGESTPIN_AUTH_1_PASSWORD: 'pw' };

describe('defaultKeychain precedence', () => {
  it('pull secret files → env → docker config → auth.json → anonymous', async () => {
    const all = setup({ pullSecretFiles: ['pull.yaml'] }, ENV);
    expect(await all.users('ghcr.io')).toEqual(['from-secret']);
    expect(await setup({}, ENV).users('ghcr.io')).toEqual(['from-env']);
    expect(await setup().users('ghcr.io')).toEqual(['from-docker']);
    expect(await setup().users('registry.local')).toEqual(['from-podman-only']);
    expect(await setup().users('docker.io')).toEqual([]);
  });

  it('DOCKER_AUTH_CONFIG → config.json → ~/.dockercfg → auth.json (issue 15)', async () => {
    const files = memFs({
      [DOCKER]: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('from-docker:pw') } } }),
      '/home/u/.dockercfg': JSON.stringify({ 'https://ghcr.io/v1/': { auth: b64('from-dockercfg:pw') }, 'quay.io': { auth: b64('dockercfg-quay:pw') } }),
      [PODMAN]: JSON.stringify({ auths: { 'quay.io': { auth: b64('from-podman:pw') }, 'registry.local': { auth: b64('podman-local:pw') } } }),
    });
    const users = async (registry: string, env: Record<string, string> = {}) =>
      (await defaultKeychain({ env: { XDG_RUNTIME_DIR: '/run/user/1000', ...env }, homedir: HOME, readFile: files, platform: 'linux' })
        .lookup(target(registry, 'org/app'))).map((c) => c.username);
    expect(await users('ghcr.io', { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('from-env:pw') } } }) })).toEqual(['from-env']);
    expect(await users('ghcr.io')).toEqual(['from-docker']);
    expect(await users('quay.io')).toEqual(['dockercfg-quay']);
    expect(await users('registry.local')).toEqual(['podman-local']);
  });

  it('credential provider plugins join the pull-secret tier after the secrets, ahead of env (kubelet union)', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'p'), '#!/bin/sh\n');
    await chmod(join(dir, 'bin', 'p'), 0o755);
    await writeFile(join(dir, 'c.yaml'), 'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n' +
      '- {name: p, matchImages: ["ghcr.io", "*.io"], defaultCacheDuration: 0s, apiVersion: credentialprovider.kubelet.k8s.io/v1}\n');
    const run = (_file: string, _args: string[], input: string) => {
      const registry = (JSON.parse(input) as { image: string }).image.split('/')[0]!;
      return Promise.resolve({ kind: 'exit' as const, code: 0, stderr: '',
        stdout: JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', cacheKeyType: 'Registry', auth: { [registry]: { username: 'from-plugin', password: 'pw' } } }) });
    };
    const s = setup({ pullSecretFiles: ['pull.yaml'], credentialProviders: { configPath: join(dir, 'c.yaml'), binDir: join(dir, 'bin'), run } }, ENV);
    expect(await s.users('ghcr.io')).toEqual(['from-secret', 'from-plugin']);
    expect(await s.users('quay.io')).toEqual(['from-plugin']);
    expect(s.keychain.describe()).toMatch(/^pull secret files \(pull.yaml\) \+ credential provider plugins \(.*c.yaml\) → env/);
  });

  it('uses docker credHelpers before reading auth.json', async () => {
    const s = setup();
    expect(await s.users('gcr.io')).toEqual(['from-helper']);
    expect(s.helperCalls).toEqual(['docker-credential-gcloud <gcr.io']);
    expect(s.files.reads).not.toContain(PODMAN);
  });

  it('does not read later sources once one answers', async () => {
    const s = setup({ pullSecretFiles: ['pull.yaml'] });
    await s.users('ghcr.io');
    expect(s.files.reads).toEqual(['pull.yaml']);
  });

  it("forWorkload puts the workload's own secrets before --pull-secret files, and both before env", async () => {
    const s = setup({ pullSecretFiles: ['pull.yaml'] }, ENV);
    const own = parsePullSecrets(secretFile('own', 'ghcr.io/org', 'own-secret'), 'k8s/app.yaml');
    expect(await s.users('ghcr.io', 'org/app', s.keychain.forWorkload(own))).toEqual(['own-secret', 'from-secret']);
    expect(await s.users('ghcr.io', 'org/app')).toEqual(['from-secret']);
  });

  it('validates DIGESTPIN_AUTH_* up front', () => {
    expect(() => setup({}, { DIGESTPIN_AUTH_1_REGISTRY: 'ghcr.io' })).toThrow(expect.objectContaining({ code: 'CREDENTIAL_CONFIG' }));
  });

  it('logs the chosen source once per registry, and what was searched when anonymous', async () => {
    const s = setup({ pullSecretFiles: ['pull.yaml'] });
    await s.users('ghcr.io', 'a');
    await s.users('ghcr.io', 'b');
    await s.users('quay.io', 'org/app');
    await s.users('docker.io', 'library/nginx');
    expect(s.lines).toEqual([
      'auth ghcr.io: using secret ci/regcred (pull.yaml)',
      `auth quay.io: using docker config auths["quay.io"] (${DOCKER})`,
      'auth docker.io: no credentials found, anonymous (searched pull secret files (pull.yaml) → env DIGESTPIN_AUTH_* (0 entries) → ' +
        `docker config (${DOCKER}) → legacy .dockercfg (/home/u/.dockercfg) → auth.json (${PODMAN}, /home/u/.config/containers/auth.json) → anonymous)`,
    ]);
    expect(s.lines.join('\n')).not.toMatch(/pw|tok/);
  });
});
