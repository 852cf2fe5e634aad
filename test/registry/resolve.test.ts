import { describe, expect, it } from 'vitest';

import { isPinError } from '../../src/errors.js';
import { parseMirror } from '../../src/registry/endpoint.js';
import { RegistryError } from '../../src/registry/errors.js';
import { DOCKER_MANIFEST_V2, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import {
  headersOf, imageDigest, imageManifest, indexDigest, indexManifest, MANIFEST_ACCEPT, pingOpen, sha256, testRef, useMockAgent, type Captured,
} from './helpers.js';

const ORIGIN = 'https://reg.example';
const ref = testRef('reg.example', 'team/app', { tag: 'v1' });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('RegistryClient.resolve', () => {
  const ctx = useMockAgent();

  it('uses the HEAD digest and sends the full Accept list', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    const seen: Captured = [];
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply((opts) => {
      seen.push(headersOf(opts));
      return { statusCode: 200, data: '', responseOptions: { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } } };
    });
    await expect(ctx.client().resolve(ref)).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
    expect(seen[0]?.['accept']).toBe(MANIFEST_ACCEPT);
    expect(seen[0]?.['authorization']).toBeUndefined();
    expect(MANIFEST_ACCEPT.split(', ')).toEqual([
      OCI_INDEX, OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.list.v2+json', DOCKER_MANIFEST_V2,
    ]);
  });

  it.each([
    ['no Docker-Content-Digest', {}],
    ['an invalid Docker-Content-Digest', { 'docker-content-digest': 'sha256:abc' }],
    ['an upper-case digest', { 'docker-content-digest': imageDigest.toUpperCase() }],
  ])('falls back to GET and hashes the body when HEAD has %s', async (_name, headers) => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(200, '', { headers: { ...headers, 'content-type': OCI_MANIFEST } });
    const seen: Captured = [];
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' }).reply((opts) => {
      seen.push(headersOf(opts));
      return { statusCode: 200, data: imageManifest, responseOptions: { headers: { 'content-type': OCI_MANIFEST } } };
    });
    await expect(ctx.client().resolve(ref)).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
    expect(seen[0]?.['accept']).toBe(MANIFEST_ACCEPT);
  });

  it('trusts the body over a lying header on GET and logs a warning', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(405, '');
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply(200, imageManifest, { headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256('lie') } });
    const resolved = await ctx.client().resolve(ref);
    expect(resolved.digest).toBe(imageDigest);
    expect(ctx.logs.some((l) => l.startsWith('warning:') && l.includes(sha256('lie')) && l.includes(imageDigest))).toBe(true);
  });

  it('falls back to GET on 405 and reports the media type from the body', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(405, '');
    const docker = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_V2, config: {}, layers: [] });
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' }).reply(200, docker, { headers: { 'content-type': 'application/json' } });
    await expect(ctx.client().resolve(ref)).resolves.toEqual({ digest: sha256(docker), mediaType: DOCKER_MANIFEST_V2 });
  });

  it('maps 404 MANIFEST_UNKNOWN from the GET body', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(404, '');
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'v1' } }] });
    const error = await rejection(ctx.client().resolve(ref));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404, codes: ['MANIFEST_UNKNOWN'], method: 'GET' });
    expect((error as Error).message).toContain('reg.example/team/app:v1');
  });

  it('maps NAME_UNKNOWN', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(404, '');
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' }).reply(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] });
    expect(await rejection(ctx.client().resolve(ref))).toMatchObject({ code: 'NAME_UNKNOWN' });
  });

  it('GETs an index by the HEAD digest and lists platforms without attestations', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': indexDigest, 'content-type': OCI_INDEX } });
    pool.intercept({ path: `/v2/team/app/manifests/${indexDigest}`, method: 'GET' }).reply(200, indexManifest, { headers: { 'content-type': OCI_INDEX } });
    await expect(ctx.client().resolve(ref)).resolves.toEqual({
      digest: indexDigest,
      mediaType: OCI_INDEX,
      platforms: [
        { platform: 'linux/amd64', digest: sha256('amd64'), mediaType: OCI_MANIFEST },
        { platform: 'linux/arm64/v8', digest: sha256('arm64'), mediaType: OCI_MANIFEST },
      ],
    });
  });

  it('resolves a tag+digest reference by digest and verifies it', async () => {
    const pinned = testRef('reg.example', 'team/app', { tag: 'v1', digest: imageDigest });
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `/v2/team/app/manifests/${imageDigest}`, method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } });
    await expect(ctx.client().resolve(pinned)).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
  });

  it('verifies by GET when HEAD by digest reports another digest, and fails on mismatch', async () => {
    const wanted = sha256('something else');
    const pinned = testRef('reg.example', 'team/app', { digest: wanted });
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `/v2/team/app/manifests/${wanted}`, method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } });
    pool.intercept({ path: `/v2/team/app/manifests/${wanted}`, method: 'GET' }).reply(200, imageManifest, { headers: { 'content-type': OCI_MANIFEST } });
    const error = await rejection(ctx.client().resolve(pinned));
    expect(isPinError(error, 'DIGEST_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(wanted);
    expect((error as Error).message).toContain(imageDigest);
  });

  it('deduplicates 20 concurrent identical resolves into one HEAD', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } });
    const client = ctx.client();
    const results = await Promise.all(Array.from({ length: 20 }, () => client.resolve(testRef('reg.example', 'team/app', { tag: 'v1' }))));
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([imageDigest]));
    expect(client.stats()).toEqual({
      total: 2,
      byKind: { ping: 1, token: 0, manifest: 1, blob: 0, tags: 0 },
      byRegistry: { 'reg.example': { ping: 1, token: 0, manifest: 1, blob: 0, tags: 0 } },
    });
  });

  it('sends a mirrored registry to the mirror with the prefix, and reports the source reference', async () => {
    const hub = testRef('docker.io', 'library/nginx', { tag: '1.27' });
    const pool = ctx.pool('https://mirror.local:5000');
    pingOpen(pool);
    pool.intercept({ path: '/v2/hub/library/nginx/manifests/1.27', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } });
    const client = ctx.client({ mirrors: [parseMirror('docker.io=mirror.local:5000/hub')] });
    await expect(client.resolve(hub)).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
    expect(ctx.events.map((e) => `${e.kind} ${e.registry} ${e.url}`)).toEqual([
      'ping mirror.local:5000 https://mirror.local:5000/v2/',
      'manifest mirror.local:5000 https://mirror.local:5000/v2/hub/library/nginx/manifests/1.27',
    ]);
  });

  it('sends docker.io to registry-1.docker.io', async () => {
    const pool = ctx.pool('https://registry-1.docker.io');
    pingOpen(pool);
    pool.intercept({ path: '/v2/library/nginx/manifests/latest', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } });
    await expect(ctx.client().resolve(testRef('docker.io', 'library/nginx'))).resolves.toMatchObject({ digest: imageDigest });
  });

  it('rejects schema1 manifests', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(200, '', { headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } });
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply(200, '{"schemaVersion":1,"fsLayers":[]}', { headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } });
    expect(await rejection(ctx.client().resolve(ref))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('does not answer a rate-limited HEAD with a GET', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(429, '', { headers: { 'retry-after': '3600' } });
    const error = await rejection(ctx.client().resolve(ref));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((error as Error).message).toContain('retry after 3600s');
  });
});

