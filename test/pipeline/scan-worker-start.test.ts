// Fault path of the hybrid scan pool (issue 13): a worker that cannot even be constructed
// (here: the Worker constructor throws) leaves the scan to this thread, with the same outcomes.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:worker_threads', async (original) => ({
  ...(await original<typeof import('node:worker_threads')>()),
  Worker: class {
    constructor() {
      throw new Error('cannot start a worker here');
    }
  },
}));

const { findInParallel } = await import('../../src/pipeline/parse-pool.js');

describe('hybrid scan pool: a worker that cannot start', () => {
  it('scans in this thread and says why', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n';
    const jobs = [{ display: 'a.yaml', text }, { display: 'b.yaml', text }];
    const modes: unknown[] = [];
    const found = await findInParallel(jobs, {}, 1, (m) => modes.push(m), undefined, undefined, true);
    expect(modes).toEqual([{ where: 'thread', why: 'cannot start a worker here' }]);
    expect(JSON.parse(JSON.stringify(found))).toEqual(JSON.parse(JSON.stringify(await findInParallel(jobs, {}, 0))));
  });
});
