// Shared steps of the hostile-input tests: a tree with one hostile file next to a normal
// one and a lock, `digestpin pin --frozen` on it (no network), and the bytes before/after.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type CliResult, runCli, tempDir, readTreeBytes } from '../helpers/cli.js';

/** DIGEST is what the lock says nginx:1.25 is. */
export const DIGEST = `sha256:${'ab'.repeat(32)}`;
/** GOOD is a normal manifest that sits next to every hostile file. */
export const GOOD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n';
const LOCK = {
  lockfileVersion: 1,
  images: { 'docker.io/library/nginx:1.25': { digest: DIGEST, files: [], firstSeen: '2025-01-01T00:00:00.000Z' } },
};

/** HostileOutcome is a run plus the tree's bytes before and after. */
export interface HostileOutcome extends CliResult {
  dir: string;
  before: Map<string, Buffer>;
  after: Map<string, Buffer>;
  /** maxRssKb is the child's peak RSS (child runs only). */
  maxRssKb?: number;
  timedOut?: boolean;
}

/** hostileTree writes `files` plus good.yaml and the lock into a fresh temp dir. */
export async function hostileTree(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir('digestpin-hostile-');
  for (const [rel, content] of Object.entries({ 'good.yaml': GOOD, 'digestpin.lock.json': `${JSON.stringify(LOCK, null, 2)}\n`, ...files })) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}

/** pinHostile runs `pin --frozen [--json]` in-process on a hostile tree. */
export async function pinHostile(files: Record<string, string | Buffer>, args: string[] = ['--json']): Promise<HostileOutcome> {
  const dir = await hostileTree(files);
  const before = await readTreeBytes(dir);
  const result = await runCli(['pin', '--frozen', ...args, '.'], { cwd: dir });
  return { ...result, dir, before, after: await readTreeBytes(dir) };
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');

/** pinHostileInChild runs the same in a child process with a heap cap and a wall-clock kill. */
export async function pinHostileInChild(files: Record<string, string | Buffer>, opts: { heapMb: number; killAfterMs: number; args?: string[] }): Promise<HostileOutcome> {
  const dir = await hostileTree(files);
  const before = await readTreeBytes(dir);
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb}`, '--import', TSX, path.join(ROOT, 'test/faults/cli-child.ts'), 'pin', '--frozen', '--json', ...(opts.args ?? []), '.'], {
    cwd: dir, env: { PATH: process.env.PATH, HOME: dir, DIGESTPIN_CHILD_RUSAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.killAfterMs);
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  const rusage = /^rusage (\{.*\})$/m.exec(stderr);
  const maxRssKb = rusage ? (JSON.parse(rusage[1]!) as { maxRSS: number }).maxRSS : undefined;
  return { code, stdout, stderr: stderr.replace(/^rusage .*\n/m, ''), dir, before, after: await readTreeBytes(dir), timedOut, ...(maxRssKb ? { maxRssKb } : {}) };
}

/** unpinned removes the digest the lock gives, turning a pinned text back into its input. */
export function unpinned(bytes: Buffer): string {
  return bytes.toString('utf8').split(`@${DIGEST}`).join('');
}
