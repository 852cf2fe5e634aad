// Issue 13 (slice "pool"): the in-thread scan must let the event loop run while it scans, so
// that resolutions started per file (prefetch) progress during the scan and not after it.
import { describe, expect, it } from 'vitest';

import { findInParallel } from '../../src/pipeline/parse-pool.js';

/** pod is a Pod manifest of about `kb` KB (a long args list) naming `image`. */
const pod = (image: string, kb: number): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n      args:\n${'        - "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'.repeat(kb * 16)}`;

describe('in-thread scan scheduling (issue 13)', () => {
  it('yields to the event loop by time, not only every 256 KB of text', async () => {
    // 10 files of ~20 KB: 200 KB in all, well under the old 256 KB step, but each file takes
    // milliseconds to parse, so a time-based scan yields several times.
    const jobs = Array.from({ length: 10 }, (_, i) => ({ display: `f${i}.yaml`, text: pod(`example.com/app${i}:1`, 20) }));
    let seen = 0;
    let seenAtFirstYield: number | undefined;
    setImmediate(() => { seenAtFirstYield = seen; });
    const found = await findInParallel(jobs, {}, 0, undefined, undefined, () => { seen += 1; });
    expect(found).toHaveLength(10);
    expect(seenAtFirstYield).toBeDefined();
    expect(seenAtFirstYield!).toBeLessThan(10);
  });
});
