// Issue 13 cause 6: start-up cost. `--version` must not load commander or any command code,
// and the lightweight commands must not load network code (undici). The bin shim runs from
// dist/ (npm test builds first), so the checks spawn it as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { VERSION } from '../../src/version.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'digestpin.js');

/** loadedModules runs the CLI with NODE_DEBUG=esm and returns stdout and the file URLs the ESM loader touched. */
function loadedModules(args: string[], cwd = root): { stdout: string; modules: string[] } {
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  const child = spawnSync(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, NODE_DEBUG: 'esm' }, encoding: 'utf8' });
  return { stdout: child.stdout, modules: [...new Set(child.stderr.match(/file:\/\/[^\s'",]+/g) ?? [])] };
}


describe('start-up (issue 13)', () => {
  it.each([['--version'], ['-V']])('%s prints the version without loading commander or command modules', (flag) => {
    const { stdout, modules } = loadedModules([flag]);
    expect(stdout).toBe(`${VERSION}\n`);
    expect(modules.filter((m) => /node_modules|dist\/cli\//.test(m))).toEqual([]);
  });

  it.each([['list'], ['lint'], ['--help'], ['pin', '--help']])('%s loads no network code (undici)', (...args) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'digestpin-startup-'));
    writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n');
    const { modules } = loadedModules(args, dir);
    expect(modules.some((m) => m.includes('/dist/cli/'))).toBe(true);
    // registry/endpoint.js is pure parsing (mirror prefixes are validated with the config).
    expect(modules.filter((m) => /node_modules\/undici|dist\/registry\/(?!endpoint\.js)/.test(m))).toEqual([]);
  });
});
