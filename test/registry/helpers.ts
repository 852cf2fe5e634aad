// Shared test helpers for the registry client: a hand-built ImageReference, a per-test
// MockAgent context, and manifest fixtures.
import { createHash } from 'node:crypto';

import { MockAgent, type Interceptable } from 'undici';
import { afterEach, beforeEach } from 'vitest';

import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client.js';
import type { RequestEvent } from '../../src/registry/http.js';
import { MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import type { ImageReference } from '../../src/reference/types.js';

/** testRef builds an ImageReference value by hand (no parser needed). */
export function testRef(domain: string, path: string, opts: { tag?: string; digest?: string } = {}): ImageReference {
  const name = `${domain}/${path}`;
  const text = `${name}${opts.tag ? `:${opts.tag}` : ''}${opts.digest ? `@${opts.digest}` : ''}`;
  return {
    original: text,
    domain,
    path,
    name,
    ...(opts.tag ? { tag: opts.tag } : {}),
    ...(opts.digest ? { digest: opts.digest } : {}),
    familiarName: name,
    toString: () => text,
  };
}

/** sha256 returns the `sha256:` digest of text or bytes. */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** MockContext is the per-test mock state. */
export interface MockContext {
  agent: MockAgent;
  sleeps: number[];
  logs: string[];
  events: RequestEvent[];
  pool(origin: string): Interceptable;
  client(options?: RegistryClientOptions): RegistryClient;
}

/** useMockAgent creates a fresh MockAgent per test and asserts every interceptor was used. */
export function useMockAgent(): MockContext {
  const ctx = {} as MockContext;
  beforeEach(() => {
    ctx.agent = new MockAgent();
    ctx.agent.disableNetConnect();
    ctx.sleeps = [];
    ctx.logs = [];
    ctx.events = [];
    ctx.pool = (origin) => ctx.agent.get(origin);
    ctx.client = (options = {}) =>
      new RegistryClient({
        dispatcher: ctx.agent,
        sleep: async (ms) => void ctx.sleeps.push(ms),
        random: () => 0.5,
        log: (line) => ctx.logs.push(line),
        onRequest: (event) => ctx.events.push(event),
        ...options,
      });
  });
  afterEach(async () => {
    ctx.agent.assertNoPendingInterceptors();
    await ctx.agent.close();
  });
  return ctx;
}

/** Captured records the request headers an interceptor saw. */
export type Captured = Array<Record<string, string>>;

/** headersOf normalizes the headers an interceptor callback receives. */
export function headersOf(opts: { headers?: unknown }): Record<string, string> {
  const out: Record<string, string> = {};
  const h = opts.headers;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
  } else if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** pingOpen answers `GET /v2/` with 200 (no auth). */
export function pingOpen(pool: Interceptable): void {
  pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
}

/** pingChallenge answers `GET /v2/` with 401 and the given WWW-Authenticate header. */
export function pingChallenge(pool: Interceptable, challenge: string): void {
  pool.intercept({ path: '/v2/', method: 'GET' }).reply(401, '', { headers: { 'www-authenticate': challenge } });
}

/** imageManifest is a small OCI image manifest fixture. */
export const imageManifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('cfg'), size: 3 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256('layer'), size: 5 }],
});
/** imageDigest is the digest of imageManifest. */
export const imageDigest = sha256(imageManifest);

/** indexManifest is an OCI index with two platforms and one BuildKit attestation entry. */
export const indexManifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: sha256('amd64'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: OCI_MANIFEST, digest: sha256('arm64'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    {
      mediaType: OCI_MANIFEST, digest: sha256('att'), size: 1, platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': sha256('amd64') },
    },
  ],
});
/** indexDigest is the digest of indexManifest. */
export const indexDigest = sha256(indexManifest);

export { MANIFEST_ACCEPT };
