import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ReadTextFile } from '../../src/auth/inject.js';

/** memFs is an in-memory ReadTextFile: unknown paths reject with ENOENT like fs.readFile. */
export function memFs(files: Record<string, string>): ReadTextFile & { reads: string[] } {
  const reads: string[] = [];
  const read = (path: string): Promise<string> => {
    reads.push(path);
    const text = files[path];
    if (text !== undefined) return Promise.resolve(text);
    return Promise.reject(Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' }));
  };
  return Object.assign(read, { reads });
}

/** b64 is standard padded base64 of a UTF-8 string. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** b64raw is unpadded standard base64. */
export function b64raw(text: string): string {
  return b64(text).replace(/=+$/, '');
}

/** tempDir creates a directory removed when the test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'digestpin-auth-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** writeScript writes an executable shell script into `dir`. */
export async function writeScript(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** target builds an AuthTarget. */
export function target(registry: string, repository: string): { registry: string; repository: string } {
  return { registry, repository };
}
