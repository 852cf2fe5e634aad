import { describe, expect, it } from 'vitest';
import { useFaultProxy } from '../faults/fault-setup.js';
import { LIE_DIGEST } from '../faults/fault-actions.js';
import {
  expectPinned, expectResolveError, expectUntouched, pinThrough, registryFlags, resolveThrough,
} from '../faults/pin-through.js';

// Fault matrix, Docker-Content-Digest part (docs/reliability.md): the header missing,
// malformed or lying, on HEAD and on GET, in front of the real anonymous registry.

const fx = useFaultProxy();
const { reg, image, digest, pinned } = fx;
const flags = () => registryFlags(fx.proxy.host, reg);
const gets = () => fx.proxy.requests.filter((r) => r.kind === 'manifest' && r.method === 'GET');

describe('missing or malformed Docker-Content-Digest', () => {
  it.each(['drop', 'malformed'] as const)('%s on HEAD and GET: falls back to GET and pins the digest of the bytes', async (action) => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'digest', action } : undefined);
    await expectPinned(await pinThrough([image('app/oci'), image('app/docker')], await flags()), { ...pinned('app/oci'), ...pinned('app/docker') });
    expect(gets()).toHaveLength(2);
  });
});

describe('lying Docker-Content-Digest', () => {
  it('on GET only: the digest of the body wins over the header', async () => {
    fx.proxy.script = (r) => (r.kind !== 'manifest' ? undefined : { type: 'digest', action: r.method === 'HEAD' ? 'drop' : 'lie' });
    const outcome = await pinThrough([image('app/oci')], await flags());
    await expectPinned(outcome, pinned('app/oci'));
    expect(outcome.stderr).toContain(`Docker-Content-Digest "${LIE_DIGEST}" disagrees`);
  });

  it('on HEAD of an index: the index is fetched by that digest, which fails, so nothing is written', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'digest', action: 'lie' } : undefined);
    const outcome = await pinThrough([image('app/multi')], await flags());
    expectUntouched(outcome, fx.proxy.host, image('app/multi'), ['MANIFEST_UNKNOWN', 'DIGEST_MISMATCH']);
  });

  it('on HEAD of a reference that has a digest: verified by GET, the right digest is kept', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'digest', action: 'lie' } : undefined);
    const ref = `${fx.proxy.host}/app/oci@${digest('app/oci')}`;
    const result = await resolveThrough([ref], await flags());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${digest('app/oci')}\n`);
    // The disagreement is not silent.
    expect(result.stderr).toContain(`Docker-Content-Digest "${LIE_DIGEST}" disagrees with the body's digest ${digest('app/oci')}`);
  });

  it('on the GET of a reference by digest whose bytes were swapped: DIGEST_MISMATCH', async () => {
    // The proxy answers a by-digest GET with another manifest's bytes (and a HEAD that says nothing).
    fx.proxy.script = (r) => {
      if (r.kind !== 'manifest') return undefined;
      if (r.method === 'HEAD') return { type: 'digest', action: 'drop' };
      return { type: 'respond', status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: '{"schemaVersion":2,"layers":[]}' };
    };
    const ref = `${fx.proxy.host}/app/oci@${digest('app/oci')}`;
    const line = expectResolveError(await resolveThrough([ref], await flags()), fx.proxy.host, ref, 'DIGEST_MISMATCH');
    expect(line).toContain(`asked for ${digest('app/oci')}`);
  });

  // By default HEAD's header is trusted, as crane and Renovate do (HEADs are free of Docker Hub
  // pull limits) and as the resolve algorithm specifies; it cannot be checked without the bytes.
  // --verify-digests GETs and hashes instead (same request count), so a lying header never
  // reaches the files: the body's digest is written and the disagreement is warned about.
  it('on HEAD of an image manifest with --verify-digests: writes the real digest, warns about the lie', async () => {
    fx.proxy.script = (r) => (r.kind === 'manifest' ? { type: 'digest', action: 'lie' } : undefined);
    const outcome = await pinThrough([image('app/oci')], [...(await flags()), '--verify-digests']);
    const written = [...outcome.after.values()].map((b) => b.toString('utf8')).join('\n');
    expect(written).not.toContain(LIE_DIGEST);
    expect(written).toContain(digest('app/oci'));
    expect(outcome.stderr).toContain('disagrees with the body');
  });
});
