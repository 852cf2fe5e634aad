import { PinError } from '../errors.js';
import { anchoredRemoteName } from '../reference/grammar.js';
import type { ImageReference } from '../reference/types.js';

/** Mirror sends requests for registry `source` to `target` (`host[:port][/prefix]`). */
export interface Mirror {
  source: string;
  target: string;
}

/**
 * Endpoint is where the requests for one reference go. `registry` names the registry for
 * credentials, insecure checks and messages; `host` is the network authority.
 */
export interface Endpoint {
  /** registry is the logical registry (`docker.io`, or the mirror host). */
  registry: string;
  /** host is the host[:port] requests go to (`registry-1.docker.io` for `docker.io`). */
  host: string;
  /** repository is the repository path at `host` (mirror prefix applied). */
  repository: string;
}

// Docker Hub's names: references say docker.io, the API is served at registry-1.docker.io
// (distribution/reference normalize.go; docker/docker registry/config.go).
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', DOCKER_HUB_API, 'registry.hub.docker.com']);

/** canonicalRegistry lower-cases a registry host and folds Docker Hub's aliases into `docker.io`. */
export function canonicalRegistry(host: string): string {
  const lower = host.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** apiHost maps a registry to the host serving its API (`docker.io` → `registry-1.docker.io`). */
export function apiHost(registry: string): string {
  return canonicalRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_API : registry.toLowerCase();
}

/**
 * parseMirror parses a `SRC=DST[/prefix]` flag value (e.g. `docker.io=mirror.local:5000/hub`).
 * The prefix becomes part of every request path, so it must be a repository path
 * (distribution/reference `path-component`s): no `?`, `#`, `..`, `%` or upper case.
 */
export function parseMirror(spec: string): Mirror {
  const eq = spec.indexOf('=');
  const source = eq < 0 ? '' : spec.slice(0, eq).trim();
  const target = eq < 0 ? '' : spec.slice(eq + 1).trim().replace(/\/+$/, '');
  const hostRe = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d+)?$/i;
  const slash = target.indexOf('/');
  const targetHost = slash < 0 ? target : target.slice(0, slash);
  const prefix = slash < 0 ? undefined : target.slice(slash + 1);
  if (!hostRe.test(source) || !hostRe.test(targetHost)) {
    throw new PinError('USAGE', `invalid mirror ${JSON.stringify(spec)}: expected SRC=DST[/prefix] with registry hosts, e.g. docker.io=mirror.local:5000/hub`);
  }
  if (prefix !== undefined && !anchoredRemoteName.test(prefix)) {
    throw new PinError('USAGE', `invalid mirror ${JSON.stringify(spec)}: the prefix ${JSON.stringify(prefix)} must be a repository path (lower-case a-z0-9 components separated by "/", "." "_" "-" inside components; no "?", "#", "..", "%")`);
  }
  return { source: canonicalRegistry(source), target };
}

/** endpointFor decides where requests for `ref` go, applying the first mirror whose source matches. */
export function endpointFor(ref: ImageReference, mirrors: readonly Mirror[] = []): Endpoint {
  const registry = canonicalRegistry(ref.domain);
  const mirror = mirrors.find((m) => canonicalRegistry(m.source) === registry);
  if (!mirror) return { registry, host: apiHost(registry), repository: ref.path };
  const slash = mirror.target.indexOf('/');
  const host = canonicalRegistry(slash < 0 ? mirror.target : mirror.target.slice(0, slash));
  const prefix = slash < 0 ? '' : mirror.target.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  return { registry: host, host: apiHost(host), repository: prefix ? `${prefix}/${ref.path}` : ref.path };
}

/** HostPolicy says, per host, whether plain HTTP may be tried and whether TLS is verified. */
export interface HostPolicy {
  /** allowHttp: plain http may be used (insecure registries and loopback hosts). */
  allowHttp(host: string): boolean;
  /** skipTlsVerify: TLS certificates are not verified (insecure registries only). */
  skipTlsVerify(host: string): boolean;
}

/** splitHostPort splits `host[:port]` (IPv6 in brackets) into lower-case host and port. */
export function splitHostPort(authority: string): { host: string; port?: string } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority.trim().toLowerCase());
  if (!m) return { host: authority.toLowerCase() };
  return m[2] === undefined ? { host: m[1] as string } : { host: m[1] as string, port: m[2] };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * hostPolicy builds the HostPolicy for `insecureRegistries` entries (`HOST[:PORT]`): an
 * entry with a port matches that port only, one without matches every port of the host.
 * Loopback hosts may fall back to plain http as Docker and crane do, but their TLS stays verified.
 */
export function hostPolicy(insecureRegistries: readonly string[] = []): HostPolicy {
  const entries = insecureRegistries.map((e) => splitHostPort(e.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '')));
  const insecure = (authority: string): boolean => {
    const { host, port } = splitHostPort(authority);
    const hosts = host === DOCKER_HUB_API ? [host, DOCKER_HUB] : [host];
    return entries.some((e) => hosts.includes(e.host) && (e.port === undefined || e.port === port));
  };
  return {
    allowHttp: (authority) => insecure(authority) || isLoopback(splitHostPort(authority).host),
    skipTlsVerify: insecure,
  };
}
