import type { LockFile } from '../lock/schema.js';
import type { DriftReport } from './types.js';

/**
 * applyDrift records the current digest of every moved tag in the lock; the
 * previous digest goes to the entry's history (newest first). Vanished and
 * errored entries are left as they are, so they keep being reported.
 */
export function applyDrift(lock: LockFile, report: DriftReport, now: string): LockFile {
  const images = { ...lock.images };
  for (const item of report.moved) {
    const old = images[item.reference];
    if (!old || !item.currentDigest) continue;
    images[item.reference] = {
      ...old,
      digest: item.currentDigest,
      mediaType: item.currentMediaType ?? old.mediaType,
      platforms: item.currentPlatforms,
      firstSeen: now,
      history: [{ digest: old.digest, firstSeen: old.firstSeen, replaced: now }, ...(old.history ?? [])],
    };
  }
  return { ...lock, images };
}
