import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fsOps } from '../../src/fs/ops.js';
import { PinError, pinTree, lockKey, type ImageReference, type Resolver } from '../../src/index.js';
import { tempDir, writeTree } from '../helpers/cli.js';

// Issue 13: the pipeline owns the whole run; `pinTree` is the library's one call.

const digestOf = (ref: ImageReference): string => `sha256:${createHash('sha256').update(lockKey(ref)).digest('hex')}`;
const stub: Resolver = {
  async resolve(ref) {
    if (ref.path.endsWith('broken')) throw new PinError('MANIFEST_UNKNOWN', `${lockKey(ref)}: manifest unknown`);
    return { digest: digestOf(ref), mediaType: 'application/vnd.oci.image.manifest.v1+json' };
  },
};
const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
const NOW = '2026-12-03T00:00:00.000Z';
const original = { ...fsOps };
afterEach(() => Object.assign(fsOps, original));

describe('pinTree', () => {
  it('pins a tree and writes the lock in one call', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox') });
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile: path.join(dir, 'digestpin.lock.json'), now: NOW });
    expect(report.failures).toEqual([]);
    expect(report.written).toBe(true);
    expect(report.lockChanged).toBe(true);
    expect(await fs.readFile(path.join(dir, 'b.yaml'), 'utf8')).toBe(pod(`busybox@${digestOf({ name: 'docker.io/library/busybox', tag: 'latest' } as ImageReference)}`));
    const lock = JSON.parse(await fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8'));
    expect(Object.keys(lock.images).sort()).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/nginx:1.25']);
  });

  it('write: false plans only and reports whether the lock would change', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25') });
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile: path.join(dir, 'l.json'), now: NOW, write: false });
    expect(report).toMatchObject({ written: false, lockChanged: true });
    expect(report.changes.map((c) => c.display)).toEqual(['a.yaml']);
    expect(await fs.readdir(dir)).toEqual(['a.yaml']);
  });

  it('writes nothing when a reference fails, unless keepGoing', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('example.com/broken:1') });
    const lockFile = path.join(dir, 'l.json');
    const blocked = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile, now: NOW });
    expect(blocked).toMatchObject({ written: false, blockedFiles: ['b.yaml'] });
    expect(await fs.readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe(pod('nginx:1.25'));
    const kept = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile, now: NOW, keepGoing: true });
    expect(kept.written).toBe(true);
    expect(await fs.readFile(path.join(dir, 'a.yaml'), 'utf8')).toContain('nginx:1.25@sha256:');
  });

  it('a run with nothing to write creates nothing, not even the run lock (read-only checkouts)', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25') });
    const lockFile = path.join(dir, 'digestpin.lock.json');
    await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile, now: NOW });
    fsOps.open = () => Promise.reject(Object.assign(new Error('EROFS'), { code: 'EROFS' }));
    const again = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lockFile, now: NOW });
    expect(again).toMatchObject({ written: true, lockChanged: false, changes: [] });
  });
});
