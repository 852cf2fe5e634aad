import { closeSync, fstatSync, openSync, promises as fs, readSync, renameSync } from 'node:fs';

/**
 * fsOps are the file-system calls the write phase makes. Tests replace single members to
 * inject faults that cannot be produced for real on loopback (ENOSPC, EIO); production code
 * never changes them.
 */
export const fsOps = {
  open: (file: string, flags: string, mode?: number) => fs.open(file, flags, mode),
  write: (handle: fs.FileHandle, content: string | Uint8Array) => handle.writeFile(content),
  sync: (handle: fs.FileHandle) => handle.sync(),
  /** rename and readFile are synchronous: the commit step runs them once per file, in order (issue 13 cause 4). */
  rename: (from: string, to: string): void => renameSync(from, to),
  rm: (file: string) => fs.rm(file, { force: true }),
  readFile: (file: string): Uint8Array => readReusing(file),
  stat: (file: string) => fs.stat(file),
};

let scratch = Buffer.alloc(64 * 1024);

/**
 * readReusing reads a whole file into one buffer that every call reuses, and returns a view of
 * it that is valid until the next call: the commit step reads every target once to compare it,
 * and a fresh Buffer per file piled up as garbage in that synchronous loop (+30 MB of peak RSS
 * on 10,000 files).
 */
function readReusing(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > scratch.length) scratch = Buffer.alloc(Math.max(size, scratch.length * 2));
    let read = 0;
    while (read < size) {
      const n = readSync(fd, scratch, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return scratch.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EEXIST: 'already exists',
};

/** errnoText turns a Node file-system error into `reason (CODE)` without the temp file's path. */
export function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && ERRNO_TEXT[code]) return `${ERRNO_TEXT[code]} (${code})`;
  return code ?? (error as Error)?.message ?? String(error);
}
