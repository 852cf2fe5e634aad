import { describe, expect, it } from 'vitest';
import { envKeychain, parseEnvAuth } from '../../src/auth/env-keychain.js';
import { target } from './fakes.js';

const SECRET = 'pa55-do-not-print';

describe('envKeychain', () => {
  it('matches registries and namespaces, most specific first, then by n; gaps allowed', async () => {
    const kc = envKeychain({
      DIGESTPIN_AUTH_1_REGISTRY: 'ghcr.io',
      DIGESTPIN_AUTH_1_USERNAME: 'org-bot',
      DIGESTPIN_AUTH_1_PASSWORD: SECRET,
      DIGESTPIN_AUTH_7_REGISTRY: 'ghcr.io/acme',
      DIGESTPIN_AUTH_7_TOKEN: 'bearer-token',
      DIGESTPIN_AUTH_3_REGISTRY: 'https://index.docker.io/v1/',
      DIGESTPIN_AUTH_3_USERNAME: 'hub',
      DIGESTPIN_AUTH_3_PASSWORD: 'pat',
      DIGESTPIN_AUTH_100_REGISTRY: 'localhost:5000',
      DIGESTPIN_AUTH_100_USERNAME: 'local',
      DIGESTPIN_AUTH_100_PASSWORD: 'pw',
      UNRELATED: 'x',
    });
    const view = async (r: string, repo: string) =>
      (await kc.lookup(target(r, repo))).map((c) => [c.source, c.username ?? null, c.password ?? null, c.registryToken ?? null]);
    expect(await view('ghcr.io', 'acme/app')).toEqual([
      ['env DIGESTPIN_AUTH_7_*', null, null, 'bearer-token'],
      ['env DIGESTPIN_AUTH_1_*', 'org-bot', SECRET, null],
    ]);
    expect(await view('ghcr.io', 'acmeish/app')).toEqual([['env DIGESTPIN_AUTH_1_*', 'org-bot', SECRET, null]]);
    expect(await view('docker.io', 'library/nginx')).toEqual([['env DIGESTPIN_AUTH_3_*', 'hub', 'pat', null]]);
    expect(await view('localhost:5000', 'app')).toHaveLength(1);
    expect(await view('localhost:5001', 'app')).toEqual([]);
    expect(kc.describe()).toBe('env DIGESTPIN_AUTH_* (4 entries)');
  });

  it('has no entries when no variable is set', async () => {
    expect(parseEnvAuth({ PATH: '/bin' })).toEqual([]);
  });

  it.each([
    [{ DIGESTPIN_AUTH_1_USERNAME: 'u', DIGESTPIN_AUTH_1_PASSWORD: SECRET }, 'DIGESTPIN_AUTH_1_REGISTRY is not set (DIGESTPIN_AUTH_1_USERNAME and DIGESTPIN_AUTH_1_PASSWORD are)'],
    [{ DIGESTPIN_AUTH_2_REGISTRY: 'r.io', DIGESTPIN_AUTH_2_USERNAME: 'u' }, 'DIGESTPIN_AUTH_2_PASSWORD is not set (DIGESTPIN_AUTH_2_USERNAME is)'],
    [{ DIGESTPIN_AUTH_2_REGISTRY: 'r.io', DIGESTPIN_AUTH_2_PASSWORD: SECRET }, 'DIGESTPIN_AUTH_2_USERNAME is not set (DIGESTPIN_AUTH_2_PASSWORD is)'],
    [{ DIGESTPIN_AUTH_2_REGISTRY: 'r.io' }, 'DIGESTPIN_AUTH_2_* needs DIGESTPIN_AUTH_2_USERNAME and DIGESTPIN_AUTH_2_PASSWORD, or DIGESTPIN_AUTH_2_TOKEN'],
    [{ DIGESTPIN_AUTH_2_REGISTRY: 'r.io', DIGESTPIN_AUTH_2_TOKEN: SECRET, DIGESTPIN_AUTH_2_USERNAME: 'u' }, 'DIGESTPIN_AUTH_2_TOKEN cannot be combined with DIGESTPIN_AUTH_2_USERNAME/DIGESTPIN_AUTH_2_PASSWORD'],
    [{ DIGESTPIN_AUTH_2_REGISTRY: 'r.io', DIGESTPIN_AUTH_2_USERNAME: 'u', DIGESTPIN_AUTH_2_PASSWORD: '' }, 'DIGESTPIN_AUTH_2_PASSWORD is set but empty'],
    [{ DIGESTPIN_AUTH_0_REGISTRY: 'r.io' }, 'DIGESTPIN_AUTH_0_REGISTRY: <n> must be an integer from 1 to 100'],
    [{ DIGESTPIN_AUTH_101_REGISTRY: 'r.io' }, 'DIGESTPIN_AUTH_101_REGISTRY: <n> must be an integer from 1 to 100'],
    [{ DIGESTPIN_AUTH_01_REGISTRY: 'r.io' }, 'DIGESTPIN_AUTH_01_REGISTRY: <n> must be an integer from 1 to 100'],
    [{ DIGESTPIN_AUTH_1_PASSWD: SECRET }, 'DIGESTPIN_AUTH_1_PASSWD is not recognised (expected DIGESTPIN_AUTH_<n>_REGISTRY, _USERNAME, _PASSWORD or _TOKEN)'],
    [{ DIGESTPIN_AUTH_TOKEN: SECRET }, 'DIGESTPIN_AUTH_TOKEN is not recognised (expected DIGESTPIN_AUTH_<n>_REGISTRY, _USERNAME, _PASSWORD or _TOKEN)'],
    [{ DIGESTPIN_AUTH_1_REGISTRY: 'not a host', DIGESTPIN_AUTH_1_TOKEN: SECRET }, 'DIGESTPIN_AUTH_1_REGISTRY is not a registry host[:port][/namespace]'],
  ])('%j → CREDENTIAL_CONFIG naming the variable', (env, message) => {
    expect(() => envKeychain(env)).toThrow(expect.objectContaining({ code: 'CREDENTIAL_CONFIG', message }));
    try {
      envKeychain(env);
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });
});
