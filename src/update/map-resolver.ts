import { PinError } from '../errors.js';
import type { ImageReference } from '../reference/types.js';
import { lockKey, type ResolvedImage, type ResolveOptions, type Resolver } from '../resolver/types.js';

/**
 * MapResolver answers from digests resolved earlier in the same run, so the
 * second pass of `update --pr` (on the PR branch) makes no network request
 * and writes exactly the digests the first pass saw.
 */
export class MapResolver implements Resolver {
  constructor(private readonly known: Map<string, ResolvedImage>) {}

  /** resolve returns the recorded result or fails naming the reference. */
  async resolve(ref: ImageReference): Promise<ResolvedImage> {
    const found = this.known.get(lockKey(ref));
    if (!found) throw new PinError('RESOLVE_FAILED', `${lockKey(ref)} was not resolved in this run`);
    return found;
  }
}

/** RecordingResolver wraps a resolver and remembers every answer by lock key. */
export class RecordingResolver implements Resolver {
  readonly seen = new Map<string, ResolvedImage>();

  constructor(private readonly inner: Resolver) {}

  /** resolve delegates (with the caller's options) and records. */
  async resolve(ref: ImageReference, options?: ResolveOptions): Promise<ResolvedImage> {
    const result = await this.inner.resolve(ref, options);
    this.seen.set(lockKey(ref), result);
    return result;
  }
}
