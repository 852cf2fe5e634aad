import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's demo (issue 14 item 2) prints each command it runs and runs exactly that line:
// the registry settings live in the demo's .digestpin.yaml, which it prints, so every
// printed line works when copied. `npm test` builds dist/ first, which the demo's CLI uses.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const strip = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('npm run demo', () => {
  it('runs exactly the command lines it prints, with the documented exit codes', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    const out = strip(run.stdout);
    expect(run.status, `${out}\n${run.stderr}`).toBe(0);
    // Every printed command, with the exit code printed after it.
    const steps = [...out.matchAll(/^\$ (digestpin .*)\n[\s\S]*?^\(exit (\d+)\)$/gm)].map((m) => `${m[1]} -> ${m[2]}`);
    expect(steps).toEqual([
      'digestpin list . -> 0',
      'digestpin pin --diff . -> 1',
      'digestpin pin . -> 0',
      'digestpin pin --check . -> 0',
      'digestpin drift -> 1',
      'digestpin drift --update-lock --format markdown -> 1',
      'digestpin drift -> 0',
    ]);
    // The settings those lines need are shown, and no line carries hidden registry flags.
    expect(out).toMatch(/^\$ cat \.digestpin\.yaml\n[\s\S]*registry\.demo\.internal=127\.0\.0\.1:\d+/m);
    expect(out).not.toContain('--registry-mirror');
  });
});
