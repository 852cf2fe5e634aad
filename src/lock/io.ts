import { promises as fs } from 'node:fs';
import { PinError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { acquireRunLock } from '../fs/run-lock.js';
import { commitWrites, prepareWrites } from '../fs/transaction.js';
import { emptyLock, validateLock, type LockFile } from './schema.js';
import { jsonDepth, MAX_LOCK_DEPTH } from './validate.js';

/** DEFAULT_LOCK_FILE is the lock's name in the current directory. */
export const DEFAULT_LOCK_FILE = 'digestpin.lock.json';

/** readLock loads and validates a lock file; a missing file gives an empty lock unless `required`. */
export async function readLock(file: string, options: { required?: boolean } = {}): Promise<LockFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return emptyLock();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PinError('LOCK_MISSING', `lock file ${file} not found (run "digestpin pin" first)`);
    }
    throw new PinError('IO', `cannot read lock file ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (jsonDepth(text) > MAX_LOCK_DEPTH) {
    throw new PinError('LOCK_INVALID', `${file}: invalid lock file: nested deeper than ${MAX_LOCK_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PinError('LOCK_INVALID', `${file}: invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  return shareFileNames(validateLock(parsed, file));
}

/**
 * shareFileNames keeps one string per distinct file name: a large tree's lock names each file
 * once per tag it uses (50k strings for 10,000 files × 5 tags, kept for the whole run).
 */
function shareFileNames(lock: LockFile): LockFile {
  const names = new Map<string, string>();
  for (const entry of Object.values(lock.images)) {
    entry.files = entry.files.map((f) => {
      const seen = names.get(f);
      if (seen !== undefined) return seen;
      names.set(f, f);
      return f;
    });
  }
  return lock;
}

/** serializeLock renders a lock deterministically: sorted keys, 2-space indent, trailing newline. */
export function serializeLock(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/** writeLock writes the lock atomically, only when its bytes change; returns whether it wrote. */
export async function writeLock(file: string, lock: LockFile): Promise<boolean> {
  const text = serializeLock(lock);
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return false;
  // A run that found nothing to lock never creates an empty lock file (an existing one is emptied).
  if (current === undefined && Object.keys(lock.images).length === 0) return false;
  await writeFileAtomic(file, text);
  return true;
}

/**
 * updateLock applies `change` to a fresh read of the lock while holding the run lock
 * (`<file>.lock`), so a concurrent pin's entries are kept; writes only when the bytes
 * change and returns whether it wrote (`drift --update-lock`).
 */
export async function updateLock(file: string, change: (fresh: LockFile) => LockFile): Promise<boolean> {
  const held = await acquireRunLock(file);
  try {
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    const text = serializeLock(change(await readLock(file)));
    if (current === text) return false;
    const target = await fs.realpath(file).catch(() => file);
    await commitWrites(await prepareWrites([{ target, display: file, content: text, expected: current }]));
    return true;
  } finally {
    await held.release();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
