import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockKey, pinTree, type Resolver } from '../../src/index.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Issue 11 item 17: symlinked files inside the tree are scanned (and written through, the
// link kept); any other symlink is reported as `ignored: symlink to outside the tree` and
// fails --check and lint; a named symlink out of the tree is refused.

const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
const stub: Resolver = { resolve: async (ref) => ({ digest: `sha256:${createHash('sha256').update(lockKey(ref)).digest('hex')}`, mediaType: 'application/vnd.oci.image.manifest.v1+json' }) };

async function linkedTree(): Promise<{ dir: string; outside: string }> {
  const outside = await writeTree(await tempDir('digestpin-outside-'), { 'pod.yaml': pod('redis:7') });
  const dir = await writeTree(await tempDir('digestpin-links-'), { 'real.yaml': pod('nginx:1.25'), 'data/pod.txt': pod('busybox:1.36') });
  await fs.symlink('real.yaml', path.join(dir, 'alias.yaml'));
  await fs.mkdir(path.join(dir, 'sub'));
  await fs.symlink('../data/pod.txt', path.join(dir, 'sub/linked.yaml'));
  await fs.symlink(path.join(outside, 'pod.yaml'), path.join(dir, 'out.yaml'));
  return { dir, outside };
}

describe('symlinks in a scanned tree', () => {
  it('list scans a link to a file inside the tree, once, and reports a link out of the tree', async () => {
    const { dir } = await linkedTree();
    const result = await runCli(['list', '.'], { cwd: dir });
    expect(result.stdout).toContain('real.yaml:6:14\tunpinned\tnginx:1.25');
    expect(result.stdout).toContain('sub/linked.yaml:6:14\tunpinned\tbusybox:1.36');
    expect(result.stdout).not.toContain('alias.yaml');
    expect(result.stderr).toContain('ignored out.yaml: symlink to outside the tree');
  });

  it('lint fails on a link out of the tree', async () => {
    const { dir } = await linkedTree();
    await fs.rm(path.join(dir, 'real.yaml'));
    await fs.rm(path.join(dir, 'alias.yaml'));
    await fs.rm(path.join(dir, 'sub'), { recursive: true });
    const result = await runCli(['lint', '.'], { cwd: dir });
    expect(result.stderr).toContain('ignored out.yaml: symlink to outside the tree');
    expect(result.code).toBe(1);
  });

  it('pin --check fails on a link out of the tree', async () => {
    const dir = await tempDir('digestpin-links-');
    const outside = await writeTree(await tempDir('digestpin-outside-'), { 'pod.yaml': pod('redis:7') });
    await fs.symlink(path.join(outside, 'pod.yaml'), path.join(dir, 'out.yaml'));
    await fs.writeFile(path.join(dir, 'digestpin.lock.json'), '{"images": {}, "lockfileVersion": 1}\n');
    const result = await runCli(['pin', '--frozen', '--check', '.'], { cwd: dir });
    expect(result.stderr).toContain('ignored out.yaml: symlink to outside the tree');
    expect(result.code).toBe(1);
  });

  it('pin writes through a link inside the tree and keeps the link', async () => {
    const { dir, outside } = await linkedTree();
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile: path.join(dir, 'digestpin.lock.json'), now: '2026-12-03T00:00:00Z' });
    expect(report.written).toBe(true);
    expect((await fs.lstat(path.join(dir, 'sub/linked.yaml'))).isSymbolicLink()).toBe(true);
    expect((await fs.lstat(path.join(dir, 'alias.yaml'))).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(path.join(dir, 'data/pod.txt'), 'utf8')).toMatch(/image: busybox:1\.36@sha256:[0-9a-f]{64}\n/);
    expect(await fs.readFile(path.join(outside, 'pod.yaml'), 'utf8')).toBe(pod('redis:7'));
  });

  it('a symlink named on the command line is written through when inside the tree, refused when outside', async () => {
    const { dir, outside } = await linkedTree();
    const inside = await pinTree({ paths: ['sub/linked.yaml'], cwd: dir, resolver: stub, mode: 'pin', now: '2026-12-03T00:00:00Z' });
    expect(inside.written).toBe(true);
    expect((await fs.lstat(path.join(dir, 'sub/linked.yaml'))).isSymbolicLink()).toBe(true);
    const refused = await runCli(['pin', '--no-lock', 'out.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`out.yaml: is a symlink to ${await fs.realpath(path.join(outside, 'pod.yaml'))}, outside the tree`);
    expect((await fs.lstat(path.join(dir, 'out.yaml'))).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(path.join(outside, 'pod.yaml'), 'utf8')).toBe(pod('redis:7'));
  });
});
