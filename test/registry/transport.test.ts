// Retries, redirects, timeouts and body caps, through the public client.
import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';

import { isPinError } from '../../src/errors.js';
import { MANIFEST_BODY_MAX } from '../../src/registry/body.js';
import { OCI_MANIFEST } from '../../src/registry/media-types.js';
import { headersOf, imageDigest, imageManifest, pingChallenge, pingOpen, sha256, testRef, useMockAgent, type Captured } from './helpers.js';

const ORIGIN = 'https://reg.example';
const ref = testRef('reg.example', 'team/app', { tag: 'v1' });
const HEAD = { path: '/v2/team/app/manifests/v1', method: 'HEAD' };
const GET = { path: '/v2/team/app/manifests/v1', method: 'GET' };
const okHead = { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function resetError(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

describe('retries', () => {
  const ctx = useMockAgent();

  it('honours Retry-After in seconds', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(429, '', { headers: { 'retry-after': '7' } });
    pool.intercept(HEAD).reply(200, '', okHead);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    expect(ctx.sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(503, '', { headers: { 'retry-after': 'Sun, 01 Mar 2026 10:00:12 GMT' } });
    pool.intercept(HEAD).reply(200, '', okHead);
    await expect(ctx.client({ now: () => now }).resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    expect(ctx.sleeps).toEqual([12_000]);
  });

  it('backs off exponentially with jitter through a 5xx burst', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(500, 'oops');
    pool.intercept(HEAD).reply(502, 'bad gateway');
    pool.intercept(HEAD).reply(503, 'unavailable');
    pool.intercept(HEAD).reply(200, '', okHead);
    const client = ctx.client();
    await expect(client.resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    // random() = 0.5 → half of 250, 500, 1000 ms.
    expect(ctx.sleeps).toEqual([125, 250, 500]);
    expect(client.stats().byKind.manifest).toBe(4);
  });

  it('retries a connection error', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).replyWithError(resetError());
    pool.intercept(HEAD).reply(200, '', okHead);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    expect(ctx.sleeps).toHaveLength(1);
  });

  it('gives up after the configured attempts with the server error', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(503, '').times(4);
    pool.intercept(GET).reply(503, { errors: [{ code: 'UNAVAILABLE', message: 'try later' }] }).times(4);
    const error = await rejection(ctx.client().resolve(ref));
    expect(error).toMatchObject({ code: 'REGISTRY_ERROR', status: 503, codes: ['UNAVAILABLE'] });
    expect(ctx.sleeps).toHaveLength(6);
  });

  it('reports RATE_LIMITED with the retry-after seconds when waiting would exceed the budget', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(429, '', { headers: { 'retry-after': '30' } }).times(2);
    const error = await rejection(ctx.client({ retry: { maxTotalWaitMs: 45_000 } }).resolve(ref));
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(error.message).toContain('retry after 30s');
    expect(ctx.sleeps).toEqual([30_000]);
  });

  it('turns exhausted ping connection errors into NETWORK naming the registry, not the reference (the ping is shared)', async () => {
    const pool = ctx.pool(ORIGIN);
    pool.intercept({ path: '/v2/', method: 'GET' }).replyWithError(resetError()).times(2);
    const error = await rejection(ctx.client({ retry: { attempts: 2 } }).resolve(ref));
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect(error.message).toContain('registry reg.example');
    expect(error.message).not.toContain('team/app');
  });

  it('surfaces timeouts as TIMEOUT', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).replyWithError(new undiciErrors.HeadersTimeoutError()).times(2);
    const error = await rejection(ctx.client({ retry: { attempts: 2 } }).resolve(ref));
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toMatch(/registry reg\.example: HEAD .* timed out \(headers\) \(reference reg\.example\/team\/app:v1\)/);
  });
});

describe('redirects', () => {
  const ctx = useMockAgent();
  const basic = `Basic ${Buffer.from('u:pw').toString('base64')}`;
  const keychain = { lookup: async () => [{ source: 'test creds', username: 'u', password: 'pw' }], describe: () => 'test' };
  const blob = '{"os":"linux"}';
  const blobDigest = sha256(blob);

  it('drops Authorization on a cross-origin redirect and keeps it on the same origin', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="reg"');
    const seen: Record<string, Captured> = { first: [], same: [], cdn: [] };
    pool.intercept({ path: `/v2/team/app/blobs/${blobDigest}`, method: 'GET' }).reply((o) => {
      seen['first']!.push(headersOf(o));
      return { statusCode: 307, data: '', responseOptions: { headers: { location: '/storage/blob1' } } };
    });
    pool.intercept({ path: '/storage/blob1', method: 'GET' }).reply((o) => {
      seen['same']!.push(headersOf(o));
      return { statusCode: 302, data: '', responseOptions: { headers: { location: 'https://cdn.example:8443/b?sig=secret' } } };
    });
    ctx.pool('https://cdn.example:8443').intercept({ path: '/b?sig=secret', method: 'GET' }).reply((o) => {
      seen['cdn']!.push(headersOf(o));
      return { statusCode: 200, data: blob };
    });
    const client = ctx.client({ keychain });
    await expect(client.getBlob(ref, blobDigest, 1024)).resolves.toEqual(Buffer.from(blob));
    expect(seen['first']![0]?.['authorization']).toBe(basic);
    expect(seen['same']![0]?.['authorization']).toBe(basic);
    expect(seen['cdn']![0]?.['authorization']).toBeUndefined();
    expect(ctx.events.at(-1)?.url).toBe('https://cdn.example:8443/b?sig=REDACTED');
  });

  it('drops Authorization when only the port differs', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="reg"');
    pool.intercept({ path: `/v2/team/app/blobs/${blobDigest}`, method: 'GET' }).reply(307, '', { headers: { location: 'https://reg.example:444/b' } });
    const seen: Captured = [];
    ctx.pool('https://reg.example:444').intercept({ path: '/b', method: 'GET' }).reply((o) => {
      seen.push(headersOf(o));
      return { statusCode: 200, data: blob };
    });
    await ctx.client({ keychain }).getBlob(ref, blobDigest, 1024);
    expect(seen[0]?.['authorization']).toBeUndefined();
  });

  it('stops after 10 redirects', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    for (let i = 0; i <= 10; i++) {
      pool.intercept({ path: i === 0 ? `/v2/team/app/blobs/${blobDigest}` : `/r${i}`, method: 'GET' }).reply(302, '', { headers: { location: `/r${i + 1}` } });
    }
    const error = await rejection(ctx.client().getBlob(ref, blobDigest, 1024));
    expect(isPinError(error, 'REDIRECT')).toBe(true);
    expect(error.message).toContain('more than 10 redirects');
  });

  it('refuses a redirect from https to plain http', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `/v2/team/app/blobs/${blobDigest}`, method: 'GET' }).reply(302, '', { headers: { location: 'http://cdn.example/b' } });
    expect(await rejection(ctx.client().getBlob(ref, blobDigest, 1024))).toMatchObject({ code: 'REDIRECT' });
  });
});

