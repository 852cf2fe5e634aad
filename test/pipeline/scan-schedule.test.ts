// Issue 13 (slice "pool"): the in-thread scan must let the event loop run while it scans, so
// that resolutions started per file (prefetch) progress during the scan and not after it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { PinError } from '../../src/errors.js';
import { findInOrder, findInParallel, type FindOutcome, type ScanMode, type ScanSource } from '../../src/pipeline/parse-pool.js';
import { scanFiles } from '../../src/pipeline/scan.js';
import { tempDir, writeTree } from '../helpers/cli.js';

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

describe('hybrid scan: this thread and the workers take files from one queue (issue 13)', () => {
  const jobs = Array.from({ length: 120 }, (_, i) => ({ display: `f${i}.yaml`, text: pod(`example.com/app${i % 7}:${i}`, 4) }));
  const plain = (outcomes: Array<FindOutcome | undefined>): unknown =>
    outcomes.map((o) => (o === undefined ? o : o instanceof PinError ? { code: o.code, message: o.message } : JSON.parse(JSON.stringify(o)) as unknown));

  it('reads each file only when a scanner takes it, and reports files as they are scanned', async () => {
    let loaded = 0;
    let loadedAtFirst: number | undefined;
    const source: ScanSource = { count: jobs.length, load: (i) => ((loaded += 1), jobs[i]) };
    await findInOrder(source, {}, { workers: 0, onFound: () => { loadedAtFirst ??= loaded; } });
    expect(loaded).toBe(jobs.length);
    expect(loadedAtFirst).toBe(1);
  });

  it('finds what the in-thread scan finds, in file order, with both this thread and a worker scanning', async () => {
    const source: ScanSource = { count: jobs.length * 4, load: (i) => (i % 9 === 4 ? undefined : jobs[i % jobs.length]) };
    const here = await findInOrder(source, {}, { workers: 0 });
    const modes: ScanMode[] = [];
    const splits: Array<{ here: number; workers: number }> = [];
    const seen: number[] = [];
    // The first 100 outcomes cost 20 ms more each here: this thread cannot finish before the worker (cold, via tsx) is ready.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const onFound = (i: number): void => { seen.push(i); if (seen.length <= 100) Atomics.wait(pause, 0, 0, 20); };
    const both = await findInOrder(source, {}, { workers: 1, onMode: (m) => modes.push(m), onSplit: (s) => splits.push(s), onFound });
    expect(modes).toEqual([{ where: 'pool', workers: 1 }]);
    expect(plain(both)).toEqual(plain(here));
    expect(both.filter((o) => o === undefined)).toHaveLength(source.count - seen.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(splits[0]!.here + splits[0]!.workers).toBe(seen.length);
    expect(splits[0]!.here).toBeGreaterThan(0);
    expect(splits[0]!.workers).toBeGreaterThan(0);
  }, 60_000);

  it('hands a dead worker\'s files back to this thread: same outcomes, and the mode says why', async () => {
    // A 2 MB file does not fit a 16 MB heap: the worker dies on it, after scanning files before it.
    const big = { display: 'big.yaml', text: pod('example.com/big:1', 2000) };
    const all = [...jobs.slice(0, 60), big, ...jobs.slice(60)];
    const modes: ScanMode[] = [];
    const splits: Array<{ here: number; workers: number }> = [];
    const source: ScanSource = { count: all.length, load: (i) => all[i] };
    const limits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 16 };
    const pooled = await findInOrder(source, {}, { workers: 1, limits, alongside: false, onMode: (m) => modes.push(m), onSplit: (s) => splits.push(s) });
    expect(modes).toHaveLength(1);
    expect(modes[0]).toMatchObject({ where: 'thread', why: expect.stringMatching(/memory|exited/) });
    expect(splits[0]!.workers).toBeGreaterThan(0);
    expect(plain(pooled)).toEqual(plain(await findInParallel(all, {}, 0)));
  }, 60_000);

  it('rejects with the read error of a file that cannot be read mid-scan, and stops the workers', async () => {
    const dir = await tempDir();
    await writeTree(dir, Object.fromEntries(jobs.slice(0, 40).map((j) => [j.display, j.text])));
    await fs.mkdir(path.join(dir, 'not-a-file.yaml'));
    const files = [...jobs.slice(0, 20).map((j) => j.display), 'not-a-file.yaml', ...jobs.slice(20, 40).map((j) => j.display)].map((f) => path.join(dir, f));
    const saved = process.env.DIGESTPIN_SCAN_WORKERS;
    process.env.DIGESTPIN_SCAN_WORKERS = '1';
    try {
      await expect(scanFiles(files, dir, {})).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('not-a-file.yaml: cannot read') });
    } finally {
      if (saved === undefined) delete process.env.DIGESTPIN_SCAN_WORKERS;
      else process.env.DIGESTPIN_SCAN_WORKERS = saved;
    }
  }, 30_000);
});
