// The parse workers of the scan pool (parse-pool.ts schedules them). A worker starts cold (it
// loads yaml and the finders, ~100 ms), says `ready`, then answers the batches it is sent in
// order. The pool keeps up to BATCH_DEPTH batches posted to each worker so it never waits
// for the main thread, which only reads the answers when its own scan lets the event loop turn.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FinderOptions } from '../finders/types.js';
import type { ScanBatch, ScanJob, ScanOutcome } from './scan-outcome.js';

/** BATCH_DEPTH is how many batches a worker holds at once: one it parses, one waiting. */
export const BATCH_DEPTH = 2;

/** PostedBatch is a batch of files sent to a worker: their indices in the scan, and their jobs. */
export interface PostedBatch {
  indices: number[];
  jobs: ScanJob[];
}

/** WorkerEvents are what a ScanWorker tells the pool; each is called at most once per event. */
export interface WorkerEvents {
  /** ready: the worker loaded its modules and waits for batches. */
  ready(worker: ScanWorker): void;
  /** answered: the worker scanned `batch` (its oldest in flight). */
  answered(worker: ScanWorker, batch: PostedBatch, outcomes: ScanOutcome[]): void;
  /** failed: the worker died (out of memory, crash); its batches in flight are returned. */
  failed(worker: ScanWorker, why: string, unanswered: PostedBatch[]): void;
}

/** WorkerEntry is how to start a worker: a module path, or a bootstrap script when `eval`. */
export interface WorkerEntry {
  code: string;
  eval: boolean;
}

/**
 * workerEntry finds the compiled worker next to this module; running from the TypeScript
 * sources (vitest, tsx) it bootstraps tsx in the worker first, when tsx is installed.
 */
export function workerEntry(): WorkerEntry | undefined {
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

/** ScanWorker is one parse worker and the batches it holds, oldest first. */
export class ScanWorker {
  /** ready is true once the worker loaded its modules (batches posted earlier would wait). */
  ready = false;
  /** inFlight are the batches posted and not yet answered, oldest first. */
  readonly inFlight: PostedBatch[] = [];
  private readonly worker: Worker;
  private done = false;

  /** Starts the worker; `events` hears of it from now on (until terminate). */
  constructor(entry: WorkerEntry, limits: ResourceLimits, private readonly events: WorkerEvents) {
    this.worker = new Worker(entry.code, { eval: entry.eval, resourceLimits: limits });
    this.worker.on('message', (message: 'ready' | { id: number; outcomes: ScanOutcome[] }) => {
      if (this.done) return;
      if (message === 'ready') {
        this.ready = true;
        this.events.ready(this);
        return;
      }
      const batch = this.inFlight.shift();
      if (!batch || batch.indices[0] !== message.id) return this.fail(`parse worker answered batch ${message.id} out of order`);
      this.events.answered(this, batch, message.outcomes);
    });
    // `on`, not `once`: fail() runs once, and a second 'error' must not go unhandled.
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', (code) => this.fail(`parse worker exited with code ${code}`));
  }

  /** wants says whether the worker is ready and holds fewer than BATCH_DEPTH batches. */
  wants(): boolean {
    return this.ready && !this.done && this.inFlight.length < BATCH_DEPTH;
  }

  /** post sends a batch (its id is its first file's index). */
  post(batch: PostedBatch, options: FinderOptions): void {
    this.inFlight.push(batch);
    const message: ScanBatch = { id: batch.indices[0]!, jobs: batch.jobs, options };
    this.worker.postMessage(message);
  }

  /** terminate stops the worker; no event follows. */
  async terminate(): Promise<void> {
    this.done = true;
    await this.worker.terminate();
  }

  private fail(why: string): void {
    if (this.done) return;
    this.done = true;
    void this.worker.terminate();
    this.events.failed(this, why, this.inFlight.splice(0));
  }
}
