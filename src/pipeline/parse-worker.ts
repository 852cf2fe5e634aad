// Worker-thread entry of the parse pool: runs the built-in finders over the texts it is
// sent and posts plain data back (see scan-workers.ts for the protocol). It says `ready`
// once its modules are loaded, so the pool hands it work only from then on.
import { parentPort } from 'node:worker_threads';
import { findAll } from '../finders/registry.js';
import { scanInThread, type ScanBatch } from './scan-outcome.js';

parentPort?.on('message', (batch: ScanBatch) => {
  parentPort!.postMessage({ id: batch.id, outcomes: batch.jobs.map((job) => scanInThread(findAll, job, batch.options)) });
});
parentPort?.postMessage('ready');
