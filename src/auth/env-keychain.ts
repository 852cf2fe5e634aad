/**
 * Credentials from environment variables, for CI jobs without credential files.
 *
 * For each entry n (1 to 100; gaps allowed, order does not matter):
 *
 *     DIGESTPIN_AUTH_<n>_REGISTRY   registry host[:port], optionally with a
 *                                   namespace path that scopes the entry
 *                                   (`ghcr.io`, `ghcr.io/acme`, `localhost:5000`);
 *                                   Docker Hub is `docker.io` (`index.docker.io`,
 *                                   `https://index.docker.io/v1/` also accepted)
 *     DIGESTPIN_AUTH_<n>_USERNAME   user name   } basic credentials: a password
 *     DIGESTPIN_AUTH_<n>_PASSWORD   password    } or a personal access token
 *     DIGESTPIN_AUTH_<n>_TOKEN      a bearer registry token, sent as-is; instead
 *                                   of USERNAME/PASSWORD
 *
 * Entries whose registry matches (host exactly, namespace as a whole-segment
 * prefix of the repository) are returned most specific first, then by n.
 * Any incomplete, empty, unknown or out-of-range variable is a
 * CREDENTIAL_CONFIG error naming the variable, never its value.
 */
import { PinError } from '../errors.js';
import { makeCredential } from './credential.js';
import type { Env } from './inject.js';
import { isDockerHub } from './registry-key.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** ENV_PREFIX starts every credential variable: `DIGESTPIN_AUTH_<n>_<FIELD>`. */
export const ENV_PREFIX = 'DIGESTPIN_AUTH_';

/** MAX_ENV_ENTRIES is the highest accepted n in `DIGESTPIN_AUTH_<n>_*`. */
export const MAX_ENV_ENTRIES = 100;

const FIELDS = ['REGISTRY', 'USERNAME', 'PASSWORD', 'TOKEN'] as const;
type Field = (typeof FIELDS)[number];

/** EnvAuthEntry is one validated `DIGESTPIN_AUTH_<n>_*` group. */
export interface EnvAuthEntry {
  n: number;
  host: string;
  /** path is the namespace scope without leading/trailing slashes ('' for the whole registry). */
  path: string;
  credential: Credential;
}

/** parseEnvAuth validates every `DIGESTPIN_AUTH_*` variable and returns the entries ordered by n. */
export function parseEnvAuth(env: Env): EnvAuthEntry[] {
  const groups = new Map<number, Partial<Record<Field, string>>>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const m = /^DIGESTPIN_AUTH_([^_]+)_(.+)$/.exec(name);
    const field = FIELDS.find((f) => f === m?.[2]);
    if (!m || !field) {
      throw configError(`${name} is not recognised (expected ${ENV_PREFIX}<n>_REGISTRY, _USERNAME, _PASSWORD or _TOKEN)`);
    }
    const n = /^[1-9][0-9]*$/.test(m[1]!) ? Number(m[1]) : NaN;
    if (!(n >= 1 && n <= MAX_ENV_ENTRIES)) throw configError(`${name}: <n> must be an integer from 1 to ${MAX_ENV_ENTRIES}`);
    if (value === '') throw configError(`${name} is set but empty`);
    const group = groups.get(n) ?? {};
    group[field] = value;
    groups.set(n, group);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([n, group]) => toEntry(n, group));
}

function toEntry(n: number, g: Partial<Record<Field, string>>): EnvAuthEntry {
  const v = (f: Field) => `${ENV_PREFIX}${n}_${f}`;
  const present = FIELDS.filter((f) => g[f] !== undefined).map(v);
  if (g.REGISTRY === undefined) {
    throw configError(`${v('REGISTRY')} is not set (${present.join(' and ')} ${present.length > 1 ? 'are' : 'is'})`);
  }
  if (g.TOKEN !== undefined && (g.USERNAME !== undefined || g.PASSWORD !== undefined)) {
    throw configError(`${v('TOKEN')} cannot be combined with ${v('USERNAME')}/${v('PASSWORD')}`);
  }
  if (g.TOKEN === undefined) {
    if (g.USERNAME === undefined && g.PASSWORD === undefined) {
      throw configError(`${ENV_PREFIX}${n}_* needs ${v('USERNAME')} and ${v('PASSWORD')}, or ${v('TOKEN')}`);
    }
    if (g.USERNAME === undefined) throw configError(`${v('USERNAME')} is not set (${v('PASSWORD')} is)`);
    if (g.PASSWORD === undefined) throw configError(`${v('PASSWORD')} is not set (${v('USERNAME')} is)`);
  }
  const scope = parseScope(g.REGISTRY);
  if (!scope) throw configError(`${v('REGISTRY')} is not a registry host[:port][/namespace]`);
  const source = `env ${ENV_PREFIX}${n}_*`;
  const credential =
    g.TOKEN !== undefined
      ? makeCredential({ source, registryToken: g.TOKEN })
      : makeCredential({ source, username: g.USERNAME, password: g.PASSWORD });
  return { n, ...scope, credential };
}

/** parseScope splits `[https://]host[:port][/path]` into a lower-cased host (Docker Hub folded to docker.io) and path. */
function parseScope(value: string): { host: string; path: string } | undefined {
  let rest = value.trim().replace(/^https?:\/\//i, '');
  rest = rest.replace(/\/v[12]\/?$/, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]+)?$/.test(host) || /\s|\/\//.test(path)) return undefined;
  return { host: isDockerHub(host) ? 'docker.io' : host, path };
}

/** envKeychain is a Keychain over DIGESTPIN_AUTH_* variables; it validates them at construction. */
export function envKeychain(env: Env): Keychain {
  const entries = parseEnvAuth(env);
  return {
    lookup(target: AuthTarget): Promise<Credential[]> {
      const registry = isDockerHub(target.registry) ? 'docker.io' : target.registry.toLowerCase();
      const matches = entries.filter(
        (e) => e.host === registry && (e.path === '' || `${target.repository}/`.startsWith(`${e.path}/`)),
      );
      matches.sort((a, b) => b.path.length - a.path.length || a.n - b.n);
      return Promise.resolve(matches.map((e) => e.credential));
    },
    describe: () => `env ${ENV_PREFIX}* (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'})`,
  };
}

function configError(message: string): PinError {
  return new PinError('CREDENTIAL_CONFIG', message);
}
