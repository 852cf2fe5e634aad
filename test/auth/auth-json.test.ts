import { describe, expect, it } from 'vitest';
import { authJsonKeychain, authJsonPaths, type AuthJsonKeychainOptions } from '../../src/auth/auth-json.js';
import { CredentialHelperClient } from '../../src/auth/cred-helper.js';
import type { HelperRunner } from '../../src/auth/process-runner.js';
import { b64, memFs, target } from './fakes.js';

const HOME = '/home/u';
const RUNTIME = '/run/user/1000/containers/auth.json';
const CONFIG = '/home/u/.config/containers/auth.json';

function options(files: Record<string, unknown>, extra: Partial<AuthJsonKeychainOptions> = {}): AuthJsonKeychainOptions {
  const text: Record<string, string> = {};
  for (const [path, value] of Object.entries(files)) text[path] = JSON.stringify(value);
  const env = extra.env ?? { XDG_RUNTIME_DIR: '/run/user/1000' };
  return { env, homedir: HOME, readFile: memFs(text), helpers: new CredentialHelperClient({ env }), platform: 'linux', ...extra };
}

const users = async (opts: AuthJsonKeychainOptions, registry: string, repository: string) =>
  (await authJsonKeychain(opts).lookup(target(registry, repository))).map((c) => c.username);

describe('authJsonPaths', () => {
  it.each([
    ['--authfile wins over everything', { authFile: '/flag.json', env: { REGISTRY_AUTH_FILE: '/env.json', XDG_RUNTIME_DIR: '/run/user/1' } }, ['/flag.json'], true],
    ['REGISTRY_AUTH_FILE is the only file read', { env: { REGISTRY_AUTH_FILE: '/env.json', XDG_RUNTIME_DIR: '/run/user/1' } }, ['/env.json'], true],
    ['XDG_RUNTIME_DIR then ~/.config', { env: { XDG_RUNTIME_DIR: '/run/user/1' } }, ['/run/user/1/containers/auth.json', CONFIG], false],
    ['XDG_CONFIG_HOME moves the second file', { env: { XDG_RUNTIME_DIR: '/r', XDG_CONFIG_HOME: '/cfg' } }, ['/r/containers/auth.json', '/cfg/containers/auth.json'], false],
    ['no XDG_RUNTIME_DIR: /run/containers/<uid>', { env: {}, uid: 1000 }, ['/run/containers/1000/auth.json', CONFIG], false],
    ['no XDG_RUNTIME_DIR and no uid', { env: {} }, [CONFIG], false],
    ['macOS uses ~/.config for both', { env: {}, platform: 'darwin' as const }, [CONFIG], false],
    // containers/image getPathToAuthWithOS: every GOOS but linux ignores XDG_RUNTIME_DIR (issue 15).
    ['FreeBSD ignores XDG_RUNTIME_DIR', { env: { XDG_RUNTIME_DIR: '/var/run/user/1' }, platform: 'freebsd' as const, uid: 1 }, [CONFIG], false],
    ['OpenBSD ignores the uid fallback', { env: {}, platform: 'openbsd' as const, uid: 1 }, [CONFIG], false],
    ['Windows: ~/.config first, then XDG_CONFIG_HOME', { env: { XDG_CONFIG_HOME: '/cfg', XDG_RUNTIME_DIR: '/r' }, platform: 'win32' as const },
      [CONFIG, '/cfg/containers/auth.json'], false],
  ])('%s', (_, extra, paths, explicit) => {
    expect(authJsonPaths({ ...options({}), ...extra })).toEqual({ paths, explicit });
  });
});

