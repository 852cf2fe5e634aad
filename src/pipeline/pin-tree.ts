import path from 'node:path';
import { readLock, serializeLock } from '../lock/io.js';
import { emptyLock, type LockFile } from '../lock/schema.js';
import { planPinRun, type PinRun, type PinRunOptions } from './pin.js';
import { writeRun } from './write.js';

/** PinTreeOptions configure one whole pin or update run, writing included. */
export interface PinTreeOptions extends Omit<PinRunOptions, 'lock' | 'lockDir'> {
  /** lockFile is read (when `lock` is not given) and written; omit for no lock. */
  lockFile?: string;
  /** lock is the lock the run is planned against (default: read from lockFile, or empty). */
  lock?: LockFile;
  /** lockDir is where lock paths are relative to (default: the lock file's directory, or cwd). */
  lockDir?: string;
  /** write false plans and reports only (`--check`, `--diff`, stdin). Default true. */
  write?: boolean;
  /** keepGoing writes the files whose references all resolved even when others failed. */
  keepGoing?: boolean;
  /** lockWaitMs bounds the wait for another digestpin's write phase (default 60 s). */
  lockWaitMs?: number;
}

/** PinTreeReport is everything a run decided and did. */
export interface PinTreeReport extends PinRun {
  /** previousLock is the lock the run was planned against. */
  previousLock: LockFile;
  /** written says whether the write phase ran (false for check/diff, or failures without keepGoing). */
  written: boolean;
  /** lockChanged: the lock would change (not written) or was rewritten (written). */
  lockChanged: boolean;
  /** notices are things the user should know (e.g. a stale run lock was removed). */
  notices: string[];
}

/**
 * pinTree is the library's one call for a whole run: scan, resolve each distinct tag once,
 * plan byte-exact rewrites, then (unless `write: false`, or a reference failed without
 * `keepGoing`) write every file and the lock all-or-nothing.
 */
export async function pinTree(options: PinTreeOptions): Promise<PinTreeReport> {
  const previousLock = options.lock ?? (options.lockFile ? await readLock(options.lockFile) : emptyLock());
  const lockDir = options.lockDir ?? (options.lockFile ? path.dirname(options.lockFile) : options.cwd);
  const run = await planPinRun({ ...options, lock: previousLock, lockDir });
  const blocked = run.failures.length > 0 && !options.keepGoing;
  if (options.write === false || blocked) {
    const lockChanged = !blocked && options.lockFile !== undefined && serializeLock(run.lock) !== serializeLock(previousLock);
    return { ...run, previousLock, written: false, lockChanged, notices: [] };
  }
  const result = await writeRun(run, { lockFile: options.lockFile, lockWaitMs: options.lockWaitMs });
  return { ...run, lock: result.lock ?? run.lock, previousLock, written: true, lockChanged: result.lockWritten, notices: result.notices };
}
