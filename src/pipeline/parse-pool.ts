// Issue 13 cause 3: YAML parsing is most of a scan's CPU and runs one file at a time.
// findInOrder scans a tree's files in file order on this thread *and* on worker threads
// alongside it (os.availableParallelism() - 1 of them), all taking files from one queue: the
// workers start with the scan and warm up while this thread already scans, each file is read
// only when a scanner takes it, results are re-joined in file order and reported per file as
// they arrive. Each worker runs the very same finders on the very same text, so occurrences,
// offsets and errors are identical to the in-thread scan (test/pipeline/parse-pool.test.ts
// checks that over every fixture). A worker that cannot start or dies hands its files back.
import os from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { PinError, type ErrorCode } from '../errors.js';
import { findAll, finders } from '../finders/registry.js';
import type { FinderOptions, FindResult } from '../finders/types.js';
import { fromWire, type ScanJob, type ScanOutcome } from './scan-outcome.js';
import { ScanWorker, workerEntry, type PostedBatch } from './scan-workers.js';

/** FindOutcome is one file's findings, or the PinError its finder threw. */
export type FindOutcome = Required<FindResult> | PinError;

/**
 * POOL_MIN_CHARS is the text size below which no worker is started. A worker costs ~0.3 s of
 * CPU (a cold isolate loading yaml and the finders, then its own JIT warm-up) and is ready only
 * ~0.2-0.4 s into the scan: W1 (0.75 MB, ~0.55 s of scanning) would gain little and pay all of
 * that; W2 (7 MB) gains ~1 s of wall time on 2 cores (measurements in the commit message).
 */
export const POOL_MIN_CHARS = 2_000_000;
const BATCH_CHARS = 64_000;
const BATCH_FILES = 64;
/**
 * WORKER_LIMITS cap each worker's heap (issue 13 cause 5: peak RSS). With yaml's generators
 * gone (src/yaml/cst) a parse allocates ~4x less, and an 8 MB young generation no longer makes
 * the worker collect constantly: against 16 MB it saved 5-13 MB of peak RSS (W2, 10,000
 * files) at the same CPU within the noise (docs/benchmarks.md). An old generation below 128 MB
 * (64) did collect constantly. A file too big for them kills its worker, and this thread scans
 * that worker's files.
 */
export const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };

/**
 * SLICE_MS is how long this thread scans before it lets the event loop turn (issue 13 cause
 * 2): requests started from onFound only send and receive at those turns, and a worker's
 * answers are only read then. A turn costs microseconds; 256 KB steps (~280 ms of parsing)
 * left the network idle during the scan.
 */
export const SLICE_MS = 8;

// Workers load only the built-in finders: a finder a library user registered would be missing there.
const BUILT_IN = new Map(finders);

function onlyBuiltInFinders(): boolean {
  return finders.size === BUILT_IN.size && [...finders].every(([id, f]) => BUILT_IN.get(id) === f);
}

/**
 * poolSize is the number of worker threads that scan `chars` of text alongside this thread
 * (0: this thread alone): one per further core the process may use (os.availableParallelism()
 * - 1, at most 7) that is idle by the 1-minute `load` average, none below POOL_MIN_CHARS or
 * with a custom finder registered.
 * DIGESTPIN_SCAN_WORKERS=N forces N workers besides this thread (0: this thread alone).
 */
export function poolSize(chars: number, env: Record<string, string | undefined> = process.env, load = os.loadavg()[0]!): number {
  if (!onlyBuiltInFinders()) return 0;
  const forced = env.DIGESTPIN_SCAN_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 16);
  const cores = os.availableParallelism();
  if (cores < 2 || chars < POOL_MIN_CHARS) return 0;
  // A worker pays off only on an idle core: on a busy one its start-up and second JIT warm-up
  // are extra CPU for no wall time (W2 pin at load 3-4 on 2 cores: 5.9-6.7 s -> 6.8-8.4 s).
  // One runnable process is expected in the 1-minute load: the step that ran just before in
  // the same job (CI, a benchmark), or this run's own start-up.
  const idle = cores - Math.max(0, load - 1);
  return Math.max(0, Math.min(cores - 1, 7, Math.round(idle)));
}

