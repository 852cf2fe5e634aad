import { describe, expect, it } from 'vitest';
import type { SeenRequest } from '../helpers/fault-proxy.js';
import { useFaultProxy } from '../faults/fault-setup.js';
import {
  expectPinned, expectResolveError, expectUntouched, pinThrough, registryFlags, resolveThrough,
} from '../faults/pin-through.js';

// Fault matrix, transport part (docs/reliability.md): rate limits, 5xx bursts, resets,
// stalls, truncation, oversized bodies and redirect loops, injected by a proxy in front of
// the real anonymous registry. Each fault ends in the seeded digest, or in exit 2 with the
// files untouched and an error naming the registry and the reference.

const fx = useFaultProxy();
const { reg, image, digest, pinned } = fx;
const flags = (retries = 1, timeout = 5) => registryFlags(fx.proxy.host, reg, { retries, timeout });
const isGet = (r: SeenRequest) => r.kind === 'manifest' && r.method === 'GET';
const faulted = () => fx.proxy.requests.filter((r) => r.fault !== 'pass');
// Bytes a client that hangs up at the 4 MiB manifest cap may still have been sent (socket buffers).
const HANG_UP_BOUND = 24 * 1024 * 1024;

describe('pass-through', () => {
  it('pins an image manifest and an index through the proxy when nothing goes wrong', async () => {
    const outcome = await pinThrough([image('app/oci'), image('app/multi')], await flags());
    await expectPinned(outcome, { ...pinned('app/oci'), ...pinned('app/multi') });
  });
});

describe('429 Too Many Requests', () => {
  it('honours Retry-After in seconds, then pins the seeded digest', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' && r.nth === 1 ? { type: 'respond', status: 429, headers: { 'retry-after': '1' } } : undefined);
    await expectPinned(await pinThrough([image('app/oci')], await flags()), pinned('app/oci'));
    expect(faulted()).toHaveLength(1);
  });

  it('honours Retry-After as an HTTP date, then pins the seeded digest', async () => {
    const retryAfter = () => new Date(Date.now() + 1000).toUTCString();
    fx.proxy.script = (r) => (r.kind === 'manifest' && r.nth === 1 ? { type: 'respond', status: 429, headers: { 'retry-after': retryAfter() } } : undefined);
    await expectPinned(await pinThrough([image('app/oci')], await flags()), pinned('app/oci'));
    expect(faulted()).toHaveLength(1);
  });

  it('gives up after the retries with RATE_LIMITED and the Retry-After, without falling back to GET', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'respond', status: 429, headers: { 'retry-after': '1' } } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['RATE_LIMITED']);
    expect(outcome.json!.failures[0]!.message).toContain('retry after 1s');
    // Docker Hub counts GETs against the pull limit: a 429 on HEAD is not answered with a GET.
    expect(fx.proxy.requests.filter(isGet)).toHaveLength(0);
    const line = expectResolveError(await resolveThrough([image('app/oci')], await flags(0)), fx.proxy.host, image('app/oci'), 'RATE_LIMITED');
    expect(line).toContain('retry after 1s');
  });
});

describe('5xx bursts', () => {
  it('retries a burst shorter than the retry budget and pins the seeded digest', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' && r.nth <= 2 ? { type: 'respond', status: 503, body: 'busy' } : undefined);
    await expectPinned(await pinThrough([image('app/oci')], await flags(2)), pinned('app/oci'));
    expect(faulted()).toHaveLength(2);
  });

  it('falls back to GET when HEAD keeps failing with 500, and pins the digest of the body', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' && r.method === 'HEAD' ? { type: 'respond', status: 500 } : undefined);
    await expectPinned(await pinThrough([image('app/oci')], await flags()), pinned('app/oci'));
  });

  it('reports REGISTRY_ERROR when the /v2/ ping keeps answering 503', async () => {
    fx.proxy.script = (r) => (r.kind === 'ping' ? { type: 'respond', status: 503, body: 'maintenance' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['REGISTRY_ERROR']);
    expect(outcome.json!.failures[0]!.message).toContain('/v2/ answered 503');
  });

  it('reports REGISTRY_ERROR when every manifest request answers 502', async () => {
    const body = JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'upstream down' }] });
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'respond', status: 502, headers: { 'content-type': 'application/json' }, body } : undefined);
    const outcome = await pinThrough([image('app/oci'), image('app/docker')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['REGISTRY_ERROR']);
    expect(outcome.json!.failures.map((f) => f.reference).sort()).toEqual([image('app/docker'), image('app/oci')]);
    expect(outcome.json!.failures[0]!.message).toMatch(/answered 502 \(UNAVAILABLE: upstream down\)/);
  });
});

