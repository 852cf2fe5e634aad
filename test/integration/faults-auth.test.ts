import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { seedImage } from '../harness/seed.js';
import { createTlsMaterial, type TlsMaterial } from '../harness/tls.js';
import type { SeededImage } from '../harness/types.js';
import { type FaultProxy, type Script, startFaultProxy } from '../helpers/fault-proxy.js';
import {
  expectPinned, expectResolveError, expectUntouched, pinThrough, registryFlags, resolveThrough,
} from '../faults/pin-through.js';

// Fault matrix, authentication part (docs/reliability.md): the proxy sits in front of the
// real token-auth registry *and* its token server (challenges are rewritten to the proxy's
// plain-http /token), and breaks redirects, token answers, token lifetimes and realms.

const reg = registryFromContext('token');
const repository = uniqueRepository('faults/expiry');
const TAGS = ['t1', 't2', 't3', 't4', 't5'];
let proxy: FaultProxy;
const seeded: SeededImage[] = [];
let tlsDir: string;
let tls: TlsMaterial;

beforeAll(async () => {
  proxy = await startFaultProxy(reg);
  seeded.push(...(await Promise.all(TAGS.map((tag) => seedImage(reg, { repository, tag, kind: 'oci-manifest', dispatcher: reg.dispatcher })))));
  tlsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'digestpin-faults-tls-'));
  tls = await createTlsMaterial(tlsDir);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  await proxy.stop();
  await reg.close();
  await fs.rm(tlsDir, { recursive: true, force: true });
});

const image = (repo: string, tag = 'v1') => `${proxy.host}/${repo}:${tag}`;
const digest = (repo: string) => reg.image(repo, 'v1').digest;
const pinned = (repo: string) => ({ [image(repo)]: digest(repo) });
const flags = (extra: string[] = []) => registryFlags(proxy.host, reg, { extra });
const tokenRequests = () => proxy.requests.filter((r) => r.kind === 'token');

