import { describe, expect, it } from 'vitest';
import { isPinError, PinError } from '../../src/errors.js';
import { parseReference } from '../../src/reference/index.js';
import type { ImageReference } from '../../src/reference/types.js';
import type { ResolvedImage, Resolver } from '../../src/registry/types.js';
import { MapResolver, RecordingResolver } from '../../src/update/map-resolver.js';

const A = `sha256:${'a1'.repeat(32)}`;
const B = `sha256:${'b2'.repeat(32)}`;
const image = (digest: string): ResolvedImage => ({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });

describe('RecordingResolver', () => {
  it('delegates and records each answer by its lock key (registry/repo:tag)', async () => {
    const asked: string[] = [];
    const inner: Resolver = {
      resolve: async (ref: ImageReference) => {
        asked.push(ref.toString());
        return image(ref.tag === '1.25' ? A : B);
      },
    };
    const recording = new RecordingResolver(inner);
    expect(await recording.resolve(parseReference('nginx:1.25'))).toEqual(image(A));
    expect(await recording.resolve(parseReference(`ghcr.io/acme/api:2.3@${A}`))).toEqual(image(B));
    expect(asked).toHaveLength(2);
    expect([...recording.seen.entries()]).toEqual([
      ['docker.io/library/nginx:1.25', image(A)],
      ['ghcr.io/acme/api:2.3', image(B)],
    ]);
  });

  it('passes failures through and records nothing for them', async () => {
    const recording = new RecordingResolver({ resolve: async () => { throw new PinError('RESOLVE_FAILED', 'boom'); } });
    await expect(recording.resolve(parseReference('nginx:1.25'))).rejects.toThrow('boom');
    expect(recording.seen.size).toBe(0);
  });
});

describe('MapResolver', () => {
  it('answers what a RecordingResolver saw, for any spelling of the same tag', async () => {
    const known = new Map([['docker.io/library/nginx:1.25', image(A)]]);
    const resolver = new MapResolver(known);
    expect(await resolver.resolve(parseReference('nginx:1.25'))).toEqual(image(A));
    expect(await resolver.resolve(parseReference(`docker.io/library/nginx:1.25@${B}`))).toEqual(image(A));
  });

  it('fails with RESOLVE_FAILED naming the reference it never saw', async () => {
    const error = await new MapResolver(new Map()).resolve(parseReference('ghcr.io/acme/api:2.3')).catch((e: unknown) => e);
    expect(isPinError(error) && error.code).toBe('RESOLVE_FAILED');
    expect((error as Error).message).toBe('ghcr.io/acme/api:2.3 was not resolved in this run');
  });
});
