import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { isTempFile } from '../../src/fs/atomic.js';
import { fsOps } from '../../src/fs/ops.js';
import { commitWrites, prepareWrites, type PlannedWrite } from '../../src/fs/transaction.js';
import { tempDir, writeTree, readTreeText } from '../helpers/cli.js';

// Issue 11 items 15 and 16: the write phase is prepare (every temp file written and fsynced)
// then commit (every target still holds what was read, then rename). Faults that cannot be
// produced for real as root (ENOSPC, EACCES) are injected through the fsOps seam.

const original = { ...fsOps };
afterEach(() => Object.assign(fsOps, original));

async function tree(): Promise<{ dir: string; writes: PlannedWrite[] }> {
  const dir = await writeTree(await tempDir(), { 'a.yaml': 'a: 1\n', 'sub/b.yaml': 'b: 1\n', 'c.yaml': 'c: 1\n' });
  const writes = ['a.yaml', 'sub/b.yaml', 'c.yaml'].map((f) => ({ target: path.join(dir, f), display: f, expected: `${f[f.length - 6]}: 1\n`, content: 'new\n' }));
  return { dir, writes };
}

describe('prepareWrites / commitWrites', () => {
  it('replaces every target when nothing failed', async () => {
    const { dir, writes } = await tree();
    await commitWrites(await prepareWrites(writes));
    expect(await readTreeText(dir)).toEqual({ 'a.yaml': 'new\n', 'sub/b.yaml': 'new\n', 'c.yaml': 'new\n' });
  });

  it.each([
    ['ENOSPC while writing', 'write', 'ENOSPC', 'no space left on device (ENOSPC)'],
    ['EIO on fsync', 'sync', 'EIO', 'input/output error (EIO)'],
    ['EACCES creating the temp file (read-only directory)', 'open', 'EACCES', 'permission denied (EACCES)'],
  ] as const)('%s on the second file: IO error naming the target, no temp file, nothing changed', async (_what, op, code, reason) => {
    const { dir, writes } = await tree();
    const before = await readTreeText(dir);
    // Fail the chosen step for sub/b.yaml only (temp files are prepared concurrently).
    const forB = new WeakSet<object>();
    const fail = (c: string) => Object.assign(new Error(`${c}: fake, open '/tmp/x.digestpin-tmp-1'`), { code: c });
    const isB = (args: unknown[]) => (op === 'open' ? String(args[0]).includes('b.yaml') : forB.has(args[0] as object));
    const real = original[op] as (...args: unknown[]) => Promise<unknown>;
    fsOps.open = async (...args: Parameters<typeof original.open>) => {
      if (op === 'open' && isB(args)) throw fail(code);
      const handle = await original.open(...args);
      if (args[0].includes('b.yaml')) forB.add(handle);
      return handle;
    };
    if (op !== 'open') (fsOps as Record<string, unknown>)[op] = (...args: unknown[]) => (isB(args) ? Promise.reject(fail(code)) : real(...args));
    const error = await prepareWrites(writes).catch((e: unknown) => e);
    expect(isPinError(error, 'IO')).toBe(true);
    expect((error as Error).message).toBe(`sub/b.yaml: cannot write: ${reason}`);
    expect(await readTreeText(dir)).toEqual(before);
    expect((await fs.readdir(dir, { recursive: true })).filter((f) => isTempFile(path.basename(f)))).toEqual([]);
  });

  it('FILE_CHANGED when a target was edited after it was read: names the file, renames nothing', async () => {
    const { dir, writes } = await tree();
    const prepared = await prepareWrites(writes);
    await fs.writeFile(path.join(dir, 'c.yaml'), 'c: 2 # edited meanwhile\n');
    const error = await commitWrites(prepared).catch((e: unknown) => e);
    expect(isPinError(error, 'FILE_CHANGED')).toBe(true);
    expect((error as Error).message).toMatch(/^c\.yaml: changed on disk while digestpin ran; nothing was written/);
    expect(await readTreeText(dir)).toEqual({ 'a.yaml': 'a: 1\n', 'sub/b.yaml': 'b: 1\n', 'c.yaml': 'c: 2 # edited meanwhile\n' });
  });

  it('FILE_CHANGED when a target was deleted after it was read', async () => {
    const { dir, writes } = await tree();
    const prepared = await prepareWrites(writes);
    await fs.rm(path.join(dir, 'a.yaml'));
    await expect(commitWrites(prepared)).rejects.toSatisfy((e) => isPinError(e, 'FILE_CHANGED'));
    expect(Object.keys(await readTreeText(dir)).sort()).toEqual(['c.yaml', 'sub/b.yaml']);
  });
});

describe('commitWrites reads each target into one reused buffer', () => {
  it('compares files of different sizes correctly, one after another (a larger file after a smaller, and back)', async () => {
    const dir = await tempDir();
    const texts = ['a: 1\n', 'b: '.padEnd(200_000, 'x') + '\n', 'c: 3\n', 'd: '.padEnd(70_000, 'y') + '\n'];
    const writes: PlannedWrite[] = [];
    for (const [i, text] of texts.entries()) {
      const file = path.join(dir, `f${i}.yaml`);
      await fs.writeFile(file, text);
      writes.push({ target: file, display: `f${i}.yaml`, content: text.replace(':', ' =:'), expected: text });
    }
    await commitWrites(await prepareWrites(writes));
    for (const [i, text] of texts.entries()) expect(await fs.readFile(path.join(dir, `f${i}.yaml`), 'utf8')).toBe(text.replace(':', ' =:'));
  });

  it('still sees a change in the last byte of a large file', async () => {
    const dir = await tempDir();
    const big = path.join(dir, 'big.yaml');
    const small = path.join(dir, 'small.yaml');
    const text = 'b: '.padEnd(200_000, 'x') + '\n';
    await fs.writeFile(big, text);
    await fs.writeFile(small, 'a: 1\n');
    const prepared = await prepareWrites([
      { target: small, display: 'small.yaml', content: 'a: 2\n', expected: 'a: 1\n' },
      { target: big, display: 'big.yaml', content: 'b: new\n', expected: text },
    ]);
    await fs.writeFile(big, `${text.slice(0, -1)}!`);
    await expect(commitWrites(prepared)).rejects.toMatchObject({ code: 'FILE_CHANGED', message: expect.stringContaining('big.yaml') });
    expect(await fs.readFile(small, 'utf8')).toBe('a: 1\n');
  });
});
