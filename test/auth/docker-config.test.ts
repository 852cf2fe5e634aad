import { describe, expect, it } from 'vitest';
import { CredentialHelperClient } from '../../src/auth/cred-helper.js';
import { dockerConfigKeychain, dockerConfigPath } from '../../src/auth/docker-config.js';
import type { HelperOutcome, HelperRunner } from '../../src/auth/process-runner.js';
import type { Credential } from '../../src/auth/types.js';
import { b64, b64raw, memFs, target } from './fakes.js';

const HOME = '/home/u';
const PATH = '/home/u/.docker/config.json';

/** fakeRunner answers helper calls from a table keyed by `program serverURL` and records them. */
function fakeRunner(answers: Record<string, HelperOutcome>): HelperRunner & { calls: string[] } {
  const calls: string[] = [];
  const run: HelperRunner = (program, args, input) => {
    calls.push(`${program} ${args.join(' ')} <${input}`);
    return Promise.resolve(answers[`${program} ${input}`] ?? { kind: 'exit', code: 1, stdout: 'credentials not found in native keychain', stderr: '' });
  };
  return Object.assign(run, { calls });
}

const ok = (username: string, secret: string): HelperOutcome => ({
  kind: 'exit', code: 0, stdout: JSON.stringify({ ServerURL: 'x', Username: username, Secret: secret }), stderr: '',
});

function keychain(config: unknown, runner = fakeRunner({}), extra: { env?: Record<string, string>; configDir?: string; path?: string } = {}) {
  const fs = memFs({ [extra.path ?? PATH]: typeof config === 'string' ? config : JSON.stringify(config) });
  const env = extra.env ?? {};
  const helpers = new CredentialHelperClient({ env, run: runner });
  return dockerConfigKeychain({ env, homedir: HOME, readFile: fs, helpers, configDir: extra.configDir });
}

const view = (creds: Credential[]) =>
  creds.map((c) => ({ source: c.source, username: c.username, password: c.password, identityToken: c.identityToken, registryToken: c.registryToken }));

describe('dockerConfigPath', () => {
  it.each([
    [{}, undefined, '/home/u/.docker/config.json'],
    [{ DOCKER_CONFIG: '/etc/dockercfg' }, undefined, '/etc/dockercfg/config.json'],
    [{ DOCKER_CONFIG: '/etc/dockercfg' }, '/explicit', '/explicit/config.json'],
  ])('env %j, dir %j → %s', (env, configDir, expected) => {
    expect(dockerConfigPath({ env, homedir: HOME, configDir })).toBe(expected);
  });
});

