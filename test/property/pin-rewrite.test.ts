import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyLock } from '../../src/lock/schema.js';
import { planPinRun } from '../../src/pipeline/pin.js';
import { lockKey } from '../../src/pipeline/resolve.js';
import { scanText } from '../../src/pipeline/scan.js';
import { parseReference } from '../../src/reference/index.js';
import type { ImageReference } from '../../src/reference/types.js';
import type { ResolvedImage, Resolver } from '../../src/registry/types.js';
import { type Img, model, render } from './manifest-model.js';

// Property: pinning generated Kubernetes manifests (quoting styles, comments, CRLF/LF,
// indentation, flow/block, anchors and aliases, decoys) changes exactly the image scalars —
// the output equals the same model rendered with `ref@digest` — and a second run changes
// nothing. Digests come from a stub resolver (no network).

/** runs lets a long local hunt override the per-property run count (DIGESTPIN_PROPERTY_RUNS=20000). */
const runs = (n: number) => Number(process.env.DIGESTPIN_PROPERTY_RUNS) || n;

/** stubDigest is the digest the stub resolver gives a tag: a hash of its lock key. */
const stubDigest = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;

const stub: Resolver = {
  resolve: async (ref: ImageReference): Promise<ResolvedImage> => ({ digest: stubDigest(lockKey(ref)), mediaType: 'application/vnd.oci.image.manifest.v1+json' }),
};

/** pin runs the pin pipeline on one in-memory file and returns the new text (or the same text). */
async function pin(text: string): Promise<{ after: string; changed: boolean }> {
  const run = await planPinRun({
    paths: [], cwd: '/virtual', resolver: stub, mode: 'pin', lock: emptyLock(), lockDir: '/virtual', now: '2026-01-01T00:00:00.000Z',
    scanned: [scanText('/virtual/app.yaml', 'app.yaml', text, {})],
  });
  expect(run.failures).toEqual([]);
  const change = run.changes[0];
  return { after: change?.after ?? text, changed: change !== undefined };
}

const pinnedImage = (i: Img) => (i.pinned ? i.text : `${i.text}@${stubDigest(lockKey(parseReference(i.text)))}`);

describe('pin on generated manifests', () => {
  it('changes only the image scalars, to exactly ref@digest', async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const input = render(m, (i) => i.text);
        const { after } = await pin(input);
        expect(after).toBe(render(m, pinnedImage));
      }),
      { numRuns: runs(300) },
    );
  });

  it('is idempotent: pinning the output again changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const once = await pin(render(m, (i) => i.text));
        const twice = await pin(once.after);
        expect(twice.changed).toBe(false);
        expect(twice.after).toBe(once.after);
      }),
      { numRuns: runs(200) },
    );
  });

  it('removing the inserted digests gives back the input byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const input = render(m, (i) => i.text);
        const { after } = await pin(input);
        const inserted = [...new Set(m.containers.filter((c) => !c.image.pinned).map((c) => `@${stubDigest(lockKey(parseReference(c.image.text)))}`))];
        expect(inserted.reduce((text, d) => text.split(d).join(''), after)).toBe(input);
      }),
      { numRuns: runs(200) },
    );
  });
});
