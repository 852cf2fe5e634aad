/**
 * Registry-key helpers shared by the docker and containers (podman) config
 * readers: legacy keys with a scheme and path are reduced to their host, and
 * Docker Hub's several spellings are folded together.
 */

/** DOCKER_HUB_HOSTS are the spellings of Docker Hub's registry host. */
export const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** isDockerHub reports whether a normalized registry host is Docker Hub. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.has(registry.toLowerCase());
}

/**
 * convertToHostname is docker/cli's credentials.ConvertToHostname: a key with
 * `scheme://` is reduced to its host[:port]; otherwise everything from the
 * first `/` is dropped (`https://index.docker.io/v1/` → `index.docker.io`).
 * https://github.com/docker/cli/blob/master/cli/config/credentials/file_store.go
 */
export function convertToHostname(key: string): string {
  const scheme = key.indexOf('://');
  if (scheme >= 0) {
    const authority = key.slice(scheme + 3).split(/[/?#]/, 1)[0] ?? '';
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host !== '') return host;
  }
  return key.split('/', 1)[0] ?? '';
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
