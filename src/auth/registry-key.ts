/**
 * Registry-key helpers shared by the docker and containers (podman) config
 * readers: legacy keys with a scheme and path are reduced to their host, and
 * Docker Hub's several spellings are folded together.
 */
import { goParseUrl } from './go-url.js';

/** DOCKER_HUB_HOSTS are the spellings of Docker Hub's registry host. */
export const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** isDockerHub reports whether a normalized registry host is Docker Hub. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.has(registry.toLowerCase());
}

/**
 * convertToHostname is docker/cli's credentials.ConvertToHostname: a key with
 * `://` that Go's url.Parse accepts is reduced to `Hostname()`, joined with
 * `Port()` by net.JoinHostPort when there is one (`https://::1:6555/v2/` →
 * `[::1]:6555`, `https://[::1]/v2/` → `::1`, `https://example.com:/v2/` →
 * `example.com`); otherwise everything from the first `/` is dropped.
 * https://github.com/docker/cli/blob/master/cli/config/credentials/file_store.go
 */
export function convertToHostname(key: string): string {
  if (key.includes('://')) {
    const parsed = goParseUrl(key);
    const { hostname, port } = goHostnamePort(parsed?.host ?? '');
    if (hostname !== '') return port === '' ? hostname : hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  }
  return key.split('/', 1)[0] ?? '';
}

/** goHostnamePort is Go's url.URL Hostname() and Port(): a valid `:port` suffix is split off, then brackets are dropped. */
function goHostnamePort(host: string): { hostname: string; port: string } {
  let hostname = host;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && /^:\d*$/.test(host.slice(colon))) {
    hostname = host.slice(0, colon);
    port = host.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

/**
 * normalizeAuthFileKey is containers/image's normalizeAuthFileKey: a key
 * written as a URL means its whole registry (host only); other keys are kept
 * as written (they may name a namespace); Docker Hub aliases fold to
 * `docker.io`.
 * https://github.com/containers/image/blob/main/pkg/docker/config/config.go
 */
export function normalizeAuthFileKey(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '');
  const host = stripped !== key ? (stripped.split('/', 1)[0] ?? '') : stripped;
  return isDockerHub(host) ? 'docker.io' : host;
}

/** namespaceKeys lists `registry/a/b/c`, `registry/a/b`, `registry/a`, `registry`: most specific first. */
export function namespaceKeys(registry: string, repository: string): string[] {
  const keys: string[] = [];
  let name = repository === '' ? registry : `${registry}/${repository}`;
  for (;;) {
    keys.push(name);
    const slash = name.lastIndexOf('/');
    if (slash < 0) return keys;
    name = name.slice(0, slash);
  }
}
