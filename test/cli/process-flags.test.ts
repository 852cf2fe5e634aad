// The CLI process keeps WebAssembly (undici's llhttp) on V8's baseline compiler: TurboFan's
// recompile of llhttp cost ~16 MB of peak RSS on W1 (issue 13). An unknown flag would be
// printed by V8 into the process's output, so only known V8 majors get the flags. Never
// `--liftoff-only`: it makes a Liftoff bailout (a CPU without SIMD support) a fatal error.
// The old generation grows to 1.5x the live data, not up to 4x (issue 13, peak RSS).
import { describe, expect, it } from 'vitest';

import { cliV8Flags } from '../../src/cli/process-flags.js';

const BASELINE = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--heap-growing-percent=50'];

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
});
