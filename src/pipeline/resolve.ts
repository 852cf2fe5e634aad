import pLimit from 'p-limit';
import { errorMessage, isPinError, type ErrorCode } from '../errors.js';
import { parseReference } from '../reference/index.js';
import type { ImageReference } from '../reference/types.js';
import { lockKey, type ResolvedImage, type Resolver } from '../resolver/types.js';

export { lockKey };

/** ResolveFailure is a reference that could not be resolved, with the reason. */
export interface ResolveFailure {
  key: string;
  ref: ImageReference;
  code: ErrorCode | 'UNKNOWN';
  message: string;
}

/** ResolveOutcome holds every successful resolution and every failure of a batch. */
export interface ResolveOutcome {
  resolved: Map<string, ResolvedImage>;
  failures: ResolveFailure[];
}

/**
 * resolveAll resolves each distinct tag once (deduplicated by lockKey) with
 * bounded concurrency and collects every failure instead of stopping at the
 * first, so one run reports everything that is wrong.
 */
export async function resolveAll(
  refs: Iterable<ImageReference>,
  resolver: Resolver,
  concurrency = 16,
  onProgress?: (done: number, total: number) => void,
): Promise<ResolveOutcome> {
  const unique = new Map<string, ImageReference>();
  for (const ref of refs) if (!unique.has(lockKey(ref))) unique.set(lockKey(ref), withoutDigest(ref));
  const limit = pLimit(concurrency);
  const resolved = new Map<string, ResolvedImage>();
  const failures: ResolveFailure[] = [];
  let done = 0;
  await Promise.all(
    [...unique].map(([key, ref]) =>
      limit(async () => {
        try {
          resolved.set(key, await resolver.resolve(ref));
        } catch (error) {
          failures.push({ key, ref, code: isPinError(error) ? error.code : 'UNKNOWN', message: errorMessage(error) });
        }
        onProgress?.(++done, unique.size);
      }),
    ),
  );
  failures.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { resolved, failures };
}

/** withoutDigest gives the tag-only view of a reference, so the registry is asked what the tag points to now. */
export function withoutDigest(ref: ImageReference): ImageReference {
  return ref.digest ? parseReference(lockKey(ref)) : ref;
}