describe('authJsonKeychain', () => {
  it('tries namespaced keys most specific first (containers-auth.json(5))', async () => {
    const opts = options({
      [RUNTIME]: {
        auths: {
          'quay.io': { auth: b64('registry:pw') },
          'quay.io/org': { auth: b64('org:pw') },
          'quay.io/org/repo': { auth: b64('repo:pw') },
          'quay.io/other': { auth: b64('other:pw') },
        },
      },
    });
    expect(await users(opts, 'quay.io', 'org/repo')).toEqual(['repo', 'org', 'registry']);
    expect(await users(opts, 'quay.io', 'org/repo2')).toEqual(['org', 'registry']);
    expect(await users(opts, 'quay.io', 'orgs/x')).toEqual(['registry']);
    expect(await users(opts, 'quay.io.evil.io', 'org/repo')).toEqual([]);
  });

  it('uses docker.io keys and legacy URL keys for Docker Hub', async () => {
    expect(await users(options({ [RUNTIME]: { auths: { 'docker.io': { auth: b64('hub:pw') } } } }), 'docker.io', 'library/nginx')).toEqual(['hub']);
    expect(await users(options({ [RUNTIME]: { auths: { 'https://index.docker.io/v1/': { auth: b64('legacy:pw') } } } }), 'docker.io', 'library/nginx')).toEqual(['legacy']);
  });

  it('reads the primary file first and falls through to ~/.config when it has nothing', async () => {
    const opts = options({
      [RUNTIME]: { auths: { 'ghcr.io': { auth: b64('runtime:pw') } } },
      [CONFIG]: { auths: { 'ghcr.io': { auth: b64('config:pw') }, 'quay.io': { auth: b64('config-quay:pw') } } },
    });
    expect(await users(opts, 'ghcr.io', 'a')).toEqual(['runtime']);
    expect(await users(opts, 'quay.io', 'a')).toEqual(['config-quay']);
  });

  it('reads only REGISTRY_AUTH_FILE when set, and a missing explicit file is an error', async () => {
    const files = { '/ci/auth.json': { auths: { 'ghcr.io': { auth: b64('ci:pw') } } }, [CONFIG]: { auths: { 'quay.io': { auth: b64('x:y') } } } };
    const opts = options(files, { env: { REGISTRY_AUTH_FILE: '/ci/auth.json' } });
    expect(await users(opts, 'ghcr.io', 'a')).toEqual(['ci']);
    expect(await users(opts, 'quay.io', 'a')).toEqual([]);
    await expect(authJsonKeychain(options({}, { authFile: '/nope.json' })).lookup(target('ghcr.io', 'a'))).rejects.toMatchObject({
      code: 'CREDENTIAL_CONFIG',
      message: 'auth file /nope.json: file not found',
    });
  });

  it('answers from credHelpers[registry] alone, passing the bare registry host', async () => {
    const calls: string[] = [];
    const run: HelperRunner = (program, _args, input) => {
      calls.push(`${program} <${input}`);
      return Promise.resolve({ kind: 'exit', code: 0, stdout: '{"Username":"h","Secret":"s"}', stderr: '' });
    };
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    const opts = options(
      { [RUNTIME]: { credHelpers: { 'docker.io': 'secretservice' }, auths: { 'docker.io': { auth: b64('file:pw') } } } },
      { helpers: new CredentialHelperClient({ env, run }) },
    );
    const found = await authJsonKeychain(opts).lookup(target('docker.io', 'library/nginx'));
    expect(found.map((c) => [c.source, c.username])).toEqual([
      [`docker-credential-secretservice (credHelpers["docker.io"] in ${RUNTIME})`, 'h'],
    ]);
    expect(calls).toEqual(['docker-credential-secretservice <docker.io']);
  });

  it('fails on a malformed file, naming it', async () => {
    const opts = { ...options({}), readFile: memFs({ [RUNTIME]: '{"auths": {"ghcr.io": {"auth": 7}}}' }) };
    await expect(authJsonKeychain(opts).lookup(target('ghcr.io', 'a'))).rejects.toMatchObject({
      code: 'CREDENTIAL_CONFIG',
      message: `${RUNTIME} auths["ghcr.io"]: "auth" must be a string`,
    });
  });
});
