import { promises as fs } from 'node:fs';
import { fingerprintOf } from '../fs/fingerprint.js';
import { acquireRunLock } from '../fs/run-lock.js';
import { commitWrites, prepareWrites, type PlannedWrite } from '../fs/transaction.js';
import { readLock, serializeLock } from '../lock/io.js';
import type { LockFile } from '../lock/schema.js';
import { diskTextOf } from './file-text.js';
import type { FileChange } from './plan.js';

/** WriteOptions say where the lock lives and how long to wait for another run's write phase. */
export interface WriteOptions {
  /** lockFile is written last; omit it for `--no-lock`. */
  lockFile?: string;
  lockWaitMs?: number;
}

/** WriteResult is what the write phase did. */
export interface WriteResult {
  /** lock is the lock as written: the run's entries merged into a fresh read of the lock file. */
  lock?: LockFile;
  lockWritten: boolean;
  /** notices are things the user should know (a stale run lock that was removed). */
  notices: string[];
}

/** WritableRun is the part of a planned run the write phase needs. */
export interface WritableRun {
  changes: FileChange[];
  /** rebaseLock merges the run's observations into `fresh`, the lock as it is on disk now. */
  rebaseLock(fresh: LockFile): LockFile;
}

/**
 * writeRun writes a planned run all-or-nothing, in two steps that a streaming writer can
 * reuse: prepare (every temp file written and fsynced, the lock's included) then commit
 * (every target still holds the bytes that were read, then rename, lock last). With a lock
 * file, the whole phase holds the advisory `<lock>.lock`, and the run's entries are merged
 * into a fresh read of the lock, so concurrent runs keep each other's entries.
 */
export async function writeRun(run: WritableRun, options: WriteOptions): Promise<WriteResult> {
  const files = await fileWrites(run.changes);
  if (!options.lockFile) {
    await commitWrites(await prepareWrites(files));
    return { lockWritten: false, notices: [] };
  }
  if (files.length === 0 && (await lockUpToDate(run, options.lockFile))) return { lockWritten: false, notices: [] };
  const held = await acquireRunLock(options.lockFile, { waitMs: options.lockWaitMs });
  try {
    const { lock, lockWrite } = await lockWriteOf(run, options.lockFile);
    await commitWrites(await prepareWrites([...files, ...lockWrite]));
    return { lock, lockWritten: lockWrite.length > 0, notices: held.stale ? [held.stale] : [] };
  } finally {
    await held.release();
  }
}

/**
 * lockWriteOf merges the run into a fresh read of the lock and plans its write, if its bytes
 * change. The text read is checked by fingerprint at commit, so it is not held meanwhile.
 */
async function lockWriteOf(run: WritableRun, lockFile: string): Promise<{ lock: LockFile; lockWrite: PlannedWrite[] }> {
  const current = await fs.readFile(lockFile, 'utf8').catch(() => undefined);
  const lock = run.rebaseLock(await readLock(lockFile));
  const text = serializeLock(lock);
  // A run that found nothing to lock never creates an empty lock file (an existing one is emptied).
  const unchanged = text === current || (current === undefined && Object.keys(lock.images).length === 0);
  if (unchanged) return { lock, lockWrite: [] };
  const expected = current === undefined ? undefined : fingerprintOf(current);
  return { lock, lockWrite: [{ target: await realTarget(lockFile), display: lockFile, content: text, expected }] };
}

/**
 * lockUpToDate: nothing to write at all, so a read-only checkout needs no run lock (e.g. `pin
 * --frozen` in CI). A missing lock that would stay empty is up to date too: it is not created.
 */
async function lockUpToDate(run: WritableRun, lockFile: string): Promise<boolean> {
  const current = await fs.readFile(lockFile, 'utf8').catch(() => undefined);
  const lock = run.rebaseLock(await readLock(lockFile));
  if (current === undefined) return Object.keys(lock.images).length === 0;
  return serializeLock(lock) === current;
}

async function fileWrites(changes: FileChange[]): Promise<PlannedWrite[]> {
  const out: PlannedWrite[] = [];
  // A change that does not hold its text is checked by fingerprint: its text is re-read only to write it.
  for (const change of changes) out.push({ target: await realTarget(change.file), display: change.display, content: () => change.after, expected: diskTextOf(change) ?? change.before });
  return out;
}

/** realTarget writes through a symlink to the file it names: a link is never replaced by a regular file. */
async function realTarget(file: string): Promise<string> {
  const real = await fs.realpath(file).catch(() => file);
  return real === file ? file : real; // the same string, not a copy per file
}