describe('through the proxy', () => {
  it('pins with a bearer token fetched from a plain-http realm on a loopback registry (allowed, as docker does)', async () => {
    await expectPinned(await pinThrough([image('app/oci'), image('app/multi')], await flags()), { ...pinned('app/oci'), ...pinned('app/multi') });
    expect(tokenRequests().length).toBeGreaterThan(0);
    expect(tokenRequests().every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
  });
});

describe('redirect to another origin', () => {
  it('follows it without sending Authorization there, and pins the seeded digests', async () => {
    proxy.script = (r) => (r.kind === 'manifest' ? { type: 'redirect', to: 'other' } : undefined);
    await expectPinned(await pinThrough([image('app/oci'), image('app/multi')], await flags()), { ...pinned('app/oci'), ...pinned('app/multi') });
    const redirected = proxy.requests.filter((r) => r.fault === 'redirect');
    expect(redirected.length).toBeGreaterThanOrEqual(3); // HEAD x2, GET of the index by digest
    expect(redirected.every((r) => r.headers.authorization?.startsWith('Bearer '))).toBe(true);
    expect(proxy.other.requests.map((r) => `${r.method} ${r.kind}`).sort()).toEqual(redirected.map((r) => `${r.method} ${r.kind}`).sort());
    expect(proxy.other.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  });
});

describe('token answers', () => {
  it('refuses an oversized token answer (BODY_TOO_LARGE)', async () => {
    proxy.script = (r) => (r.kind === 'token' ? { type: 'oversize', bytes: 8 * 1024 * 1024, contentType: 'application/json' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, proxy.host, image('app/oci'), ['BODY_TOO_LARGE']);
    expect(outcome.json!.failures[0]!.message).toContain('token answer');
    expect(tokenRequests()[0]!.sent).toBeLessThan(8 * 1024 * 1024);
  });

  it.each([
    ['truncated JSON', '{"token": "abc'],
    ['JSON null', 'null'],
    ['HTML', '<html><body>login</body></html>'],
    ['no token field', '{"expires_in": 300}'],
    ['a number as token', '{"token": 42}'],
    ['an empty token', '{"token": ""}'],
  ])('reports TOKEN_ERROR for a token answer with %s', async (_what, body) => {
    proxy.script = (r) => (r.kind === 'token' ? { type: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, proxy.host, image('app/oci'), ['TOKEN_ERROR']);
    expect(outcome.json!.failures[0]!.message).toContain('token server');
  });

  it('reports RATE_LIMITED when the token server keeps answering 429', async () => {
    proxy.script = (r) => (r.kind === 'token' ? { type: 'respond', status: 429, headers: { 'retry-after': '1' } } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, proxy.host, image('app/oci'), ['RATE_LIMITED']);
  });
});

describe('token expiring mid-run', () => {
  /** expireAfter answers 401 invalid_token once a bearer token has been used `uses` times. */
  function expireAfter(uses: number): Script {
    const seen = new Map<string, number>();
    return (r) => {
      const auth = r.headers.authorization;
      if (r.kind !== 'manifest' || !auth?.startsWith('Bearer ')) return undefined;
      const n = (seen.get(auth) ?? 0) + 1;
      seen.set(auth, n);
      return n > uses ? { type: 'unauthorized' } : undefined;
    };
  }

  it('fetches a fresh token when the registry rejects the cached one, and pins every tag', async () => {
    proxy.script = expireAfter(2);
    const images = TAGS.map((tag) => image(repository, tag));
    const outcome = await pinThrough(images, await flags(['--concurrency', '1']));
    await expectPinned(outcome, Object.fromEntries(seeded.map((s) => [image(repository, s.tag), s.digest])));
    expect(proxy.requests.filter((r) => r.fault === 'unauthorized').length).toBeGreaterThanOrEqual(2);
    expect(tokenRequests().length).toBeGreaterThanOrEqual(3);
  });

  it('reports UNAUTHORIZED, naming the credential source, when even a fresh token is rejected', async () => {
    proxy.script = (r) => (r.kind === 'manifest' ? { type: 'unauthorized' } : undefined);
    const outcome = await pinThrough([image('app/oci')], await flags());
    expectUntouched(outcome, proxy.host, image('app/oci'), ['UNAUTHORIZED']);
    expect(outcome.json!.failures[0]!.message).toMatch(/tried .*config\.json/);
  });
});

describe('token realm on plain http', () => {
  let secure: FaultProxy;
  beforeAll(async () => {
    secure = await startFaultProxy(reg, { tls });
  });
  afterEach(() => secure.reset());
  afterAll(() => secure.stop());

  // `127.1` is 127.0.0.1 spelled so that the host policy does not treat it as loopback: a
  // verified-TLS registry that is not insecure, as a remote one would be.
  const remote = () => `127.1:${secure.port}`;
  const remoteFlags = async () => {
    const args = await registryFlags(remote(), reg, { extra: ['--ca-file', tls.caFile] });
    return args.filter((a, i) => a !== '--insecure-registry' && args[i - 1] !== '--insecure-registry');
  };

  it('resolves through a verified-TLS registry whose realm is https (control)', async () => {
    const ref = `${remote()}/app/oci:v1`;
    const result = await resolveThrough([ref], await remoteFlags());
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${ref} ${digest('app/oci')}\n`);
  });

  it('refuses to send credentials to an http realm of a secure registry (INSECURE_REALM)', async () => {
    secure.realm = `${secure.other.url}/token`;
    const ref = `${remote()}/app/oci:v1`;
    const line = expectResolveError(await resolveThrough([ref], await remoteFlags()), remote(), ref, 'INSECURE_REALM');
    expect(line).toContain(`non-https token realm ${secure.other.url}/token`);
    expect(secure.other.requests).toEqual([]);
    expect(secure.requests.filter((r) => r.kind === 'token')).toEqual([]);
  });
});
