// Issue 13 cause 6: start-up cost. `--version` must not load commander or any command code,
// and the lightweight commands must not load network code (undici). The bin shim runs from
// dist/ (npm test builds first), so the checks spawn it as a user would.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
    const { modules } = loadedModules(args, treeWithPod('nginx:1.25'));
    expect(modules.some((m) => m.includes('/dist/cli/'))).toBe(true);
    // registry/endpoint.js is pure parsing (mirror prefixes are validated with the config).
    expect(modules.filter((m) => /node_modules\/undici|dist\/registry\/(?!endpoint\.js)/.test(m))).toEqual([]);
  });

  it.each([
    [['pin', '.'], false],
    [['pin', '.', '--diff'], true],
  ])('%j loads the diff package only for --diff (%s)', (args, loaded) => {
    // Nothing to resolve (the one reference is digest-only), so no registry is needed.
    const { modules } = loadedModules([...args, '--no-lock'], treeWithPod(`nginx@sha256:${'a'.repeat(64)}`));
    expect(modules.some((m) => m.includes('/dist/pipeline/'))).toBe(true);
    expect(modules.some((m) => m.includes('/node_modules/diff/'))).toBe(loaded);
  });

  it.each([['--version'], ['-V']])('%s answers from package.json alone: no dist/, no ES module loaded', (flag) => {
    // The shim is CommonJS so that --version never starts the ES module loader (most of its
    // cost over bare node). A copy of bin/ and package.json without dist/ must still answer.
    const dir = shimWithoutDist();
    const child = spawnSync(process.execPath, [path.join(dir, 'bin', 'digestpin.js'), flag], { env: { PATH: process.env.PATH, NODE_DEBUG: 'esm' }, encoding: 'utf8' });
    expect({ status: child.status, stdout: child.stdout }).toEqual({ status: 0, stdout: `${VERSION}\n` });
    expect(child.stderr).not.toMatch(/file:\/\//);
  });

  it('without dist/, every other command says how to build it and exits 2', () => {
    const dir = shimWithoutDist();
    const child = spawnSync(process.execPath, [path.join(dir, 'bin', 'digestpin.js'), 'list', '.'], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(/^digestpin: cannot load the CLI from dist\/ \(run "npm run build"\): .* \[IO\]\n$/);
  });

  it('the CLI process keeps WebAssembly on the baseline compiler (no tier-up) and bounds the old and young generations', () => {
    // A preloaded hook records every V8 flag the process sets.
    const dir = treeWithPod('nginx:1.25');
    const hook = path.join(dir, 'hook.cjs');
    writeFileSync(hook, "const v8 = require('node:v8'); const set = v8.setFlagsFromString; v8.setFlagsFromString = (f) => { process.stderr.write('V8FLAG ' + f + '\\n'); set(f); };\n");
    const child = spawnSync(process.execPath, ['--require', hook, bin, 'list', '.'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stderr.split('\n').filter((l) => l.startsWith('V8FLAG'))).toEqual(['V8FLAG --no-wasm-tier-up', 'V8FLAG --no-wasm-dynamic-tiering', 'V8FLAG --heap-growing-percent=50', 'V8FLAG --semi-space-growth-factor=1']);
  });
});

/** treeWithPod writes a fresh directory holding pod.yaml, one Pod whose one container runs `image`. */
function treeWithPod(image: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digestpin-startup-'));
  writeFileSync(path.join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: ${image}\n`);
  return dir;
}

/** shimWithoutDist copies bin/ and package.json into a fresh directory that has no dist/. */
function shimWithoutDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digestpin-shim-'));
  mkdirSync(path.join(dir, 'bin'));
  for (const file of ['bin/digestpin.js', 'bin/package.json', 'package.json']) copyFileSync(path.join(root, file), path.join(dir, file));
  return dir;
}
