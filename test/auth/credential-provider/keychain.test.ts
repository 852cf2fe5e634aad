import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialProviderKeychain, type ProviderRunner } from '../../../src/auth/credential-provider/keychain.js';
import type { HelperOutcome } from '../../../src/auth/process-runner.js';
import { target, tempDir } from '../fakes.js';

const V1 = 'credentialprovider.kubelet.k8s.io/v1';

interface Plugin {
  name: string;
  matchImages: string[];
  defaultCacheDuration?: string;
  apiVersion?: string;
  env?: { name: string; value: string }[];
  args?: string[];
}

/** setup writes a config and a bin dir with a placeholder executable per plugin, and fakes the runs. */
async function setup(plugins: Plugin[], answer: (name: string, image: string) => HelperOutcome, clock = { t: 0 }) {
  const dir = await tempDir();
  const binDir = join(dir, 'bin');
  await mkdir(binDir);
  for (const p of plugins) {
    await writeFile(join(binDir, p.name), '#!/bin/sh\nexit 9\n');
    await chmod(join(binDir, p.name), 0o755);
  }
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig',
    providers: plugins.map((p) => ({ defaultCacheDuration: '0s', apiVersion: V1, ...p })),
  }));
  const calls: { file: string; args: string[]; input: string; env: Record<string, string | undefined> }[] = [];
  const run: ProviderRunner = (file, args, input, options) => {
    calls.push({ file, args, input, env: { ...options.env } });
    const name = file.slice(binDir.length + 1);
    return Promise.resolve(answer(name, (JSON.parse(input) as { image: string }).image));
  };
  const logs: string[] = [];
  const kc = credentialProviderKeychain({ configPath, binDir, env: { HOME: '/home/u', AWS_PROFILE: 'base' }, run, now: () => clock.t, log: (l) => logs.push(l) });
  const lookup = async (registry: string, repository = 'app') => (await kc.lookup(target(registry, repository))).map((c) => `${c.username}:${c.password}`);
  return { kc, calls, lookup, logs, binDir, configPath, clock };
}

const response = (auth: Record<string, { username?: string; password?: string }>, extra: Record<string, unknown> = {}): HelperOutcome => ({
  kind: 'exit', code: 0, stderr: '',
  stdout: JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: V1, cacheKeyType: 'Registry', auth, ...extra }),
});

// matchImages examples from kubernetes.io "Configure a kubelet image credential provider" and the
// CredentialProviderConfig reference, plus plugin_test.go-style cases; the image is what kubelet
// passes: registry/repository without tag.
describe('credentialProviderKeychain: matchImages (kubelet glob rules)', () => {
  it.each([
    ['123456789.dkr.ecr.us-east-1.amazonaws.com', '123456789.dkr.ecr.us-east-1.amazonaws.com', true],
    ['*.dkr.ecr.*.amazonaws.com', '123456789.dkr.ecr.us-east-1.amazonaws.com', true],
    ['*.dkr.ecr.*.amazonaws.com', '123456789.dkr.ecr-fips.us-east-1.amazonaws.com', false],
    ['*.azurecr.io', 'myregistry.azurecr.io', true],
    ['*.azurecr.io', 'azurecr.io', false],
    ['*.io', 'myregistry.azurecr.io', false], // one glob per domain segment: *.io does not match *.k8s.io
    ['gcr.io', 'gcr.io', true],
    ['gcr.io', 'us.gcr.io', false],
    ['*.*.registry.io', 'foo.bar.registry.io', true],
    ['*.*.registry.io', 'bar.registry.io', false],
    ['k8s.*.io', 'k8s.example.io', true],
    ['k8s.*', 'k8s.io', true],
    ['app*.k8s.io', 'app-prod.k8s.io', true], // partial subdomain
    ['app*.k8s.io', 'web.k8s.io', false],
    ['registry.io:8080/path', 'registry.io:8080', false], // the path must be a prefix of the image path
    ['foo.registry.io:8080/path', 'foo.registry.io:8080', false],
    ['registry.io:8080/path', 'registry.io:8080/path', true],
    ['registry.io:8080/path', 'registry.io:8081/path', false], // the port must match
    ['registry.io', 'registry.io:8080', false], // a port in the image needs one in the pattern
    ['registry.io:8080', 'registry.io', false],
  ])('%s vs %s -> %s', async (pattern, registry, called) => {
    const s = await setup([{ name: 'p', matchImages: [pattern] }], () => response({ [registry]: { username: 'u', password: 'pw' } }));
    const [reg, ...rest] = registry.split('/');
    const repo = [...rest, 'app'].join('/');
    expect(await s.lookup(reg!, repo)).toEqual(called ? ['u:pw'] : []);
    expect(s.calls.length).toBe(called ? 1 : 0);
  });
});

