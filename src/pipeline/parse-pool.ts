// Issue 13 cause 3: YAML parsing is most of a scan's CPU and runs one file at a time.
// findInParallel runs the finders over many files in a worker_threads pool sized to the
// cores; each worker runs the very same finders on the very same text, so occurrences,
// offsets and errors are identical to the in-thread scan (test/pipeline/parse-pool.test.ts
// checks that over every fixture). Small trees stay in this thread: a worker costs ~50 ms
// of start-up and copies to and from it; below POOL_MIN_CHARS that costs more than it saves.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PinError, type ErrorCode } from '../errors.js';
import { findAll, finders } from '../finders/registry.js';
import type { FinderOptions, FindResult } from '../finders/types.js';
import { fromWire, type ScanBatch, type ScanJob, type ScanOutcome } from './scan-outcome.js';

/** FindOutcome is one file's findings, or the PinError its finder threw. */
export type FindOutcome = Required<FindResult> | PinError;

/**
 * POOL_MIN_CHARS is the text size below which the scan stays in this thread. Measured on 2
 * cores (docs/benchmarks.md, "Worker pool default"): at 7 MB the pool cost 1.6-1.9x the wall
 * time of the in-thread scan; at 37 MB it tied on wall time and halved `list`'s peak RSS.
 */
export const POOL_MIN_CHARS = 16_000_000;
const BATCH_CHARS = 256_000;
const BATCH_FILES = 64;
/**
 * WORKER_LIMITS keep each worker's heap small (issue 13 cause 5: peak RSS): a small young
 * generation is scavenged often, and parse garbage never piles up in the old one. A file too
 * big for them kills its worker, and the scan falls back to this thread.
 */
export const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

// Workers load only the built-in finders: a finder a library user registered would be missing there.
const BUILT_IN = new Map(finders);

function onlyBuiltInFinders(): boolean {
  return finders.size === BUILT_IN.size && [...finders].every(([id, f]) => BUILT_IN.get(id) === f);
}

/**
 * poolSize is the number of workers for `chars` of text (0: scan in this thread). It uses
 * every core the process may use (os.availableParallelism()), at most one per 500 KB and 8
 * in all; DIGESTPIN_SCAN_WORKERS=N forces N (0 disables the pool).
 */
export function poolSize(chars: number, env: Record<string, string | undefined> = process.env): number {
  if (!onlyBuiltInFinders()) return 0;
  const forced = env.DIGESTPIN_SCAN_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 16);
  const cores = os.availableParallelism();
  if (cores < 2 || chars < POOL_MIN_CHARS) return 0;
  return Math.min(cores, 8, Math.ceil(chars / 500_000));
}

/** ScanMode says where a scan ran; `why` explains a fallback from the pool to this thread. */
export type ScanMode = { where: 'pool'; workers: number } | { where: 'thread'; why?: string };

/**
 * findInParallel runs findAll over every job (in order), in workers when poolSize says so.
 * A pool that cannot start or loses a worker falls back to scanning in this thread.
 */
export async function findInParallel(
  jobs: ScanJob[], options: FinderOptions, workers = poolSize(totalChars(jobs)), onMode?: (mode: ScanMode) => void, limits = WORKER_LIMITS,
  onFound?: (outcome: FindOutcome) => void,
): Promise<FindOutcome[]> {
  const entry = workerEntry();
  const size = Math.min(workers, jobs.length);
  if (size > 1 && entry) {
    try {
      const outcomes = await runPool(jobs, options, size, entry, limits);
      onMode?.({ where: 'pool', workers: size });
      const found = outcomes.map(fromOutcome);
      if (onFound) found.forEach(onFound);
      return found;
    } catch (error) {
      onMode?.({ where: 'thread', why: error instanceof Error ? error.message : String(error) });
    }
  } else {
    onMode?.({ where: 'thread' });
  }
  return findYielding(jobs, options, onFound);
}

/**
 * SLICE_MS is how long the in-thread scan runs before it lets the event loop turn (issue 13
 * cause 2): requests started from onFound only send and receive at those turns. A turn costs
 * microseconds; 256 KB steps (~280 ms of parsing) left the network idle during the scan.
 */
