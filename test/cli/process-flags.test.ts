// The CLI process keeps WebAssembly (undici's llhttp) on V8's baseline compiler: TurboFan's
// recompile of llhttp cost ~16 MB of peak RSS on W1 (issue 13). An unknown flag would be
// printed by V8 into the process's output, so only known V8 majors get the flags. Never
// `--liftoff-only`: it makes a Liftoff bailout (a CPU without SIMD support) a fatal error.
// The old generation grows to 1.5x the live data, not up to 4x, and the young generation stays
// at its initial 1 MB semi-spaces, worker threads or not (issue 13, peak RSS).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { cliV8Flags } from '../../src/cli/process-flags.js';

const BASELINE = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--heap-growing-percent=50', '--semi-space-growth-factor=1'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const builtFlags = path.join(root, 'dist', 'cli', 'process-flags.js');

/**
 * youngGenerationPeakMb runs a child node process that (optionally) applies the CLI's flags,
 * (optionally) starts a worker thread and waits until it is online, then keeps a third of
 * 3 million small objects, and prints the largest size its young generation (V8's new_space)
 * reached, in MB. It runs the build (npm test builds first), as the CLI would.
 */
function youngGenerationPeakMb(options: { apply: boolean; worker: boolean }): number {
  if (!existsSync(builtFlags)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const { applyCliV8Flags } = await import(${JSON.stringify(pathToFileURL(builtFlags).href)});
    if (${options.apply}) applyCliV8Flags();
    if (${options.worker}) {
      const worker = new Worker('setTimeout(() => {}, 50)', { eval: true });
      await new Promise((resolve) => worker.once('online', resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
    const kept = [];
    let peak = newSpace();
    for (let i = 0; i < 3e6; i++) {
      const object = { i, name: 'x' + i };
      if (i % 3 === 0) kept.push(object);
      if (i % 1000 === 0) peak = Math.max(peak, newSpace());
    }
    console.log(peak / 1e6, kept.length);
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return Number.parseFloat(child.stdout);
}

describe('cliV8Flags', () => {
  it.each([
    ['11.3.244.8-node.30', BASELINE, 'Node 20'],
    ['12.4.254.21-node.33', BASELINE, 'Node 22'],
    ['13.6.233.10-node.28', BASELINE, 'Node 24'],
    ['10.2.154.26-node.26', [], 'older than the known range'],
    ['14.1.146.11-node.12', [], 'newer than the known range'],
    ['', [], 'empty'],
    ['not-a-version', [], 'garbage'],
  ])('%s → %j (%s)', (version, flags) => {
    expect(cliV8Flags(version)).toEqual(flags);
  });

  it('never sets --liftoff-only (a testing flag: any Liftoff bailout aborts the process)', () => {
    for (const version of ['11.3.244.8', '12.4.254.21', '13.6.233.10']) expect(cliV8Flags(version)).not.toContain('--liftoff-only');
  });

  it('without the flags, V8 grows the young generation to its maximum as kept objects survive (the control)', () => {
    expect(youngGenerationPeakMb({ apply: false, worker: false })).toBeGreaterThan(16);
  });

  it.each([
    ['in a process without workers', false],
    ['after a worker thread started (its new heap resets the growth factor)', true],
  ])('keeps the young generation at its initial 1 MB semi-spaces %s', (_label, worker) => {
    expect(youngGenerationPeakMb({ apply: true, worker })).toBeLessThan(3);
  });
});