/** ScanMode says where a scan ran; `why` explains a fallback from the pool to this thread. */
export type ScanMode = { where: 'pool'; workers: number } | { where: 'thread'; why?: string };

/** ScanSource hands out a scan's files in order, each read only when a scanner takes it. */
export interface ScanSource {
  /** count is the number of files. */
  count: number;
  /** load reads file `i`: the job to scan, or undefined when the file is not scanned (ignored). */
  load(i: number): ScanJob | undefined;
}

/** ScanPlan says how findInOrder scans. */
export interface ScanPlan {
  /** workers is the number of worker threads (0: only this thread). */
  workers: number;
  limits?: ResourceLimits;
  /** alongside: this thread scans too (default); false leaves the files to the workers while any lives. */
  alongside?: boolean;
  /** onFound is told each file's outcome as it arrives (in arrival order). */
  onFound?: (index: number, outcome: FindOutcome) => void;
  /** onMode is told where the scan ran, once, at its end. */
  onMode?: (mode: ScanMode) => void;
  /** onSplit is told, at the end, how many files this thread and the workers scanned. */
  onSplit?: (split: { here: number; workers: number }) => void;
}

/**
 * findInOrder runs findAll over every file of `source` and returns the outcomes in file order
 * (undefined for a file `load` skipped). Unexpected errors of a finder are rethrown as the
 * in-thread scan throws them; an unreadable file rejects with its PinError.
 */
