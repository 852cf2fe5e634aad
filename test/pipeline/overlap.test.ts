import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finders, registerFinder } from '../../src/finders/registry.js';
import { PinError, pinTree, lockKey, type ImageReference, type Resolver } from '../../src/index.js';
import { tempDir, writeTree } from '../helpers/cli.js';

// Issue 13 cause 2: resolution starts while the tree is still being scanned.

const kubernetes = finders.get('kubernetes')!;
afterEach(() => registerFinder(kubernetes));

const digestOf = (ref: ImageReference): string => `sha256:${createHash('sha256').update(lockKey(ref)).digest('hex')}`;
const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n      args: ["${'x'.repeat(4000)}"]\n`;
const NOW = '2026-12-03T00:00:00.000Z';

/** countingScan counts files the kubernetes finder has scanned (a wrapper with the same id). */
function countingScan(): { scanned: () => number } {
  let n = 0;
  registerFinder({ ...kubernetes, find: (file, text, options) => ((n += 1), kubernetes.find(file, text, options)) });
  return { scanned: () => n };
}

/** recording answers every tag and records how many files were scanned at its first call. */
function recording(scanned: () => number, fail?: string): Resolver & { firstAt?: number; calls: string[] } {
  const r: Resolver & { firstAt?: number; calls: string[] } = {
    calls: [],
    async resolve(ref) {
      r.firstAt ??= scanned();
      r.calls.push(lockKey(ref));
      if (ref.path.endsWith(fail ?? '\0')) throw new PinError('MANIFEST_UNKNOWN', `${lockKey(ref)}: manifest unknown`);
      return { digest: digestOf(ref), mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    },
  };
  return r;
}

async function bigTree(files: number, last: string): Promise<string> {
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++) tree[`f${String(i).padStart(4, '0')}.yaml`] = pod(i === files - 1 ? last : `example.com/app${i % 20}:1`);
  return writeTree(await tempDir(), tree);
}

describe('overlapped scan and resolve (issue 13 cause 2)', () => {
  it('asks for the first tag before the last file is scanned, and each tag once', async () => {
    const dir = await bigTree(300, 'example.com/last:1');
    const count = countingScan();
    const resolver = recording(count.scanned);
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver, mode: 'pin', lockFile: path.join(dir, 'l.json'), now: NOW });
    expect(report.failures).toEqual([]);
    expect(count.scanned()).toBe(300);
    expect(resolver.firstAt).toBeLessThan(300);
    expect(resolver.calls.length).toBe(new Set(resolver.calls).size);
    expect(resolver.calls.length).toBe(21);
  });

  it('keeps the old order when beforeResolve must see the whole scan (tree pull secrets)', async () => {
    const dir = await bigTree(300, 'example.com/last:1');
    const count = countingScan();
    const resolver = recording(count.scanned);
    let seen = 0;
    await pinTree({ paths: ['.'], cwd: dir, resolver, mode: 'pin', now: NOW, write: false, beforeResolve: (s) => { seen = s.length; } });
    expect(seen).toBe(300);
    expect(resolver.firstAt).toBe(300);
  });

  it('a failure of the last tag asked still writes nothing, though earlier tags resolved during the scan', async () => {
    const dir = await bigTree(300, 'example.com/broken:1');
    const before = await fs.readFile(path.join(dir, 'f0000.yaml'), 'utf8');
    const count = countingScan();
    const resolver = recording(count.scanned, 'broken');
    const lockFile = path.join(dir, 'l.json');
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver, mode: 'pin', lockFile, now: NOW });
    expect(resolver.firstAt).toBeLessThan(300);
    expect(report).toMatchObject({ written: false, blockedFiles: ['f0299.yaml'] });
    expect(report.failures.map((f) => f.key)).toEqual(['example.com/broken:1']);
    expect(await fs.readFile(path.join(dir, 'f0000.yaml'), 'utf8')).toBe(before);
    expect((await fs.readdir(dir)).filter((f) => !f.endsWith('.yaml'))).toEqual([]);
  });
});