export const SLICE_MS = 8;

/**
 * findYielding scans in this thread and lets the event loop run every SLICE_MS of scanning, so
 * work started from onFound (a tag's resolution, issue 13 cause 2) proceeds while the scan goes on.
 */
async function findYielding(jobs: ScanJob[], options: FinderOptions, onFound?: (outcome: FindOutcome) => void): Promise<FindOutcome[]> {
  const out: FindOutcome[] = [];
  let turn = performance.now() + SLICE_MS;
  for (const job of jobs) {
    const outcome = findHere(job, options);
    out.push(outcome);
    onFound?.(outcome);
    if (onFound && performance.now() >= turn) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = performance.now() + SLICE_MS;
    }
  }
  return out;
}

function totalChars(jobs: ScanJob[]): number {
  return jobs.reduce((sum, job) => sum + job.text.length, 0);
}

function findHere(job: ScanJob, options: FinderOptions): FindOutcome {
  try {
    return findAll(job.display, job.text, options);
  } catch (error) {
    if (error instanceof PinError) return error;
    throw error;
  }
}

function fromOutcome(outcome: ScanOutcome): FindOutcome {
  if ('pinError' in outcome) return new PinError(outcome.pinError.code as ErrorCode, outcome.pinError.message);
  if ('crash' in outcome) {
    const error = new Error(outcome.crash.message);
    if (outcome.crash.stack) error.stack = outcome.crash.stack;
    throw error;
  }
  return { ...outcome.found, occurrences: outcome.found.occurrences.map(fromWire) };
}

interface WorkerEntry {
  /** code is the worker's source: a path, or a bootstrap script when `eval`. */
  code: string;
  eval: boolean;
}

/**
 * workerEntry finds the compiled worker next to this module; running from the TypeScript
 * sources (vitest, tsx) it bootstraps tsx in the worker first, when tsx is installed.
 */
function workerEntry(): WorkerEntry | undefined {
  const js = new URL('./parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { code: fileURLToPath(js), eval: false };
  const ts = new URL('./parse-worker.ts', import.meta.url);
  let tsx: string;
  try {
    // require.resolve picks the CommonJS build; the worker imports the ESM one beside it.
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return undefined;
  }
  if (!existsSync(fileURLToPath(ts))) return undefined;
  return { code: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`, eval: true };
}

/** batches groups consecutive jobs into messages of about BATCH_CHARS (postMessage has a per-message cost). */
function batches(jobs: ScanJob[]): Array<{ start: number; jobs: ScanJob[] }> {
  const out: Array<{ start: number; jobs: ScanJob[] }> = [];
  let current: { start: number; jobs: ScanJob[] } | undefined;
  let chars = 0;
  jobs.forEach((job, i) => {
    if (!current || chars >= BATCH_CHARS || current.jobs.length >= BATCH_FILES) {
      current = { start: i, jobs: [] };
      out.push(current);
      chars = 0;
    }
    current.jobs.push(job);
    chars += job.text.length;
  });
  return out;
}

/** runPool hands batches to `size` workers as they free up; any worker failure rejects (the caller scans in-thread). */
async function runPool(jobs: ScanJob[], options: FinderOptions, size: number, entry: WorkerEntry, limits: ResourceLimits): Promise<ScanOutcome[]> {
  const queue = batches(jobs);
  const outcomes: ScanOutcome[] = new Array<ScanOutcome>(jobs.length);
  const workers = Array.from({ length: Math.min(size, queue.length) }, () => new Worker(entry.code, { eval: entry.eval, resourceLimits: limits }));
  let next = 0;
  try {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const feed = () => {
        const current = queue[next++];
        if (!current) return resolve();
        const batch: ScanBatch = { id: current.start, jobs: current.jobs, options };
        worker.postMessage(batch);
      };
      worker.on('message', (answer: { id: number; outcomes: ScanOutcome[] }) => {
        answer.outcomes.forEach((o, i) => { outcomes[answer.id + i] = o; });
        feed();
      });
      worker.once('error', reject);
      // After resolve() this is a no-op; before it, a worker that died took its batch along.
      worker.once('exit', (code) => reject(new Error(`parse worker exited with code ${code}`)));
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}
