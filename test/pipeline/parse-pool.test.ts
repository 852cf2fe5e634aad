// Issue 13 cause 3: the parse pool must find exactly what the in-thread scan finds. The
// oracle is every fixture, corpus file and example in the repository, scanned both ways
// (workers forced on, even for small inputs) and compared value by value, errors included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { PinError } from '../../src/errors.js';
import { registerFinder, finders } from '../../src/finders/registry.js';
import { decodeText } from '../../src/pipeline/scan.js';
import { findInParallel, poolSize, POOL_MIN_CHARS, type FindOutcome, type ScanMode } from '../../src/pipeline/parse-pool.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (statSync(full).size < 2_000_000) out.push(full);
  }
  return out;
}

/** corpus loads every text file under the fixture directories as scan jobs, named relative to the root. */
function corpus(): Array<{ display: string; text: string }> {
  const dirs = ['fixtures', 'examples', 'test/fixtures', 'test/corpus'].map((d) => path.join(root, d));
  return dirs.flatMap((d) => { try { return walk(d); } catch { return []; } }).flatMap((file) => {
    const decoded = decodeText(readFileSync(file));
    return 'text' in decoded ? [{ display: path.relative(root, file).split(path.sep).join('/'), text: decoded.text }] : [];
  });
}

/** plain turns outcomes into comparable values (references by their fields, errors by code and message). */
function plain(outcomes: FindOutcome[]): unknown {
  return outcomes.map((o) => (o instanceof PinError ? { code: o.code, message: o.message } : JSON.parse(JSON.stringify(o)) as unknown));
}

describe('parse pool (issue 13)', () => {
  const jobs = corpus();

  it('finds exactly what the in-thread scan finds, over every fixture', async () => {
    expect(jobs.length).toBeGreaterThan(100);
    const broken = [
      { display: 'bad/indent.yaml', text: 'a:\n  b: 1\n c: 2\n' },
      { display: 'bad/dup.yaml', text: 'apiVersion: v1\nkind: Pod\nkind: Pod\n' },
    ];
    const all = [...broken, ...jobs];
    const modes: ScanMode[] = [];
    const here = await findInParallel(all, {}, 0, (m) => modes.push(m));
    const pooled = await findInParallel(all, {}, 2, (m) => modes.push(m));
    expect(modes).toEqual([{ where: 'thread' }, { where: 'pool', workers: 2 }]);
    expect(plain(pooled)).toEqual(plain(here));
    expect(here.slice(0, 2).every((o) => o instanceof PinError)).toBe(true);
  }, 60_000);

  it('hands back the shared parsed reference values, with their methods', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n';
    const modes: ScanMode[] = [];
    const [a, b] = await findInParallel([{ display: 'a.yaml', text }, { display: 'b.yaml', text }], {}, 2, (m) => modes.push(m));
    expect(modes).toEqual([{ where: 'pool', workers: 2 }]);
    if (a instanceof PinError || b instanceof PinError) throw new Error('unexpected error');
    expect(a!.occurrences[0]!.ref!.toString()).toBe('docker.io/library/nginx:1.25');
    expect(a!.occurrences[0]!.ref).toBe(b!.occurrences[0]!.ref);
  });

  it('falls back to the in-thread scan, with the same results, when a worker runs out of memory', async () => {
    const sample = jobs.slice(0, 20);
    const modes: ScanMode[] = [];
    const starved = await findInParallel(sample, {}, 2, (m) => modes.push(m), { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 4 });
    expect(modes).toHaveLength(1);
    expect(modes[0]!.where).toBe('thread');
    expect(modes[0]).toHaveProperty('why');
    expect(plain(starved)).toEqual(plain(await findInParallel(sample, {}, 0)));
  }, 30_000);

  it('honours finder options in the workers', async () => {
    const text = 'apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec:\n  runner:\n    img: nginx:1.25\n';
    const options = { customPaths: [{ kind: 'Thing', path: 'spec.runner.img' }] };
    const [found] = await findInParallel([{ display: 'a.yaml', text }, { display: 'b.yaml', text }], options, 2);
    expect(found instanceof PinError ? [] : found!.occurrences.map((o) => o.span.raw)).toEqual(['nginx:1.25']);
  });

  it('starts a worker for a W2-sized tree (7 MB of YAML), not for a W1-sized one (0.75 MB): this thread scans alongside', () => {
    // Slice "pool" of issue 13 changed this decision: the hybrid pool wins on W2 on 2 cores.
    const cores = os.availableParallelism();
    expect(poolSize(7_100_000, {}, 0)).toBe(cores < 2 ? 0 : Math.min(cores - 1, 7));
    expect(poolSize(750_000, {}, 0)).toBe(0);
  });

  it('starts only as many workers as there are idle cores (a worker on a busy core only adds CPU)', () => {
    const cores = os.availableParallelism();
    expect(poolSize(7_100_000, {}, cores + 1)).toBe(0);
    expect(poolSize(7_100_000, {}, cores + 0.6)).toBe(0);
    expect(poolSize(7_100_000, {}, cores - 0.6)).toBe(cores < 2 ? 0 : 1);
    // One runnable process (the CI step or benchmark run just before) does not make a core busy.
    expect(poolSize(7_100_000, {}, cores - 0.2)).toBe(cores < 2 ? 0 : 1);
    expect(poolSize(7_100_000, { DIGESTPIN_SCAN_WORKERS: '1' }, cores + 1)).toBe(1);
  });

  it('sizes the pool to the cores only for large inputs, and never with a custom finder registered', () => {
    expect(poolSize(POOL_MIN_CHARS - 1, {})).toBe(0);
    expect(poolSize(10 * POOL_MIN_CHARS, { DIGESTPIN_SCAN_WORKERS: '0' })).toBe(0);
    expect(poolSize(1, { DIGESTPIN_SCAN_WORKERS: '3' })).toBe(3);
    const kubernetes = finders.get('kubernetes')!;
    registerFinder({ ...kubernetes });
    try {
      expect(poolSize(10 * POOL_MIN_CHARS, { DIGESTPIN_SCAN_WORKERS: '3' })).toBe(0);
    } finally {
      registerFinder(kubernetes);
    }
  });
});