describe('credentialProviderKeychain: the exec protocol', () => {
  it('sends a CredentialProviderRequest for registry/repository with args and env laid over the environment', async () => {
    const s = await setup([{ name: 'ecr', matchImages: ['*.dkr.ecr.*.amazonaws.com'], args: ['get-credentials'], env: [{ name: 'AWS_PROFILE', value: 'prod' }] }],
      () => response({ '*.dkr.ecr.*.amazonaws.com': { username: 'AWS', password: 'x'.repeat(2000) } }));
    expect(await s.lookup('1.dkr.ecr.eu-west-1.amazonaws.com', 'team/app')).toEqual([`AWS:${'x'.repeat(2000)}`]);
    expect(s.calls).toEqual([{
      file: join(s.binDir, 'ecr'), args: ['get-credentials'],
      input: `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"1.dkr.ecr.eu-west-1.amazonaws.com/team/app"}\n`,
      env: { HOME: '/home/u', AWS_PROFILE: 'prod' },
    }]);
  });

  it('matches response keys with the keyring rules and returns them most specific first', async () => {
    const s = await setup([{ name: 'p', matchImages: ['*.example.com'] }], () => response({
      'r.example.com': { username: 'registry', password: '1' },
      'r.example.com/team': { username: 'team', password: '2' },
      'other.example.com': { username: 'other', password: '3' },
      '*.example.com': { username: 'glob', password: '4' },
    }));
    expect(await s.lookup('r.example.com', 'team/app')).toEqual(['team:2', 'registry:1', 'glob:4']);
  });

  it('tries the earlier provider first when two match (config order)', async () => {
    const s = await setup([{ name: 'a', matchImages: ['gcr.io'] }, { name: 'b', matchImages: ['*.io'] }],
      (name) => response({ 'gcr.io': { username: name, password: 'pw' } }));
    expect(await s.lookup('gcr.io')).toEqual(['a:pw', 'b:pw']);
  });

  it('labels credentials with the provider and key, never the secret', async () => {
    const s = await setup([{ name: 'p', matchImages: ['gcr.io'] }], () => response({ 'gcr.io': { username: 'u', password: 'hunter2' } }));
    const [c] = await s.kc.lookup(target('gcr.io', 'a'));
    expect(c!.source).toMatch(/^credential provider plugin "p" auth\["gcr.io"\] \(.*config.json:1:\d+\)$/);
    expect(JSON.stringify(c)).not.toContain('hunter2');
  });
});

describe('credentialProviderKeychain: caching (cacheKeyType, cacheDuration)', () => {
  const counting = (extra: Record<string, unknown>) => (_: string, image: string) => response({ [image.split('/')[0]!]: { username: 'u', password: 'p' } }, extra);

  it.each([
    ['Registry: one call for many images of one registry', { cacheKeyType: 'Registry', cacheDuration: '1h' }, [['r.io', 'a'], ['r.io', 'b'], ['q.io', 'a']], 2],
    ['Image: one call per image', { cacheKeyType: 'Image', cacheDuration: '1h' }, [['r.io', 'a'], ['r.io', 'a'], ['r.io', 'b']], 2],
    ['Global: one call for everything', { cacheKeyType: 'Global', cacheDuration: '1h' }, [['r.io', 'a'], ['q.io', 'b']], 1],
    ['cacheDuration 0s disables caching', { cacheKeyType: 'Global', cacheDuration: '0s' }, [['r.io', 'a'], ['r.io', 'a']], 2],
    ['no cacheDuration and a 0s default: no caching', { cacheKeyType: 'Global' }, [['r.io', 'a'], ['r.io', 'a']], 2],
  ])('%s', async (_, extra, lookups, calls) => {
    const s = await setup([{ name: 'p', matchImages: ['*.io'] }], counting(extra));
    for (const [r, repo] of lookups) await s.lookup(r!, repo);
    expect(s.calls.length).toBe(calls);
  });

  it('uses defaultCacheDuration when the response has no cacheDuration, and expires entries', async () => {
    const s = await setup([{ name: 'p', matchImages: ['*.io'], defaultCacheDuration: '10s' }], counting({ cacheKeyType: 'Registry' }));
    await s.lookup('r.io', 'a');
    s.clock.t = 10_000;
    await s.lookup('r.io', 'b');
    expect(s.calls.length).toBe(1);
    s.clock.t = 10_001;
    await s.lookup('r.io', 'c');
    expect(s.calls.length).toBe(2);
  });

  it('runs the plugin once for concurrent lookups of images of one registry when the answer is Registry-keyed', async () => {
    const s = await setup([{ name: 'p', matchImages: ['*.io'] }], counting({ cacheKeyType: 'Registry', cacheDuration: '1h' }));
    await Promise.all([s.lookup('r.io', 'a'), s.lookup('r.io', 'b'), s.lookup('r.io', 'c'), s.lookup('q.io', 'a')]);
    expect(s.calls.length).toBe(2);
  });

  it('runs the plugin once for concurrent lookups of one image', async () => {
    const s = await setup([{ name: 'p', matchImages: ['*.io'] }], counting({ cacheKeyType: 'Image', cacheDuration: '0s' }));
    await Promise.all([s.lookup('r.io', 'a'), s.lookup('r.io', 'a'), s.lookup('r.io', 'a')]);
    expect(s.calls.length).toBe(1);
  });
});

