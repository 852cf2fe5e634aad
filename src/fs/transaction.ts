import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PinError } from '../errors.js';
import { TEMP_MARKER } from './atomic.js';
import { fileChangedError, holdsFingerprint, type Fingerprint } from './fingerprint.js';
import { errnoText, fsOps } from './ops.js';

/** PlannedWrite is one file a run wants to replace. */
export interface PlannedWrite {
  /** target is the path written (a symlink's resolved target, never the link itself). */
  target: string;
  /** display names the file in messages (relative to the cwd). */
  display: string;
  /** content is the new text; a function is called once, while its temp file is written, so texts are not all held at once. */
  content: string | (() => string);
  /**
   * expected is the text the run read from `target`, or the fingerprint of its bytes: the file
   * must still hold exactly that when it is replaced, else FILE_CHANGED. `undefined` skips the check.
   */
  expected?: string | Fingerprint;
}

/** PreparedWrite is a PlannedWrite whose complete, fsynced temp file sits beside its target. */
export interface PreparedWrite extends Omit<PlannedWrite, 'content'> {
  temp: string;
}

/** PREPARE_CONCURRENCY bounds temp files being written and fsynced at once. */
const PREPARE_CONCURRENCY = 16;

/**
 * prepareWrites writes every temp file (content, original mode, fsync) before anything is
 * renamed. On any failure every temp file made so far is removed and an `IO` error names
 * the target, so the tree is left exactly as it was.
 */
export async function prepareWrites(writes: PlannedWrite[]): Promise<PreparedWrite[]> {
  const prepared = new Array<PreparedWrite | undefined>(writes.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  // PREPARE_CONCURRENCY runners take the next write each: no promise or closure per file is
  // made up front (a queue of 10,000 of them lived through the whole write phase). After the
  // first failure no new temp file is started; the ones in flight finish and are removed.
  const runner = async (): Promise<void> => {
    while (errors.size === 0 && next < writes.length) {
      const i = next++;
      try {
        prepared[i] = await prepareOne(writes[i]!);
      } catch (error) {
        errors.set(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREPARE_CONCURRENCY, writes.length) }, runner));
  const done = prepared.filter((p): p is PreparedWrite => p !== undefined);
  if (errors.size > 0) {
    await abortWrites(done);
    // The error of the first file in order, whichever runner failed first.
    throw errors.get(Math.min(...errors.keys()));
  }
  return done;
}

async function prepareOne(write: PlannedWrite): Promise<PreparedWrite> {
  // First, so that a content function's own error (FILE_CHANGED from a re-read text) is not an IO error.
  const content = typeof write.content === 'function' ? write.content() : write.content;
  const temp = path.join(path.dirname(write.target), `.${path.basename(write.target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  const mode = await fsOps.stat(write.target).then((s) => s.mode & 0o7777, () => undefined);
  let handle;
  try {
    handle = await fsOps.open(temp, 'wx', mode ?? 0o644);
  } catch (error) {
    throw ioError(write, error);
  }
  try {
    await fsOps.write(handle, content);
    if (mode !== undefined) await handle.chmod(mode);
    await fsOps.sync(handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsOps.rm(temp).catch(() => undefined);
    throw ioError(write, error);
  }
  await handle.close();
  return { target: write.target, display: write.display, expected: write.expected, temp };
}

/**
 * commitWrites checks that every target still holds the bytes the run read (FILE_CHANGED
 * naming each file that moved, and nothing renamed), then renames the temp files over their
 * targets in order. The caller puts the lock last. Both steps are synchronous calls: awaiting
 * a thread-pool round trip per file made this loop most of a 10,000-file write phase
 * (issue 13 cause 4), and nothing else needs the event loop meanwhile.
 */
export async function commitWrites(prepared: PreparedWrite[]): Promise<void> {
  const changed = prepared.filter((write) => !stillHolds(write)).map((write) => write.display);
  if (changed.length > 0) {
    await abortWrites(prepared);
    throw fileChangedError(changed);
  }
  for (let i = 0; i < prepared.length; i++) {
    const write = prepared[i]!;
    try {
      fsOps.rename(write.temp, write.target);
    } catch (error) {
      await abortWrites(prepared.slice(i));
      throw ioError(write, error, i);
    }
  }
}

function stillHolds(write: PreparedWrite): boolean {
  if (write.expected === undefined) return true;
  let now: Uint8Array;
  try {
    now = fsOps.readFile(write.target);
  } catch {
    return false;
  }
  return typeof write.expected === 'string' ? Buffer.from(write.expected, 'utf8').equals(now) : holdsFingerprint(now, write.expected);
}

/** abortWrites removes prepared temp files (best effort); the targets are untouched. */
export async function abortWrites(prepared: PreparedWrite[]): Promise<void> {
  await Promise.all(prepared.map((w) => fsOps.rm(w.temp).catch(() => undefined)));
}

function ioError(write: Pick<PlannedWrite, 'display'>, error: unknown, committed?: number): PinError {
  const partial = committed ? ` (${committed} file(s) were already replaced)` : '';
  return new PinError('IO', `${write.display}: cannot write: ${errnoText(error)}${partial}`, { cause: error });
}
