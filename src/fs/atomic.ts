import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';

/** TEMP_MARKER is part of every temp file name digestpin writes, so stale ones can be found. */
export const TEMP_MARKER = '.digestpin-tmp-';

/**
 * writeFileAtomic replaces `file` with `content` so that readers only ever see
 * the old or the new bytes: write a temp file in the same directory, fsync it,
 * copy the original mode, then rename over the target.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  const mode = await existingMode(file);
  const handle = await fs.open(temp, 'wx', mode ?? 0o644);
  try {
    await handle.writeFile(content);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** isTempFile reports whether a file name is a digestpin temp file left by an interrupted run. */
export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARKER);
}

/**
 * removeStaleTempFiles deletes digestpin temp files in `dir` left by a killed run; returns
 * their paths. A temp file whose writer (the pid in its name) is still running belongs to a
 * concurrent digestpin and is left alone.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const stale = staleTempFiles(dir, names);
  await Promise.all(stale.map((file) => fs.rm(file, { force: true })));
  return stale;
}

/**
 * removeStaleTempFilesSync is removeStaleTempFiles for a directory whose entry names the
 * caller already read (the tree walk reads each directory once).
 */
export function removeStaleTempFilesSync(dir: string, names: readonly string[]): string[] {
  const stale = staleTempFiles(dir, names);
  for (const file of stale) rmSync(file, { force: true });
  return stale;
}

function staleTempFiles(dir: string, names: readonly string[]): string[] {
  return names.filter((name) => isTempFile(name) && !writerIsAlive(name)).map((name) => path.join(dir, name));
}

/** writerIsAlive reports whether the process named in a temp file's name is still running. */
function writerIsAlive(name: string): boolean {
  const pid = Number(/\.digestpin-tmp-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
