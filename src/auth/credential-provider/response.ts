/**
 * The exec plugin protocol of credentialprovider.kubelet.k8s.io/v1 (same shape
 * in v1beta1/v1alpha1): the request written to the plugin's stdin, and the
 * strict decoding of its CredentialProviderResponse. Errors never quote the
 * plugin's stdout, which carries passwords.
 * https://kubernetes.io/docs/reference/config-api/kubelet-credentialprovider.v1/
 */

/** CacheKeyType says what a response's credentials are cached for: one image, its registry, or everything. */
export type CacheKeyType = 'Image' | 'Registry' | 'Global';

/** ProviderAuth is one `auth` entry: a keyring key (matched with kubelet's glob rules) and its login. */
export interface ProviderAuth {
  key: string;
  username: string;
  password: string;
}

/** ProviderResponse is a decoded CredentialProviderResponse. */
export interface ProviderResponse {
  cacheKeyType: CacheKeyType;
  /** cacheDurationMs is undefined when the plugin did not set `cacheDuration` (use the provider default). */
  cacheDurationMs?: number | undefined;
  /** auth is sorted by key, so results do not depend on JSON member order. */
  auth: ProviderAuth[];
}

/** providerRequest is the CredentialProviderRequest JSON line for `image`, in the provider's apiVersion. */
export function providerRequest(apiVersion: string, image: string): string {
  return `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image })}\n`;
}

const RESPONSE_KEYS = new Set(['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth']);
const CACHE_KEY_TYPES: readonly string[] = ['Image', 'Registry', 'Global'];
// Only values of these shapes are quoted back; anything else in a plugin's output is withheld.
const API_VERSION_SHAPE = /^[a-z0-9.-]{1,100}\/v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const NAME_SHAPE = /^[A-Za-z]{1,40}$/;
const KEY_SHAPE = /^[A-Za-z0-9.*:_/-]{1,200}$/;

/**
 * decodeProviderResponse decodes stdout strictly, as the kubelet's codec does:
 * the apiVersion must equal the one sent, kind must be
 * CredentialProviderResponse, cacheKeyType must be Image, Registry or Global,
 * and unknown fields fail. Returns a problem description (never containing
 * stdout values) instead of throwing, so the caller can name the provider.
 */
export function decodeProviderResponse(stdout: string, apiVersion: string, parseDuration: (s: string) => number | undefined): ProviderResponse | string {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout) as unknown;
  } catch {
    return 'printed a response that is not JSON';
  }
  if (!isObject(raw)) return 'printed a response that is not a JSON object';
  const unknown = Object.keys(raw).find((k) => !RESPONSE_KEYS.has(k));
  if (unknown !== undefined) return `printed a response with unknown field ${quoteIf(unknown, NAME_SHAPE)}`;
  if (raw.apiVersion !== apiVersion) return `answered apiVersion ${quoteIf(raw.apiVersion, API_VERSION_SHAPE)}, expected "${apiVersion}"`;
  if (raw.kind !== 'CredentialProviderResponse') return `answered kind ${quoteIf(raw.kind, NAME_SHAPE)}, expected "CredentialProviderResponse"`;
  if (typeof raw.cacheKeyType !== 'string' || !CACHE_KEY_TYPES.includes(raw.cacheKeyType)) {
    return `answered cacheKeyType ${quoteIf(raw.cacheKeyType, NAME_SHAPE)}; it must be Image, Registry or Global`;
  }
  let cacheDurationMs: number | undefined;
  if (raw.cacheDuration !== undefined && raw.cacheDuration !== null) {
    cacheDurationMs = typeof raw.cacheDuration === 'string' ? parseDuration(raw.cacheDuration) : undefined;
    if (cacheDurationMs === undefined || cacheDurationMs < 0) return 'answered an invalid cacheDuration (not a Go duration >= 0)';
  }
  const auth = decodeAuth(raw.auth);
  if (typeof auth === 'string') return auth;
  return { cacheKeyType: raw.cacheKeyType as CacheKeyType, cacheDurationMs, auth };
}

function decodeAuth(value: unknown): ProviderAuth[] | string {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return 'answered an "auth" that is not an object';
  const out: ProviderAuth[] = [];
  for (const [key, entry] of Object.entries(value)) {
    // Keys are image patterns, not secrets; still only quoted when they look like one.
    const where = `auth[${quoteIf(key, KEY_SHAPE)}]`;
    if (!isObject(entry)) return `answered ${where} that is not an object`;
    const extra = Object.keys(entry).find((k) => k !== 'username' && k !== 'password');
    if (extra !== undefined) return `answered ${where} with unknown field ${quoteIf(extra, NAME_SHAPE)}`;
    const { username = '', password = '' } = entry;
    if (typeof username !== 'string' || typeof password !== 'string') return `answered ${where} with a non-string username or password`;
    out.push({ key, username, password });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** quoteIf quotes a value from the plugin's output only if it has the expected shape; otherwise it is withheld. */
function quoteIf(value: unknown, shape: RegExp): string {
  return typeof value === 'string' && shape.test(value) ? `"${value}"` : value === undefined ? '(missing)' : '(withheld)';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