export async function findInOrder(source: ScanSource, options: FinderOptions, plan: ScanPlan): Promise<Array<FindOutcome | undefined>> {
  const out = new Array<FindOutcome | undefined>(source.count).fill(undefined);
  const queue = new FileQueue(source);
  const retry: Array<[number, ScanJob]> = [];
  let why: string | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => { wake?.(); wake = undefined; };
  const split = { here: 0, workers: 0 };
  const found = (i: number, outcome: FindOutcome): void => { out[i] = outcome; plan.onFound?.(i, outcome); };
  const feed = (w: ScanWorker): void => {
    for (let batch = w.wants() ? queue.takeBatch() : undefined; batch; batch = w.wants() ? queue.takeBatch() : undefined) w.post(batch, options);
  };
  const workers = startWorkers(plan, (reason) => { why ??= reason; }, {
    ready: (w) => { feed(w); notify(); },
    answered: (w, batch, outcomes) => {
      // A crash (or an answer that does not restore) is rescanned here, so it is thrown exactly as the in-thread scan throws it.
      outcomes.forEach((o, k) => {
        const restored = 'crash' in o ? undefined : restore(o, batch.jobs[k]!.display);
        if (restored) { split.workers += 1; found(batch.indices[k]!, restored); } else retry.push([batch.indices[k]!, batch.jobs[k]!]);
      });
      feed(w);
      notify();
    },
    failed: (w, reason, unanswered) => {
      why ??= reason;
      workers.splice(workers.indexOf(w), 1);
      for (const b of unanswered) b.indices.forEach((i, k) => retry.push([i, b.jobs[k]!]));
      notify();
    },
  });
  const started = workers.length;
  try {
    let turn = performance.now() + SLICE_MS;
    for (;;) {
      queue.rethrow();
      const next = retry.shift() ?? (plan.alongside !== false || workers.length === 0 ? queue.takeOne() : undefined);
      if (next) {
        split.here += 1;
        found(next[0], findHere(next[1], options));
        if ((plan.onFound || workers.length > 0) && performance.now() >= turn) {
          await new Promise((resolve) => setImmediate(resolve));
          turn = performance.now() + SLICE_MS;
        }
      } else if (queue.done && workers.every((w) => w.inFlight.length === 0)) {
        queue.rethrow();
        break;
      } else {
        await new Promise<void>((resolve) => { wake = resolve; });
        turn = performance.now() + SLICE_MS;
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  plan.onSplit?.(split);
  plan.onMode?.(why !== undefined ? { where: 'thread', why } : started === 0 ? { where: 'thread' } : { where: 'pool', workers: started });
  return out;
}

/** startWorkers starts plan.workers workers; one that cannot even be constructed is reported to `failed` and left out. */
function startWorkers(plan: ScanPlan, failed: (why: string) => void, events: ConstructorParameters<typeof ScanWorker>[2]): ScanWorker[] {
  const entry = plan.workers > 0 ? workerEntry() : undefined;
  if (!entry) return [];
  const workers: ScanWorker[] = [];
  for (let k = 0; k < plan.workers; k++) {
    try {
      workers.push(new ScanWorker(entry, plan.limits ?? WORKER_LIMITS, events));
    } catch (error) {
      failed(error instanceof Error ? error.message : String(error));
    }
  }
  return workers;
}

/** FileQueue hands out files in order, one (this thread) or a batch (a worker) at a time. */
class FileQueue {
  private next = 0;
  private error: unknown;
  constructor(private readonly source: ScanSource) {}

  /** done: every file was handed out (or reading one failed). */
  get done(): boolean {
    return this.next >= this.source.count;
  }

  /** takeOne reads the next scanned file; a read error is kept for rethrow (it may happen in a worker's event). */
  takeOne(): [number, ScanJob] | undefined {
    while (this.next < this.source.count) {
      const i = this.next++;
      let job: ScanJob | undefined;
      try {
        job = this.source.load(i);
      } catch (error) {
        this.error ??= error;
        this.next = this.source.count;
        return undefined;
      }
      if (job) return [i, job];
    }
    return undefined;
  }

  /** takeBatch takes about BATCH_CHARS of text (at most BATCH_FILES files): postMessage has a per-message cost. */
  takeBatch(): PostedBatch | undefined {
    const batch: PostedBatch = { indices: [], jobs: [] };
    for (let chars = 0; chars < BATCH_CHARS && batch.jobs.length < BATCH_FILES;) {
      const one = this.takeOne();
      if (!one) break;
      batch.indices.push(one[0]);
      batch.jobs.push(one[1]);
      chars += one[1].text.length;
    }
    return batch.jobs.length > 0 ? batch : undefined;
  }

  /** rethrow throws the error of a file that could not be read. */
  rethrow(): void {
    if (this.error !== undefined) throw this.error;
  }
}

/**
 * findInParallel runs findAll over every job and returns the outcomes in order: with `workers`
 * worker threads (0: in this thread), this thread scanning alongside them only when `alongside`.
 */
export async function findInParallel(
  jobs: ScanJob[], options: FinderOptions, workers = poolSize(totalChars(jobs)), onMode?: (mode: ScanMode) => void, limits = WORKER_LIMITS,
  onFound?: (outcome: FindOutcome) => void, alongside = false,
): Promise<FindOutcome[]> {
  const source: ScanSource = { count: jobs.length, load: (i) => jobs[i] };
  const plan: ScanPlan = { workers: Math.min(workers, jobs.length), limits, alongside, ...(onMode ? { onMode } : {}), ...(onFound ? { onFound: (_: number, o: FindOutcome) => onFound(o) } : {}) };
  return (await findInOrder(source, options, plan)) as FindOutcome[];
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

/**
 * restore turns a worker's answer back into an outcome; undefined when its references no
 * longer parse here. Its occurrences name their file with the job's own string (a structured
 * clone gives each occurrence a copy of its own: ~3 MB on 10,000 files).
 */
function restore(outcome: Exclude<ScanOutcome, { crash: unknown }>, file: string): FindOutcome | undefined {
  if ('pinError' in outcome) return new PinError(outcome.pinError.code as ErrorCode, outcome.pinError.message);
  try {
    for (const o of outcome.found.occurrences) if (o.file === file) o.file = file;
    return { ...outcome.found, occurrences: outcome.found.occurrences.map(fromWire) };
  } catch {
    return undefined;
  }
}
