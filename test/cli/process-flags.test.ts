// The CLI process keeps WebAssembly (undici's llhttp) on V8's baseline compiler: TurboFan's
// recompile of llhttp cost ~16 MB of peak RSS and CPU on W1 (issue 13). An unknown flag would
// be printed by V8 into the process's output, so only known V8 majors get it.
import { describe, expect, it } from 'vitest';

import { cliV8Flags } from '../../src/cli/process-flags.js';

describe('cliV8Flags', () => {
  it.each([
    ['11.3.244.8-node.30', ['--liftoff-only'], 'Node 20'],
    ['12.4.254.21-node.33', ['--liftoff-only'], 'Node 22'],
    ['13.6.233.10-node.28', ['--liftoff-only'], 'Node 24'],
    ['9.4.146.26-node.26', ['--liftoff-only'], 'Node 16'],
    ['8.4.371.23-node.89', [], 'older than the known range'],
    ['14.1.146.11-node.12', [], 'newer than the known range'],
    ['', [], 'empty'],
    ['not-a-version', [], 'garbage'],
  ])('%s → %j (%s)', (version, flags) => {
    expect(cliV8Flags(version)).toEqual(flags);
  });
});
