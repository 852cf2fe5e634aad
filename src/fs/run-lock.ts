import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinError } from '../errors.js';
import { errnoText, fsOps } from './ops.js';

/** RunLock is a held advisory lock; release it exactly once. */
export interface RunLock {
  file: string;
  /** stale names a dead holder's lock that was removed to take this one, for the user to see. */
  stale?: string;
  release(): Promise<void>;
}

/** RunLockOptions bound how long to wait for another digestpin to finish its write phase. */
export interface RunLockOptions {
  waitMs?: number;
  pollMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  started: string;
}

/**
 * acquireRunLock takes the advisory lock `<lock file>.lock` (created with O_EXCL, holding
 * pid, host and start time) for a run's write phase, waiting while another live digestpin
 * holds it. A lock left by a dead process on this host is removed and reported; a lock
 * held from another host, or still held after `waitMs`, is a LOCK_HELD error naming the holder.
 */
export async function acquireRunLock(lockFile: string, options: RunLockOptions = {}): Promise<RunLock> {
  const file = `${lockFile}.lock`;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  let stale: string | undefined;
  for (;;) {
    const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    try {
      const handle = await fsOps.open(file, 'wx', 0o644);
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.close();
      return { file, stale, release: () => fsOps.rm(file).then(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PinError('IO', `${file}: cannot create the run lock: ${errnoText(error)}`, { cause: error });
      }
    }
    const holder = await readHolder(file);
    if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
      // Only a lock whose holder is provably gone (same host, pid not running) is stale.
      await fsOps.rm(file);
      stale = `removed a stale run lock ${file} left by pid ${holder.pid} (started ${holder.started})`;
      continue;
    }
    if (Date.now() >= deadline) throw new PinError('LOCK_HELD', `${file} is held by ${describe(holder)}; another digestpin is writing (remove the file if that run is gone)`);
    await sleep(options.pollMs ?? 50);
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(Buffer.from(fsOps.readFile(file)).toString('utf8')) as Partial<Holder>;
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string') return { pid: parsed.pid!, host: parsed.host, started: String(parsed.started ?? '?') };
  } catch {
    // Being written right now, or not ours: treat as held until the deadline.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(holder: Holder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.host} since ${holder.started}` : 'an unknown process';
}
