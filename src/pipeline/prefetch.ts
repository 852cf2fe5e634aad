// Issue 13 cause 2: phases overlapped. A run used to scan the whole tree before its first
// request; prefetching starts resolving a unique tag as soon as the first file that mentions
// it is scanned. Planning then asks the same resolver and gets the answer already in flight,
// so what is decided (and every failure) is exactly what the strict order decided.
import pLimit from 'p-limit';
import type { Occurrence } from '../finders/types.js';
import type { ResolvedImage, ResolveOptions, Resolver } from '../resolver/types.js';
import type { ImageReference } from '../reference/types.js';
import { withoutDigest } from './resolve.js';

/** PrefetchingResolver is a Resolver that remembers each answer and can start one early. */
export interface PrefetchingResolver extends Resolver {
  /** prefetch starts resolving `ref` now (once per ref string); a failure waits for the real ask. */
  prefetch(ref: ImageReference): void;
}

/**
 * prefetching wraps `inner` so every distinct reference (and options) is asked once, with at
 * most `concurrency` asks in flight between the early and the planned ones together.
 */
export function prefetching(inner: Resolver, concurrency = 16): PrefetchingResolver {
  const limit = pLimit(concurrency);
  const asked = new Map<string, Promise<ResolvedImage>>();
  const ask = (ref: ImageReference, options?: ResolveOptions): Promise<ResolvedImage> => {
    const key = `${options?.platforms ? 'platforms ' : ''}${ref.name}:${ref.tag ?? ''}@${ref.digest ?? ''}`;
    let answer = asked.get(key);
    if (!answer) {
      answer = limit(() => inner.resolve(ref, options));
      // The planned ask sees a rejection; an early one nobody asks for again must not be unhandled.
      answer.catch(() => undefined);
      asked.set(key, answer);
    }
    return answer;
  };
  return { resolve: ask, prefetch: (ref) => void ask(ref) };
}

/** prefetchWanted starts the tags of a file's occurrences that a run would resolve, asked as resolveAll asks them. */
export function prefetchWanted(resolver: PrefetchingResolver, occurrences: Occurrence[], wanted: (o: Occurrence) => boolean): void {
  for (const o of occurrences) if (o.ref && wanted(o)) resolver.prefetch(withoutDigest(o.ref));
}