describe('connection reset mid-body', () => {
  it('retries a reset and pins the seeded digest', async () => {
    fx.proxy.script = (r) => (isGet(r) && r.nth === 1 ? { type: 'reset', afterBytes: 40 } : undefined);
    await expectPinned(await pinThrough([image('app/multi')], await flags()), pinned('app/multi'));
    expect(faulted()).toHaveLength(1);
  });

  it('reports NETWORK when every attempt is reset', async () => {
    fx.proxy.script = (r) => (isGet(r) ? { type: 'reset', afterBytes: 40 } : undefined);
    const outcome = await pinThrough([image('app/multi')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/multi'), ['NETWORK']);
    expect(faulted()).toHaveLength(2);
  });
});

describe('stalled responses', () => {
  it('times out a response that never starts (TIMEOUT, headers)', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'stall' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags(0, 2));
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['TIMEOUT']);
    expect(outcome.json!.failures[0]!.message).toContain('timed out (headers)');
  });

  it('times out a body that stops flowing (TIMEOUT, body)', async () => {
    fx.proxy.script = (r) => (isGet(r) ? { type: 'stall', afterHeaders: true } : undefined);
    const outcome = await pinThrough([image('app/multi')], await flags(0, 2));
    expectUntouched(outcome, fx.proxy.host, image('app/multi'), ['TIMEOUT']);
    expect(outcome.json!.failures[0]!.message).toContain('timed out (body)');
  });
});

describe('truncated manifest bodies', () => {
  it('retries a body cut short of its Content-Length and pins the seeded digest', async () => {
    fx.proxy.script = (r) => (isGet(r) && r.nth === 1 ? { type: 'truncate', keepBytes: 100 } : undefined);
    await expectPinned(await pinThrough([image('app/multi')], await flags()), pinned('app/multi'));
    expect(faulted()).toHaveLength(1);
  });

  it('reports NETWORK when every body is cut short of its Content-Length', async () => {
    fx.proxy.script = (r) => (isGet(r) ? { type: 'truncate', keepBytes: 100 } : undefined);
    expectUntouched(await pinThrough([image('app/multi')], await flags()), fx.proxy.host, image('app/multi'), ['NETWORK']);
  });

  it('rejects a cleanly ended short index fetched by digest (DIGEST_MISMATCH)', async () => {
    fx.proxy.script = (r) => (isGet(r) ? { type: 'truncate', keepBytes: 100, chunked: true } : undefined);
    const outcome = await pinThrough([image('app/multi')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/multi'), ['DIGEST_MISMATCH']);
  });

  it('rejects a cleanly ended short manifest fetched by tag (not JSON: REGISTRY_ERROR)', async () => {
    fx.proxy.script = (r) => (r.kind !== 'manifest' ? undefined : r.method === 'HEAD' ? { type: 'digest', action: 'drop' } : { type: 'truncate', keepBytes: 100, chunked: true });
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['REGISTRY_ERROR']);
    expect(outcome.json!.failures[0]!.message).toContain('manifest is not a JSON object');
  });
});

describe('oversized bodies', () => {
  const noHeadDigest = (then: (r: SeenRequest) => ReturnType<typeof fx.proxy.script>) => (r: SeenRequest) =>
    r.kind !== 'manifest' ? undefined : r.method === 'HEAD' ? { type: 'digest', action: 'drop' } as const : then(r);

  it('refuses a manifest whose Content-Length exceeds 4 MiB before reading it (BODY_TOO_LARGE)', async () => {
    fx.proxy.script = noHeadDigest(() => ({ type: 'oversize', bytes: 64 * 1024 * 1024, declareLength: true }));
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['BODY_TOO_LARGE']);
    expect(fx.proxy.requests.find(isGet)!.sent).toBeLessThan(HANG_UP_BOUND);
  });

  it('stops reading an undeclared (chunked) manifest at 4 MiB (BODY_TOO_LARGE)', async () => {
    fx.proxy.script = noHeadDigest(() => ({ type: 'oversize', bytes: 64 * 1024 * 1024 }));
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['BODY_TOO_LARGE']);
    expect(outcome.json!.failures[0]!.message).toContain('exceeds 4194304 bytes');
    expect(fx.proxy.requests.find(isGet)!.sent).toBeLessThan(HANG_UP_BOUND);
  });

  it('reads only the first 64 KiB of a huge error body and reports the status (MANIFEST_UNKNOWN)', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'oversize', bytes: 64 * 1024 * 1024, status: 404, contentType: 'text/html' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['MANIFEST_UNKNOWN']);
    expect(outcome.json!.failures[0]!.message.length).toBeLessThan(1000);
    expect(fx.proxy.requests.find(isGet)!.sent).toBeLessThan(HANG_UP_BOUND);
  });
});

describe('redirects', () => {
  it('stops a redirect loop after 10 hops (REDIRECT)', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'redirect', to: 'self' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/oci'), ['REDIRECT']);
    expect(outcome.json!.failures[0]!.message).toContain('more than 10 redirects');
  });
});
