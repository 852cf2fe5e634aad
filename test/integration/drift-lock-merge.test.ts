import { readFileSync, writeFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFaultProxy } from '../faults/fault-setup.js';
import { uniqueRepository } from '../harness/context.js';
import { moveTag, seedImage } from '../harness/seed.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Issue 11 item 15 for `drift --update-lock`: it merges the moved digests into a fresh read
// of the lock under the run lock, so an entry another run added meanwhile is kept. The
// "other run" writes the lock while drift's manifest request is in flight (a proxy hook).

const fx = useFaultProxy();
const NOW = () => new Date('2026-12-03T00:00:00Z');
const OTHER = `sha256:${'e'.repeat(64)}`;

describe('drift --update-lock and a concurrent lock write', () => {
  it('keeps the entry written meanwhile and records the moved digest', async () => {
    const repo = uniqueRepository('drift-merge');
    await seedImage(fx.reg, { repository: repo, tag: 'v1', kind: 'oci-manifest', dispatcher: fx.reg.dispatcher });
    const image = `${fx.proxy.host}/${repo}:v1`;
    const args = ['--insecure-registry', fx.proxy.host];
    const dir = await writeTree(await tempDir(), { 'pod.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n` });
    expect((await runCli(['pin', ...args, '.'], { cwd: dir, now: NOW })).code).toBe(0);
    const moved = await moveTag(fx.reg, repo, 'v1', 'oci-manifest', { version: '2' });
    const lockFile = path.join(dir, 'digestpin.lock.json');
    let wrote = false;
    fx.proxy.script = (r) => {
      if (r.kind === 'manifest' && !wrote) {
        wrote = true; // a concurrent `pin other/` adds its entry while drift is checking
        const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
        lock.images['example.com/other:1'] = { digest: OTHER, files: ['other/pod.yaml'], firstSeen: 'T' };
        writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
      }
      return undefined;
    };
    const drift = await runCli(['drift', ...args, '--update-lock'], { cwd: dir, now: NOW });
    expect(drift.stderr).toContain('recorded 1 moved tag(s)');
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8'));
    expect(lock.images['example.com/other:1']).toMatchObject({ digest: OTHER });
    expect(lock.images[image]).toMatchObject({ digest: moved.digest });
  });
});