describe('credentialProviderKeychain: errors name the provider, never the output', () => {
  const SECRET = 'c2VjcmV0LXBhc3N3b3Jk';
  const exit = (stdout: string, code = 0, stderr = ''): HelperOutcome => ({ kind: 'exit', code, stdout, stderr });

  it.each([
    ['bad JSON', exit(`{"auth": {"r.io": {"password": "${SECRET}"`), /printed a response that is not JSON/],
    ['the wrong apiVersion', exit(JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1', cacheKeyType: 'Image', auth: { 'r.io': { password: SECRET } } })),
      /answered apiVersion "credentialprovider.kubelet.k8s.io\/v1beta1", expected "credentialprovider.kubelet.k8s.io\/v1"/],
    ['the wrong kind', exit(JSON.stringify({ kind: 'Other', apiVersion: V1, cacheKeyType: 'Image' })), /answered kind "Other"/],
    ['a secret where the kind belongs', exit(JSON.stringify({ kind: SECRET, apiVersion: V1, cacheKeyType: 'Image' })), /answered kind \(withheld\)/],
    ['a secret where the apiVersion belongs', exit(JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: SECRET })), /answered apiVersion \(withheld\)/],
    ['no cacheKeyType', exit(JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: V1, auth: { 'r.io': { password: SECRET } } })), /cacheKeyType \(missing\); it must be Image, Registry or Global/],
    ['a bad cacheDuration', exit(JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: V1, cacheKeyType: 'Image', cacheDuration: SECRET })), /invalid cacheDuration \(not a Go duration >= 0\)/],
    ['an unknown auth field', exit(JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: V1, cacheKeyType: 'Image', auth: { 'r.io': { token: SECRET } } })), /auth\["r.io"\] with unknown field "token"/],
    ['a non-zero exit', exit(`{"password":"${SECRET}"}`, 3, 'AccessDenied: no role'), /exited with code 3: AccessDenied: no role/],
    ['a timeout', { kind: 'timeout' } as HelperOutcome, /timed out after 60s and was killed/],
  ])('%s -> CREDENTIAL_PROVIDER', async (_, outcome, message) => {
    const s = await setup([{ name: 'ecr', matchImages: ['r.io'] }], () => outcome);
    const err = await s.kc.lookup(target('r.io', 'app')).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'CREDENTIAL_PROVIDER' });
    expect((err as Error).message).toMatch(/^credential provider plugin "ecr" \(.*config.json:1:\d+\): /);
    expect((err as Error).message).toContain('(image r.io/app)');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('fails when the bin dir or a plugin executable is missing, or the plugin is not executable', async () => {
    const s = await setup([{ name: 'ecr', matchImages: ['r.io'] }], () => exit('{}'));
    await writeFile(join(s.binDir, 'ecr'), 'not executable');
    await chmod(join(s.binDir, 'ecr'), 0o644);
    await expect(s.kc.lookup(target('r.io', 'a'))).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER', message: expect.stringContaining(`${join(s.binDir, 'ecr')} is not an executable file`) as string });
    const missing = credentialProviderKeychain({ configPath: s.configPath, binDir: join(s.binDir, 'nope'), env: {} });
    await expect(missing.lookup(target('r.io', 'a'))).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER', message: expect.stringContaining('bin directory') as string });
    const dir = await tempDir();
    const noPlugin = credentialProviderKeychain({ configPath: s.configPath, binDir: dir, env: {} });
    await expect(noPlugin.lookup(target('r.io', 'a'))).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER', message: expect.stringContaining(`executable ${join(dir, 'ecr')} does not exist`) as string });
  });

  it('kills a hung plugin and its children (real process, process group)', async () => {
    const s = await setup([{ name: 'slow', matchImages: ['r.io'] }], () => exit('{}'));
    await writeFile(join(s.binDir, 'slow'), '#!/bin/sh\nsleep 30 &\nsleep 30\n');
    const kc = credentialProviderKeychain({ configPath: s.configPath, binDir: s.binDir, env: { PATH: process.env.PATH }, timeoutMs: 300 });
    await expect(kc.lookup(target('r.io', 'a'))).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER', message: expect.stringContaining('timed out after 0.3s and was killed') as string });
  });

  it('skips a provider in service account token mode that requires a service account, and says so', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'sa'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(dir, 'c.yaml'), `apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: sa\n  matchImages: [r.io]\n  defaultCacheDuration: 0s\n  apiVersion: ${V1}\n  tokenAttributes: {serviceAccountTokenAudience: aud, requireServiceAccount: true, cacheType: Token}\n`);
    const logs: string[] = [];
    const kc = credentialProviderKeychain({ configPath: join(dir, 'c.yaml'), binDir: join(dir, 'bin'), env: {}, log: (l) => logs.push(l) });
    expect(await kc.lookup(target('r.io', 'a'))).toEqual([]);
    expect(logs).toEqual(['credential provider plugin "sa" requires a service account token; skipped']);
  });
});