describe('RegistryClient.headManifest / getManifest / getBlob', () => {
  const ctx = useMockAgent();

  it('headManifest returns what HEAD said, without a GET', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': indexDigest, 'content-type': OCI_INDEX, 'content-length': '512' } });
    await expect(ctx.client().headManifest(ref)).resolves.toEqual({ digest: indexDigest, mediaType: OCI_INDEX, size: 512 });
  });

  it('headManifest without a digest header gives no digest unless GET is allowed', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(200, '').times(2);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' }).reply(200, imageManifest);
    const client = ctx.client();
    await expect(client.headManifest(ref)).resolves.toEqual({});
    await expect(client.headManifest(ref, { fallbackToGet: true })).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST, size: imageManifest.length });
  });

  it('headManifest throws on 404 when GET is not allowed', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'HEAD' }).reply(404, '');
    expect(await rejection(ctx.client().headManifest(ref))).toMatchObject({ code: 'MANIFEST_UNKNOWN', method: 'HEAD' });
  });

  it('getManifest by digest returns verified bytes and JSON', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `/v2/team/app/manifests/${indexDigest}`, method: 'GET' }).reply(200, indexManifest, { headers: { 'content-type': OCI_INDEX } });
    const got = await ctx.client().getManifest(ref, indexDigest);
    expect(got.digest).toBe(indexDigest);
    expect(got.mediaType).toBe(OCI_INDEX);
    expect(got.bytes.toString()).toBe(indexManifest);
    expect(got.json.manifests).toHaveLength(3);
  });

  it('getManifest rejects a malformed digest before any request', async () => {
    expect(await rejection(ctx.client().getManifest(ref, 'sha256:short'))).toMatchObject({ code: 'INVALID_DIGEST' });
  });

  it('getBlob verifies the content digest', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    const config = '{"architecture":"amd64","os":"linux"}';
    pool.intercept({ path: `/v2/team/app/blobs/${sha256(config)}`, method: 'GET' }).reply(200, config);
    pool.intercept({ path: `/v2/team/app/blobs/${sha256('other')}`, method: 'GET' }).reply(200, config);
    const client = ctx.client();
    await expect(client.getBlob(ref, sha256(config), 1024)).resolves.toEqual(Buffer.from(config));
    expect(await rejection(client.getBlob(ref, sha256('other'), 1024))).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(client.stats().byKind.blob).toBe(2);
  });
});

describe('RegistryClient.resolve with verifyDigests', () => {
  const ctx = useMockAgent();

  it('skips HEAD, GETs the tag once and uses the digest of the exact bytes (a lying header only warns)', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    const lie = sha256('not the manifest');
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply(200, imageManifest, { headers: { 'docker-content-digest': lie, 'content-type': OCI_MANIFEST } });
    const warnings: string[] = [];
    const client = ctx.client({ verifyDigests: true, warn: (line: string) => warnings.push(line) });
    await expect(client.resolve(ref)).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
    expect(warnings.join('\n')).toContain(`disagrees with the body's digest ${imageDigest}`);
    expect(client.stats().byKind.manifest).toBe(1);
  });

  it('reads an index and its platforms from the same single GET', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' }).reply(200, indexManifest, { headers: { 'content-type': OCI_INDEX } });
    const client = ctx.client({ verifyDigests: true });
    const result = await client.resolve(ref);
    expect(result.digest).toBe(indexDigest);
    expect(result.platforms?.length).toBeGreaterThan(0);
    expect(client.stats().byKind.manifest).toBe(1);
  });
});
