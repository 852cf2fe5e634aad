// Docker Hub normalization, after distribution/reference normalize.go
// (https://github.com/distribution/reference/blob/main/normalize.go):
// splitDockerDomain decides whether the first path element is a registry, and
// familiarizeName turns `docker.io/library/nginx` back into `nginx`.

/** DEFAULT_DOMAIN is Docker Hub's canonical domain, used when a reference names no registry. */
export const DEFAULT_DOMAIN = 'docker.io';

/** LEGACY_DEFAULT_DOMAIN is the old "Docker Index" name of Docker Hub, canonicalized to docker.io. */
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

/** OFFICIAL_REPO_PREFIX is the Docker Hub namespace of official images (`nginx` is `library/nginx`). */
export const OFFICIAL_REPO_PREFIX = 'library/';

/** DomainSplit is the result of splitDockerDomain, with offsets into the original text. */
export interface DomainSplit {
  /** domain is the registry, canonicalized (`index.docker.io` becomes `docker.io`). */
  domain: string;
  /** domainText is the registry as written, or undefined when the default was used. */
  domainText?: string;
  /** rest is everything after the registry: `path[:tag][@digest]` as written. */
  rest: string;
  /** restOffset is where `rest` starts in the original text. */
  restOffset: number;
  /** libraryPrefix is true when `library/` is implied (a one-element path on Docker Hub). */
  libraryPrefix: boolean;
}

/** canonicalDomain maps Docker Hub's legacy domain to `docker.io` and returns any other domain unchanged. */
export function canonicalDomain(domain: string): string {
  return domain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : domain;
}

/** isDomainLike reports whether a first path element names a registry, by splitDockerDomain's rules. */
export function isDomainLike(element: string): boolean {
  return (
    element === 'localhost' || // localhost is a reserved namespace, always a domain
    /[.:]/.test(element) || // "example.com", "127.0.0.1", "example:5000", "[::1]:5000"
    element.toLowerCase() !== element // namespaces are lowercase, so uppercase means a domain
  );
}

/**
 * splitDockerDomain splits a reference into registry and remainder exactly as
 * distribution/reference does. A reference without `/` is always a Docker Hub
 * name, so `localhost:5000` is `docker.io/library/localhost` tagged `5000`.
 * `defaultDomain` replaces docker.io for names without a registry; `library/`
 * is implied only when the registry is Docker Hub (as go-containerregistry's
 * WithDefaultRegistry does).
 */
export function splitDockerDomain(input: string, defaultDomain: string = DEFAULT_DOMAIN): DomainSplit {
  const slash = input.indexOf('/');
  const first = slash < 0 ? '' : input.slice(0, slash);
  let split: DomainSplit;
  if (slash >= 0 && isDomainLike(first)) {
    const domain = canonicalDomain(first);
    split = { domain, domainText: first, rest: input.slice(slash + 1), restOffset: slash + 1, libraryPrefix: false };
  } else {
    split = { domain: canonicalDomain(defaultDomain), rest: input, restOffset: 0, libraryPrefix: false };
  }
  // "docker.io/ubuntu[:tag]" => "docker.io/library/ubuntu[:tag]", only on Docker Hub.
  split.libraryPrefix = split.domain === DEFAULT_DOMAIN && !split.rest.includes('/');
  return split;
}

/**
 * familiarName returns the shortest name Docker accepts for domain/path: it
 * drops `docker.io/`, and `library/` when no further namespace follows
 * (FamiliarName; `docker.io/library/foo/bar` stays `library/foo/bar`).
 * Unlike upstream, it keeps `docker.io/` when the first path element would
 * then read as a registry (`docker.io/localhost/app`, `docker.io/a.b/c`), so
 * the familiar name always parses back to the same repository.
 */
export function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return `${domain}/${path}`;
  if (path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  const slash = path.indexOf('/');
  if (slash >= 0 && isDomainLike(path.slice(0, slash))) return `${DEFAULT_DOMAIN}/${path}`;
  return path;
}