describe('dockerConfigKeychain: auths', () => {
  it('reads auth (padded or not), username/password, identitytoken and registrytoken', async () => {
    const kc = keychain({
      auths: {
        'a.io': { auth: b64('ua:pa') },
        'b.io': { auth: b64raw('ub:pb1') },
        'c.io': { username: 'uc', password: 'pc' },
        'd.io': { auth: b64('ud:'), identitytoken: 'refresh' },
        'e.io': { registrytoken: 'bearer' },
      },
    });
    const got = async (r: string) => view(await kc.lookup(target(r, 'x/y')))[0];
    expect(await got('a.io')).toMatchObject({ username: 'ua', password: 'pa', source: `docker config auths["a.io"] (${PATH})` });
    expect(await got('b.io')).toMatchObject({ username: 'ub', password: 'pb1' });
    expect(await got('c.io')).toMatchObject({ username: 'uc', password: 'pc' });
    expect(await got('d.io')).toMatchObject({ username: 'ud', identityToken: 'refresh' });
    expect(await got('e.io')).toMatchObject({ registryToken: 'bearer', username: undefined });
    expect(await kc.lookup(target('f.io', 'x'))).toEqual([]);
  });

  it('uses https://index.docker.io/v1/ for Docker Hub, and its other spellings as legacy keys', async () => {
    expect(view(await keychain({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }).lookup(target('docker.io', 'library/nginx')))).toMatchObject([{ username: 'hub' }]);
    expect(view(await keychain({ auths: { 'docker.io': { auth: b64('hub2:pw') } } }).lookup(target('docker.io', 'library/nginx')))).toMatchObject([{ username: 'hub2' }]);
    expect(await keychain({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }).lookup(target('ghcr.io', 'library/nginx'))).toEqual([]);
  });

  it('matches legacy keys with scheme and path by hostname (docker/cli ConvertToHostname), never by substring', async () => {
    const kc = keychain({
      auths: {
        'https://registry.example.com/v1/': { auth: b64('legacy:pw') },
        'http://registry.example.com:5000/': { auth: b64('port:pw') },
        'registry.example.com.evil.io': { auth: b64('evil:pw') },
      },
    });
    expect(view(await kc.lookup(target('registry.example.com', 'app')))).toMatchObject([{ username: 'legacy' }]);
    expect(view(await kc.lookup(target('registry.example.com:5000', 'app')))).toMatchObject([{ username: 'port' }]);
    expect(await kc.lookup(target('example.com', 'app'))).toEqual([]);
  });

  it('tries an exact registry/repository key before the registry key (go-containerregistry)', async () => {
    const kc = keychain({ auths: { 'ghcr.io': { auth: b64('org:pw') }, 'ghcr.io/acme/app': { auth: b64('repo:pw') } } });
    expect(view(await kc.lookup(target('ghcr.io', 'acme/app'))).map((c) => c.username)).toEqual(['repo', 'org']);
    expect(view(await kc.lookup(target('ghcr.io', 'acme/other'))).map((c) => c.username)).toEqual(['org']);
    const onlyRepo = keychain({ auths: { 'ghcr.io/acme/app': { auth: b64('repo:pw') } } });
    expect(await onlyRepo.lookup(target('ghcr.io', 'acme/other'))).toEqual([]);
  });

  it('ignores empty entries (docker writes {} next to a credsStore)', async () => {
    expect(await keychain({ auths: { 'ghcr.io': {} } }).lookup(target('ghcr.io', 'a'))).toEqual([]);
  });
});

describe('dockerConfigKeychain: helpers', () => {
  it('asks credHelpers[registry] first, and only that helper for that registry', async () => {
    const runner = fakeRunner({ 'docker-credential-gcloud gcr.io': ok('oauth2accesstoken', 'ya29') });
    const kc = keychain({ credHelpers: { 'gcr.io': 'gcloud' }, credsStore: 'desktop', auths: { 'gcr.io': { auth: b64('file:pw') } } }, runner);
    expect(view(await kc.lookup(target('gcr.io', 'p/app')))).toEqual([
      { source: `docker-credential-gcloud (credHelpers["gcr.io"] in ${PATH})`, username: 'oauth2accesstoken', password: 'ya29', identityToken: undefined, registryToken: undefined },
    ]);
    expect(runner.calls).toEqual(['docker-credential-gcloud get <gcr.io']);
  });

  it('uses credsStore for other registries, with the Docker Hub server URL', async () => {
    const runner = fakeRunner({ 'docker-credential-desktop https://index.docker.io/v1/': ok('<token>', 'refresh') });
    const kc = keychain({ credHelpers: { 'gcr.io': 'gcloud' }, credsStore: 'desktop' }, runner);
    expect(view(await kc.lookup(target('docker.io', 'library/nginx')))).toMatchObject([
      { source: `docker-credential-desktop (credsStore in ${PATH})`, identityToken: 'refresh', username: undefined },
    ]);
  });

  it('falls back to auths when the helper has no credential', async () => {
    const runner = fakeRunner({});
    const kc = keychain({ credsStore: 'desktop', auths: { 'ghcr.io': { auth: b64('file:pw') } } }, runner);
    expect(view(await kc.lookup(target('ghcr.io', 'a'))).map((c) => c.username)).toEqual(['file']);
    expect(runner.calls).toEqual(['docker-credential-desktop get <ghcr.io']);
  });

  it('fails when the configured helper is missing', async () => {
    const kc = keychain({ credsStore: 'desktop' }, fakeRunner({ 'docker-credential-desktop ghcr.io': { kind: 'not-found' } }));
    await expect(kc.lookup(target('ghcr.io', 'a'))).rejects.toMatchObject({
      code: 'CREDENTIAL_HELPER',
      message: `docker-credential-desktop not found on PATH (configured by credsStore in ${PATH})`,
    });
  });
});

