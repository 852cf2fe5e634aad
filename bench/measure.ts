// Runs child processes and measures wall time, CPU time and peak RSS. CPU and RSS come
// from GNU time (`/usr/bin/time -o FILE -f …`, which waits for the child and reads its
// rusage); without it, node children are run with a preload that writes
// process.resourceUsage() at exit. Children are always spawned asynchronously: the
// proxy they talk to runs in this process.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** GNU_TIME is the path of GNU time, when installed (Debian package `time`). */
export const GNU_TIME = (() => {
  try {
    accessSync('/usr/bin/time', constants.X_OK);
    return '/usr/bin/time';
  } catch {
    return undefined;
  }
})();

/** Measured is one finished child process. */
export interface Measured {
  code: number | null;
  wallMs: number;
  /** cpuMs is user + system CPU time of the child and the children it waited for (undefined when unknown). */
  cpuMs?: number;
  userMs?: number;
  sysMs?: number;
  /** maxRssKb is the peak resident set size in KiB (undefined when unknown). */
  maxRssKb?: number;
  stdout: string;
  stderr: string;
}

/** RunOptions are the spawn options of a measured run. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** measure asks for CPU and RSS (GNU time, or the node preload fallback). */
  measure?: boolean;
}

// Fallback for node children when GNU time is missing: report resourceUsage() at exit.
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs';process.on('exit',()=>{const u=process.resourceUsage();fs.writeFileSync(process.env.BENCH_RUSAGE_FILE,JSON.stringify(u))});",
)}`;

/** run spawns cmd and resolves when it exits, with timings (wall always; CPU and RSS when `measure`). */
export async function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measured> {
  const tmp = opts.measure ? await mkdtemp(path.join(os.tmpdir(), 'digestpin-bench-time-')) : undefined;
  const out = tmp && path.join(tmp, 'usage');
  let file = cmd;
  let argv = args;
  const env = { ...(opts.env ?? process.env) };
  if (out && GNU_TIME) {
    file = GNU_TIME;
    argv = ['-o', out, '-f', '%e %U %S %M', cmd, ...args];
  } else if (out && cmd === process.execPath) {
    argv = ['--import', PRELOAD, ...args];
    env.BENCH_RUSAGE_FILE = out;
  }
  try {
    const start = performance.now();
    const { code, stdout, stderr } = await spawnCollect(file, argv, { cwd: opts.cwd, env });
    const wallMs = performance.now() - start;
    const usage = out ? await readUsage(out) : {};
    return { code, wallMs, stdout, stderr, ...usage };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

function spawnCollect(file: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout = (stdout + s).slice(-1_000_000); });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr = (stderr + s).slice(-1_000_000); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function readUsage(file: string): Promise<Pick<Measured, 'cpuMs' | 'userMs' | 'sysMs' | 'maxRssKb'>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.trim().startsWith('{')) {
    const u = JSON.parse(text) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
    return { userMs: u.userCPUTime / 1000, sysMs: u.systemCPUTime / 1000, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS };
  }
  // GNU time may prefix "Command exited with non-zero status N"; the numbers are on the last line.
  const last = text.trim().split('\n').at(-1) ?? '';
  const [, user, sys, rss] = last.split(' ').map(Number);
  if (user === undefined || sys === undefined || rss === undefined || [user, sys, rss].some(Number.isNaN)) return {};
  return { userMs: user * 1000, sysMs: sys * 1000, cpuMs: (user + sys) * 1000, maxRssKb: rss };
}


/** repeat runs a measurement n times and returns every result. */
export async function repeat(n: number, once: () => Promise<Measured>): Promise<Measured[]> {
  const results: Measured[] = [];
  for (let i = 0; i < n; i++) results.push(await once());
  return results;
}
