import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PinError } from '../errors.js';
import { TEMP_MARKER } from './atomic.js';
import { errnoText, fsOps } from './ops.js';

/** PlannedWrite is one file a run wants to replace. */
export interface PlannedWrite {
  /** target is the path written (a symlink's resolved target, never the link itself). */
  target: string;
  /** display names the file in messages (relative to the cwd). */
  display: string;
  content: string;
  /**
   * expected is the text the run read from `target`: the file must still hold exactly
   * that when it is replaced, else FILE_CHANGED. `undefined` skips the check.
   */
  expected?: string;
}

/** PreparedWrite is a PlannedWrite whose complete, fsynced temp file sits beside its target. */
export interface PreparedWrite extends PlannedWrite {
  temp: string;
}

/**
 * prepareWrites writes every temp file (content, original mode, fsync) before anything is
 * renamed. On any failure every temp file made so far is removed and an `IO` error names
 * the target, so the tree is left exactly as it was.
 */
export async function prepareWrites(writes: PlannedWrite[]): Promise<PreparedWrite[]> {
  const prepared: PreparedWrite[] = [];
  try {
    for (const write of writes) prepared.push(await prepareOne(write));
  } catch (error) {
    await abortWrites(prepared);
    throw error;
  }
  return prepared;
}

async function prepareOne(write: PlannedWrite): Promise<PreparedWrite> {
  const temp = path.join(path.dirname(write.target), `.${path.basename(write.target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  const mode = await fsOps.stat(write.target).then((s) => s.mode & 0o7777, () => undefined);
  let handle;
  try {
    handle = await fsOps.open(temp, 'wx', mode ?? 0o644);
  } catch (error) {
    throw ioError(write, error);
  }
  try {
    await fsOps.write(handle, write.content);
    if (mode !== undefined) await handle.chmod(mode);
    await fsOps.sync(handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsOps.rm(temp).catch(() => undefined);
    throw ioError(write, error);
  }
  await handle.close();
  return { ...write, temp };
}

/**
 * commitWrites checks that every target still holds the bytes the run read (FILE_CHANGED
 * naming each file that moved, and nothing renamed), then renames the temp files over their
 * targets in order. The caller puts the lock last.
 */
export async function commitWrites(prepared: PreparedWrite[]): Promise<void> {
  const changed: string[] = [];
  for (const write of prepared) if (!(await stillHolds(write))) changed.push(write.display);
  if (changed.length > 0) {
    await abortWrites(prepared);
    throw new PinError('FILE_CHANGED', `${changed.join(', ')}: changed on disk while digestpin ran; nothing was written (run again)`);
  }
  for (let i = 0; i < prepared.length; i++) {
    const write = prepared[i]!;
    try {
      await fsOps.rename(write.temp, write.target);
    } catch (error) {
      await abortWrites(prepared.slice(i));
      throw ioError(write, error, i);
    }
  }
}

async function stillHolds(write: PreparedWrite): Promise<boolean> {
  if (write.expected === undefined) return true;
  const now = await fsOps.readFile(write.target).catch(() => undefined);
  return now !== undefined && now.equals(Buffer.from(write.expected, 'utf8'));
}

/** abortWrites removes prepared temp files (best effort); the targets are untouched. */
export async function abortWrites(prepared: PreparedWrite[]): Promise<void> {
  await Promise.all(prepared.map((w) => fsOps.rm(w.temp).catch(() => undefined)));
}

function ioError(write: PlannedWrite, error: unknown, committed?: number): PinError {
  const partial = committed ? ` (${committed} file(s) were already replaced)` : '';
  return new PinError('IO', `${write.display}: cannot write: ${errnoText(error)}${partial}`, { cause: error });
}