// Issue 11 items 1 and 2: a redirect target must not pick where credentials go.
describe('challenges and bodies across origins', () => {
  const ctx = useMockAgent();
  const keychain = { lookup: async () => [{ source: 'test creds', username: 'u', password: 'pw-secret' }], describe: () => 'test' };
  const evilChallenge = { headers: { 'www-authenticate': 'Bearer realm="https://evil.example/token",service="evil"' } };

  it('refuses a Bearer challenge from the origin a manifest request was redirected to (REDIRECT, both hosts named)', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(307, '', { headers: { location: 'https://evil.example/v2/team/app/manifests/v1' } });
    ctx.pool('https://evil.example').intercept(HEAD).reply(401, '', evilChallenge);
    const error = await rejection(ctx.client({ keychain }).resolve(ref));
    expect(error).toMatchObject({ code: 'REDIRECT' });
    expect(error.message).toContain('evil.example');
    expect(error.message).toContain('reg.example');
  });

  it('refuses a ping redirected to another origin that answers a challenge, and does not cache it', async () => {
    const pool = ctx.pool(ORIGIN);
    pool.intercept({ path: '/v2/', method: 'GET' }).reply(302, '', { headers: { location: 'https://evil.example/v2/' } }).times(2);
    ctx.pool('https://evil.example').intercept({ path: '/v2/', method: 'GET' }).reply(401, '', evilChallenge).times(2);
    const client = ctx.client({ keychain });
    expect(await rejection(client.resolve(ref))).toMatchObject({ code: 'REDIRECT' });
    // Asked again: pinged again (a failure is not cached), refused again.
    expect(await rejection(client.resolve(testRef('reg.example', 'team/other', { tag: 'v1' })))).toMatchObject({ code: 'REDIRECT' });
  });

  it.each([307, 308])('refuses to re-POST an identity token on a cross-origin %i from the token endpoint', async (status) => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Bearer realm="https://reg.example/token",service="reg"');
    pool.intercept({ path: '/token', method: 'POST' }).reply(status, '', { headers: { location: 'https://evil.example/token' } });
    const tokenChain = { lookup: async () => [{ source: 'test token', identityToken: 'refresh-secret' }], describe: () => 'test' };
    const error = await rejection(ctx.client({ keychain: tokenChain }).resolve(ref));
    expect(error).toMatchObject({ code: 'REDIRECT' });
    expect(error.message).toContain('https://evil.example/token');
    expect(error.message).not.toContain('refresh-secret');
  });
});

describe('body caps', () => {
  const ctx = useMockAgent();

  it('rejects a manifest over 4 MiB even without a Content-Length', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(405, '');
    const big = Buffer.alloc(MANIFEST_BODY_MAX + 1, 0x20);
    pool.intercept(GET).reply(200, big, { headers: { 'content-length': '10' } });
    const error = await rejection(ctx.client().resolve(ref));
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(error.message).toContain('reg.example/team/app:v1');
  });

  it('rejects a declared oversize manifest without reading it', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(405, '');
    pool.intercept(GET).reply(200, imageManifest, { headers: { 'content-length': String(MANIFEST_BODY_MAX + 1) } });
    expect(await rejection(ctx.client().resolve(ref))).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('reads only the first 64 KiB of an error body', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept(HEAD).reply(404, '');
    const huge = JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'x'.repeat(200_000) }] });
    pool.intercept(GET).reply(404, huge);
    // The truncated JSON does not parse: the status still decides the code.
    expect(await rejection(ctx.client().resolve(ref))).toMatchObject({ code: 'MANIFEST_UNKNOWN', codes: [] });
  });

  it('rejects a token answer over 1 MiB', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Bearer realm="https://auth.example/token",service="reg"');
    ctx.pool('https://auth.example').intercept({ path: (p: string) => p.startsWith('/token'), method: 'GET' })
      .reply(200, JSON.stringify({ token: 't'.repeat(1024 * 1024) }));
    expect(await rejection(ctx.client().resolve(ref))).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
});
