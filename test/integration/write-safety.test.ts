import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fsOps } from '../../src/fs/ops.js';
import { registryFromContext } from '../harness/context.js';
import { deployment } from '../faults/pin-through.js';
import { runCli, tempDir, writeTree, readTreeText } from '../helpers/cli.js';

// Issue 11 items 15 and 16 against the real registry: a failure while writing changes
// nothing (every temp file is prepared, the lock's included, before the first rename); a
// file edited while pin runs is never overwritten (FILE_CHANGED); two concurrent pins that
// share a lock keep each other's files and entries.

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/digestpin.js');
const reg = registryFromContext('anonymous');
const ARGS = ['--insecure-registry', reg.host];
const IMAGES = ['app/oci:v1', 'app/docker:v1', 'app/multi:v1', 'library/nginx:1.25'].map((r) => `${reg.host}/${r}`);
const original = { ...fsOps };

afterEach(() => Object.assign(fsOps, original));
afterAll(() => reg.close());

async function unpinnedTree(dirs = ['a', 'b']): Promise<string> {
  const files: Record<string, string> = {};
  for (const d of dirs) for (let i = 0; i < 4; i++) files[`${d}/app-${i}.yaml`] = deployment(`${d}-${i}`, [IMAGES[i % IMAGES.length]!, IMAGES[(i + 1) % IMAGES.length]!]);
  return writeTree(await tempDir('digestpin-write-'), files);
}

describe('a failure while writing changes nothing', () => {
  it('an unwritable --lock path: IO naming the lock, no file pinned, no temp file', async () => {
    const dir = await unpinnedTree();
    const before = await readTreeText(dir);
    const result = await runCli(['pin', ...ARGS, '--lock', 'missing-dir/digestpin.lock.json', '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing-dir\/digestpin\.lock\.json.*no such file or directory \(ENOENT\).*\[IO\]/);
    expect(result.stderr).not.toContain('.digestpin-tmp-');
    expect(await readTreeText(dir)).toEqual(before);
  });

  it('ENOSPC while writing the lock temp file: no file pinned, error names the lock file', async () => {
    const dir = await unpinnedTree();
    const before = await readTreeText(dir);
    fsOps.write = (handle, content) =>
      String(content).includes('"lockfileVersion"') ? Promise.reject(Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' })) : original.write(handle, content);
    const result = await runCli(['pin', ...ARGS, '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('digestpin.lock.json: cannot write: no space left on device (ENOSPC) [IO]');
    expect(await readTreeText(dir)).toEqual(before);
  });

  it('a file edited while pin runs: FILE_CHANGED naming it, the edit survives, nothing else is written', async () => {
    const dir = await unpinnedTree();
    const edited = path.join(dir, 'b/app-2.yaml');
    let first = true;
    fsOps.sync = async (handle) => {
      // Temp files are prepared concurrently: edit the file exactly once.
      if (first) {
        first = false;
        await fs.appendFile(edited, '# edited by a human meanwhile\n');
      }
      return original.sync(handle);
    };
    const before = await readTreeText(dir);
    const result = await runCli(['pin', ...ARGS, '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('b/app-2.yaml: changed on disk while digestpin ran; nothing was written');
    expect(result.stderr).toContain('[FILE_CHANGED]');
    expect(await readTreeText(dir)).toEqual({ ...before, 'b/app-2.yaml': `${before['b/app-2.yaml']}# edited by a human meanwhile\n` });
  });
});

describe('two concurrent pin processes sharing one lock', () => {
  it('keep each other\'s files and lock entries', async () => {
    if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
    const dir = await unpinnedTree(['a', 'b', 'c']);
    const pin = (sub: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'pin', ...ARGS, sub], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([pin('a'), pin('b'), pin('c')]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const after = await readTreeText(dir);
    for (const [file, text] of Object.entries(after)) if (file.endsWith('.yaml')) expect(text, file).toMatch(/@sha256:[0-9a-f]{64}/);
    const lock = JSON.parse(after['digestpin.lock.json']!) as { images: Record<string, { files: string[] }> };
    const files = new Set(Object.values(lock.images).flatMap((e) => e.files));
    expect([...files].sort()).toEqual(Object.keys(after).filter((f) => f.endsWith('.yaml')).sort());
    expect(after['digestpin.lock.json.lock']).toBeUndefined();
  });
});
