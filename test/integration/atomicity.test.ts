import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, watch, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import { deployment } from '../faults/pin-through.js';
import { readTreeBytes } from '../helpers/cli.js';

// Atomicity under SIGKILL (issue 8): `node bin/digestpin.js pin` rewrites 500 files and the
// lock, and is killed at seeded random points and right after its first writes. After each
// kill every file holds its old or its new bytes, the lock is the old one or a complete new
// one, and a normal re-run finishes the job and leaves no temp file anywhere.

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/digestpin.js');
const FILES = 500;
const SEED = 0x5eed_0008;
const RANDOM_KILLS = 5;
const KILLS_AFTER_WRITES = [1, 301];
const LOCK = 'digestpin.lock.json';
const TEMP_MARKER = '.digestpin-tmp-';
/** RUN_LOCK is held for the write phase; a SIGKILL cannot remove it, and the next run removes it as stale (issue 11 item 15). */
const RUN_LOCK = `${LOCK}.lock`;

const reg = registryFromContext('anonymous');
const IMAGES = ['app/oci:v1', 'app/docker:v1', 'app/multi:v1', 'app/list:v1', 'library/nginx:1.25'].map((r) => `${reg.host}/${r}`);
const run = promisify(execFile);

/** mulberry32 is a tiny seeded PRNG, so the kill points are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** tree is the input: 500 manifests in 10 folders (LF and CRLF) plus base/app.yaml, pinned by an earlier run. */
function tree(): Record<string, string> {
  const files: Record<string, string> = { 'base/app.yaml': deployment('base', [IMAGES[0]!]) };
  for (let i = 0; i < FILES; i++) {
    const images = [0, 1, 2].map((k) => IMAGES[(i + k * 2) % IMAGES.length]!);
    const text = `# file ${i}\n${deployment(`app-${i}`, images)}`;
    files[`dir${String(i % 10).padStart(2, '0')}/app-${String(i).padStart(3, '0')}.yaml`] = i % 7 === 0 ? text.replace(/\n/g, '\r\n') : text;
  }
  return files;
}

function spawnPin(cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, 'pin', '--insecure-registry', reg.host, '.'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function finish(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode, stderr };
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

let work: string;
let pristine: string;
let oldState: Map<string, Buffer>;
let newState: Map<string, Buffer>;
let newDigests: Record<string, string>;
let fullMs = 0;

const digestsOf = (lock: Buffer) => Object.fromEntries(
  Object.entries((JSON.parse(lock.toString('utf8')) as { images: Record<string, { digest: string }> }).images).map(([k, v]) => [k, v.digest]),
);

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) await run('npm', ['run', 'build'], { cwd: ROOT });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'digestpin-atomicity-'));
  pristine = path.join(work, 'pristine');
  for (const [rel, text] of Object.entries(tree())) {
    await fs.mkdir(path.dirname(path.join(pristine, rel)), { recursive: true });
    await fs.writeFile(path.join(pristine, rel), text);
  }
  // The "old" lock: an earlier run pinned base/ only.
  const first = await finish(spawn(process.execPath, [BIN, 'pin', '--insecure-registry', reg.host, 'base'], { cwd: pristine, stdio: ['ignore', 'ignore', 'pipe'] }));
  expect(first.code, first.stderr).toBe(0);
  oldState = await readTreeBytes(pristine);
  const full = path.join(work, 'full');
  await fs.cp(pristine, full, { recursive: true });
  const start = performance.now();
  const done = await finish(spawnPin(full));
  fullMs = performance.now() - start;
  expect(done.code, done.stderr).toBe(0);
  newState = await readTreeBytes(full);
  newDigests = digestsOf(newState.get(LOCK)!);
}, 120_000);

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
  await reg.close();
});

/** checkAfterKill asserts the old-or-new invariant and returns how many files were already new. */
function checkAfterKill(state: Map<string, Buffer>): { updated: number; temps: string[]; lock: 'old' | 'new' } {
  const temps = [...state.keys()].filter((f) => path.basename(f).includes(TEMP_MARKER));
  let updated = 0;
  for (const [rel, old] of oldState) {
    if (rel === LOCK) continue;
    const now = state.get(rel);
    expect(now, `${rel} vanished`).toBeDefined();
    const isOld = now!.equals(old);
    expect(isOld || now!.equals(newState.get(rel)!), `${rel} is neither its old nor its new version`).toBe(true);
    if (!isOld) updated++;
  }
  const others = [...state.keys()].filter((f) => !oldState.has(f) && !temps.includes(f) && f !== RUN_LOCK);
  expect(others).toEqual([]);
  const lock = state.get(LOCK)!;
  if (lock.equals(oldState.get(LOCK)!)) return { updated, temps, lock: 'old' };
  expect(digestsOf(lock)).toEqual(newDigests);
  return { updated, temps, lock: 'new' };
}

/** rerun runs pin normally and checks the tree is fully pinned with no temp file left. */
async function rerun(dir: string): Promise<void> {
  const done = await finish(spawnPin(dir));
  expect(done.code, done.stderr).toBe(0);
  const state = await readTreeBytes(dir);
  expect([...state.keys()].filter((f) => f.includes(TEMP_MARKER) || f === RUN_LOCK)).toEqual([]);
  for (const [rel, bytes] of newState) if (rel !== LOCK) expect(state.get(rel)!.equals(bytes), `${rel} not pinned`).toBe(true);
  expect(digestsOf(state.get(LOCK)!)).toEqual(newDigests);
}

describe('pin killed with SIGKILL while rewriting 500 files', () => {
  const random = mulberry32(SEED);
  const fractions = Array.from({ length: RANDOM_KILLS }, () => random());

  const kills = fractions.map((fraction, i) => ({ n: i + 1, fraction, percent: Number((fraction * 100).toFixed(1)) }));
  it.each(kills)('kill $n at $percent% of a full run: old or new bytes only, then a re-run cleans up', async ({ n: i, fraction }) => {
    const dir = path.join(work, `random-${i}`);
    await fs.cp(pristine, dir, { recursive: true });
    const child = spawnPin(dir);
    const exited = finish(child);
    await new Promise((resolve) => setTimeout(resolve, fraction * fullMs));
    child.kill('SIGKILL');
    await exited;
    const seen = checkAfterKill(await readTreeBytes(dir));
    console.log(`kill ${i} at ${Math.round(fraction * fullMs)}/${Math.round(fullMs)} ms: ${seen.updated} files new, lock ${seen.lock}, ${seen.temps.length} temp files`);
    await rerun(dir);
  });

  it.each(KILLS_AFTER_WRITES)('kill right after write event %i: old or new bytes only, then a re-run cleans up', async (writes) => {
    const dir = path.join(work, `writes-${writes}`);
    await fs.cp(pristine, dir, { recursive: true });
    const child = spawnPin(dir);
    const exited = finish(child);
    let events = 0;
    const watchers = [...new Set(Object.keys(tree()).map((f) => path.dirname(f)))].map((sub) =>
      watch(path.join(dir, sub), () => {
        if (++events === writes) child.kill('SIGKILL');
      }));
    await exited;
    for (const w of watchers) w.close();
    const seen = checkAfterKill(await readTreeBytes(dir));
    console.log(`kill after ${writes} write events: ${seen.updated} files new, lock ${seen.lock}, ${seen.temps.length} temp files`);
    expect(events).toBeGreaterThanOrEqual(writes);
    await rerun(dir);
  });
});
