// Worker-thread entry of the parse pool: runs the built-in finders over the texts it is
// sent and posts plain data back (see parse-pool.ts for the protocol).
import { parentPort } from 'node:worker_threads';
import { findAll } from '../finders/registry.js';
import { scanInThread, type ScanBatch } from './scan-outcome.js';

parentPort?.on('message', (batch: ScanBatch) => {
  parentPort!.postMessage({ id: batch.id, outcomes: batch.jobs.map((job) => scanInThread(findAll, job, batch.options)) });
});
