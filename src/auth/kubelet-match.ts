/**
 * Kubelet's image-pull keyring, reproduced from kubernetes
 * pkg/credentialprovider/keyring.go (`BasicDockerKeyring.Add`/`Lookup`,
 * `ParseSchemelessURL`, `SplitURL`, `URLsMatchStr`, `URLsMatch`,
 * `isDefaultRegistryMatch`) so a pull secret matches here exactly when it
 * would match on a node.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/keyring.go
 */
import type { AuthTarget } from './types.js';
import { goFilepathMatch } from './go-glob.js';
import { goParseUrl, goSplitHostPort, type GoUrl } from './go-url.js';

/** DEFAULT_REGISTRY_HOST is kubelet's `defaultRegistryHost`: the key Docker Hub credentials land on. */
export const DEFAULT_REGISTRY_HOST = 'index.docker.io';

/**
 * normalizeKeyringKey turns a dockercfg key into kubelet's index key: a scheme
 * is added if missing, then dropped; a leading `/v1/` or `/v2/` path is cut to
 * `/`; a path of `/` is dropped. `https://index.docker.io/v1/` becomes
 * `index.docker.io`. Returns undefined for keys Go's url.Parse rejects
 * (kubelet logs and ignores those entries).
 */
export function normalizeKeyringKey(location: string): string | undefined {
  const value = location.startsWith('https://') || location.startsWith('http://') ? location : `https://${location}`;
  const parsed = goParseUrl(value);
  if (!parsed) return undefined;
  let path = parsed.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? parsed.host + path : parsed.host;
}

/** parseSchemelessUrl is kubelet's ParseSchemelessURL: url.Parse of `https://` + the input. */
export function parseSchemelessUrl(schemeless: string): GoUrl | undefined {
  return goParseUrl(`https://${schemeless}`);
}

/** splitUrl is kubelet's SplitURL: host labels split on `.`, plus the port ('' if none). */
export function splitUrl(url: GoUrl): { parts: string[]; port: string } {
  const hp = goSplitHostPort(url.host);
  const host = hp ? hp.host : url.host;
  return { parts: host.split('.'), port: hp ? hp.port : '' };
}

/**
 * urlsMatch is kubelet's URLsMatch: ports must be equal, the hosts must have
 * the same number of labels and each glob label must match (Go filepath.Match,
 * so `*.example.com` never matches `example.com`), and the glob's path must be
 * a string prefix of the target's path.
 */
export function urlsMatch(glob: GoUrl, target: GoUrl): boolean {
  const g = splitUrl(glob);
  const t = splitUrl(target);
  if (g.port !== t.port) return false;
  if (g.parts.length !== t.parts.length) return false;
  if (!target.path.startsWith(glob.path)) return false;
  return g.parts.every((label, i) => goFilepathMatch(label, t.parts[i]!).matched);
}

/** urlsMatchStr is kubelet's URLsMatchStr; unparsable input never matches. */
export function urlsMatchStr(glob: string, target: string): boolean {
  const g = parseSchemelessUrl(glob);
  const t = parseSchemelessUrl(target);
  return g !== undefined && t !== undefined && urlsMatch(g, t);
}

/**
 * isDefaultRegistryMatch is kubelet's test for "this image comes from Docker
 * Hub": a one-component name, a `docker.io/` or `index.docker.io/` prefix, or a
 * first component without `.` or `:`.
 */
export function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash < 0 ? image : image.slice(0, slash);
  if (first.length === 0) return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}

/**
 * kubeletImageName is the string kubelet looks credentials up with: the
 * normalized repository without tag or digest (`parsers.ParseImageName` →
 * `repoToPull`, e.g. `docker.io/library/nginx`).
 */
export function kubeletImageName(target: AuthTarget): string {
  return `${target.registry}/${target.repository}`;
}

/**
 * KubeletKeyring is kubelet's BasicDockerKeyring: entries are indexed by their
 * normalized key, the index is de-duplicated and sorted in reverse byte order
 * (so `quay.io/coreos` precedes `quay.io` and non-wildcard keys precede
 * wildcard ones), and a lookup returns every matching entry in that order,
 * entries under the same key in insertion order.
 */
export class KubeletKeyring<T> {
  readonly #creds = new Map<string, T[]>();
  #index: string[] = [];

  /** add inserts entries (key as written in the dockercfg, value); unparsable keys are ignored like kubelet does. */
  add(entries: Iterable<readonly [string, T]>): void {
    for (const [location, value] of entries) {
      const key = normalizeKeyringKey(location);
      if (key === undefined) continue;
      const list = this.#creds.get(key);
      if (list) list.push(value);
      else this.#creds.set(key, [value]);
    }
    this.#index = [...this.#creds.keys()].sort((a, b) => Buffer.compare(Buffer.from(b), Buffer.from(a)));
  }

  /** lookup returns all values whose key matches `image`, most specific first; falls back to Docker Hub credentials. */
  lookup(image: string): T[] {
    const out: T[] = [];
    for (const key of this.#index) {
      if (urlsMatchStr(key, image)) out.push(...this.#creds.get(key)!);
    }
    if (out.length > 0) return out;
    // Use credentials for the default registry if provided, and appropriate.
    if (isDefaultRegistryMatch(image)) return [...(this.#creds.get(DEFAULT_REGISTRY_HOST) ?? [])];
    return [];
  }

  /** keys returns the normalized index in lookup order (for diagnostics). */
  keys(): string[] {
    return [...this.#index];
  }
}