describe('dockerConfigKeychain: files', () => {
  it('treats a missing file as no credentials and reads the file once', async () => {
    const fs = memFs({});
    const kc = dockerConfigKeychain({ env: {}, homedir: HOME, readFile: fs, helpers: new CredentialHelperClient({ env: {} }) });
    expect(await kc.lookup(target('ghcr.io', 'a'))).toEqual([]);
    expect(await kc.lookup(target('quay.io', 'a'))).toEqual([]);
    expect(fs.reads).toEqual([PATH]);
  });

  it('reads $DOCKER_CONFIG and --docker-config', async () => {
    const cfg = { auths: { 'ghcr.io': { auth: b64('env:pw') } } };
    expect(await keychain(cfg, undefined, { env: { DOCKER_CONFIG: '/ci/docker' }, path: '/ci/docker/config.json' }).lookup(target('ghcr.io', 'a'))).toHaveLength(1);
    expect(await keychain(cfg, undefined, { configDir: '/flag', path: '/flag/config.json' }).lookup(target('ghcr.io', 'a'))).toHaveLength(1);
  });

  it('accepts an empty file', async () => {
    expect(await keychain('  \n').lookup(target('ghcr.io', 'a'))).toEqual([]);
  });

  it.each([
    ['{"auths": {"ghcr.io": {"auth": "topsecret!!"}}}', `${PATH} auths["ghcr.io"]: "auth" is not base64 of "username:password"`],
    ['{"auths": {"ghcr.io": {"auth": "topsecret" ', `${PATH}: invalid JSON at line 1, column 44`],
    ['["topsecret"]', `${PATH}: must be a JSON object`],
    ['{"credHelpers": {"gcr.io": 1}}', `${PATH}: "credHelpers" must map registries to helper names`],
    ['{"credsStore": true}', `${PATH}: "credsStore" must be a string`],
  ])('malformed %s → CREDENTIAL_CONFIG with the path', async (text, message) => {
    const err = (await keychain(text).lookup(target('ghcr.io', 'a')).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('CREDENTIAL_CONFIG');
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('topsecret');
  });
});

describe('dockerConfigKeychain: IPv6 and empty-port keys (issue 15)', () => {
  it.each([
    ['https://::1:6555/v2/', '[::1]:6555'],
    ['https://[::1]:6555/v2/', '[::1]:6555'],
    ['https://example.com:/v2/', 'example.com'],
  ])('matches the key %s for registry %s', async (key, registry) => {
    const kc = keychain({ auths: { [key]: { auth: b64('v6:pw') } } });
    expect(view(await kc.lookup(target(registry, 'app')))).toMatchObject([{ username: 'v6', source: `docker config auths["${key}"] (${PATH})` }]);
  });

  it('does not match an IPv6 key to another port', async () => {
    expect(await keychain({ auths: { 'https://::1:6555/v2/': { auth: b64('v6:pw') } } }).lookup(target('[::1]:6556', 'app'))).toEqual([]);
  });
});

// docker/cli >= 28.2 configfile.GetCredentialsStore: DOCKER_AUTH_CONFIG's `auths` are an
// in-memory store in front of the helper and file stores (memory.NewInMemoryStore with
// WithFallbackStore), so an entry there wins and the helper is not run.
describe('dockerConfigKeychain: DOCKER_AUTH_CONFIG (issue 15)', () => {
  const envConfig = (auths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ DOCKER_AUTH_CONFIG: JSON.stringify({ auths, ...extra }) });

  it('answers before credHelpers, credsStore and the file auths; the helper is not run', async () => {
    const runner = fakeRunner({ 'docker-credential-gcloud gcr.io': ok('helper', 'pw') });
    const kc = keychain({ credHelpers: { 'gcr.io': 'gcloud' }, auths: { 'gcr.io': { auth: b64('file:pw') } } }, runner,
      { env: envConfig({ 'gcr.io': { auth: b64('env:pw') } }) });
    expect(view(await kc.lookup(target('gcr.io', 'p/app')))).toMatchObject([{ username: 'env', source: 'docker config auths["gcr.io"] (DOCKER_AUTH_CONFIG)' }]);
    expect(runner.calls).toEqual([]);
  });

  it('falls back to the helper and the file for registries it does not list', async () => {
    const runner = fakeRunner({ 'docker-credential-gcloud gcr.io': ok('helper', 'pw') });
    const kc = keychain({ credHelpers: { 'gcr.io': 'gcloud' }, auths: { 'quay.io': { auth: b64('file:pw') } } }, runner,
      { env: envConfig({ 'ghcr.io': { auth: b64('env:pw') } }) });
    expect(view(await kc.lookup(target('gcr.io', 'a'))).map((c) => c.username)).toEqual(['helper']);
    expect(view(await kc.lookup(target('quay.io', 'a'))).map((c) => c.username)).toEqual(['file']);
  });

  it('works without any config.json, including Docker Hub and username/password entries', async () => {
    const fs = memFs({});
    const env = envConfig({ 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'registry.example:5000': { username: 'u', password: 'p' } });
    const kc = dockerConfigKeychain({ env, homedir: HOME, readFile: fs, helpers: new CredentialHelperClient({ env }) });
    expect(view(await kc.lookup(target('docker.io', 'library/nginx'))).map((c) => c.username)).toEqual(['hub']);
    expect(view(await kc.lookup(target('registry.example:5000', 'a')))).toMatchObject([{ username: 'u', password: 'p' }]);
    expect(kc.describe()).toBe(`DOCKER_AUTH_CONFIG, then docker config (${PATH})`);
  });

  it('ignores credHelpers and credsStore inside the variable, as docker does', async () => {
    const runner = fakeRunner({ 'docker-credential-evil ghcr.io': ok('x', 'y') });
    const kc = keychain({}, runner, { env: envConfig({}, { credsStore: 'evil', credHelpers: { 'ghcr.io': 'evil' } }) });
    expect(await kc.lookup(target('ghcr.io', 'a'))).toEqual([]);
    expect(runner.calls).toEqual([]);
  });

  it('treats an empty variable as unset', async () => {
    const kc = keychain({ auths: { 'ghcr.io': { auth: b64('file:pw') } } }, fakeRunner({}), { env: { DOCKER_AUTH_CONFIG: '' } });
    expect(view(await kc.lookup(target('ghcr.io', 'a'))).map((c) => c.username)).toEqual(['file']);
  });

  it.each([
    ['not JSON', '{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXB3"', /^DOCKER_AUTH_CONFIG: invalid JSON/],
    ['a bad auth field', JSON.stringify({ auths: { 'ghcr.io': { auth: '!!!c2VjcmV0LXB3' } } }), /^DOCKER_AUTH_CONFIG auths\["ghcr.io"\]/],
    ['not an object', '["c2VjcmV0LXB3"]', /^DOCKER_AUTH_CONFIG: must be a JSON object/],
  ])('fails with CREDENTIAL_CONFIG naming the variable when it is %s, never quoting it', async (_, value, message) => {
    const kc = keychain({}, fakeRunner({}), { env: { DOCKER_AUTH_CONFIG: value } });
    const err = await kc.lookup(target('ghcr.io', 'a')).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'CREDENTIAL_CONFIG' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('c2VjcmV0LXB3');
  });
});
