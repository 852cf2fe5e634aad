import { PinError } from '../errors.js';
import type { ImageReference } from '../reference/types.js';
import { lockKey, type ResolvedImage, type Resolver } from '../resolver/types.js';
import type { LockFile } from './schema.js';

/** LockResolver answers references from the lock file only (`--frozen`): no network at all. */
export class LockResolver implements Resolver {
  constructor(
    private readonly lock: LockFile,
    private readonly source: string,
  ) {}

  /** resolve returns the locked digest, or fails with LOCK_MISSING naming the reference. */
  async resolve(ref: ImageReference): Promise<ResolvedImage> {
    const entry = this.lock.images[lockKey(ref)];
    if (!entry) {
      throw new PinError('LOCK_MISSING', `${lockKey(ref)} is not in ${this.source} (run "digestpin pin" without --frozen to add it)`);
    }
    const platforms = entry.platforms ? Object.entries(entry.platforms).map(([platform, digest]) => ({ platform, digest })) : undefined;
    return { digest: entry.digest, mediaType: entry.mediaType ?? '', platforms };
  }
}
