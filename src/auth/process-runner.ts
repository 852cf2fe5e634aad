import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, extname, isAbsolute, join } from 'node:path';
import type { Env } from './inject.js';

/** HelperOutcome is how one helper process ended. */
export type HelperOutcome =
  | { kind: 'exit'; code: number | null; stdout: string; stderr: string }
  | { kind: 'not-found' }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'spawn-error'; code: string };

/** HelperRunOptions are the per-call settings of a HelperRunner. */
export interface HelperRunOptions {
  /** env is the child's whole environment; its PATH is where `program` is looked up. */
  env: Env;
  timeoutMs: number;
}

/** HelperRunner runs `program args…` with `input` on stdin; injected so tests control PATH and processes. */
export type HelperRunner = (program: string, args: string[], input: string, options: HelperRunOptions) => Promise<HelperOutcome>;

/** MAX_HELPER_OUTPUT caps what a helper may print before it is killed. */
export const MAX_HELPER_OUTPUT = 1 << 20;

/**
 * findOnPath resolves `program` on the injected PATH (plus PATHEXT on
 * Windows). Empty and relative PATH entries are skipped, as Go's exec.LookPath
 * refuses them since Go 1.19, so a helper is never run from the working dir.
 */
export async function findOnPath(program: string, env: Env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const pathVar = env.PATH ?? env.Path ?? '';
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const dir of pathVar.split(platform === 'win32' ? ';' : delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    for (const ext of exts) {
      const candidate = join(dir, program + ext);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * spawnHelperRunner is the production HelperRunner. The child gets its own
 * process group so a timeout kills the helper and anything it started.
 */
export function spawnHelperRunner(): HelperRunner {
  return async (program, args, input, options) => {
    const resolved = await findOnPath(program, options.env);
    if (resolved === undefined) return { kind: 'not-found' };
    return runExecutable(resolved, args, input, options);
  };
}

/**
 * runExecutable runs the executable at `file` (an absolute path) in its own
 * process group, writes `input` to stdin, and kills the group on timeout or
 * oversized output. Shared by credential helpers and kubelet credential
 * provider plugins.
 */
export function runExecutable(file: string, args: string[], input: string, options: HelperRunOptions): Promise<HelperOutcome> {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    const child = spawn(file, args, {
      env: definedEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: posix,
      windowsHide: true,
      shell: !posix && /^\.(bat|cmd)$/i.test(extname(file)),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: HelperOutcome, kill: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (kill) killTree(child.pid, () => child.kill('SIGKILL'));
      resolve(outcome);
    };
    const onData = (sink: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT) finish({ kind: 'too-large' }, true);
      else sink.push(chunk);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }, true), options.timeoutMs);
    child.stdout.on('data', onData(out));
    child.stderr.on('data', onData(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(e.code === 'ENOENT' ? { kind: 'not-found' } : { kind: 'spawn-error', code: e.code ?? 'unknown' }, false);
    });
    child.on('close', (code) => {
      const text = (b: Buffer[]) => Buffer.concat(b).toString('utf8');
      finish({ kind: 'exit', code, stdout: text(out), stderr: text(err) }, false);
    });
    child.stdin.on('error', () => {}); // a helper may exit without reading stdin (EPIPE)
    child.stdin.end(input);
  });
}

function killTree(pid: number | undefined, fallback: () => void): void {
  try {
    if (pid !== undefined && process.platform !== 'win32') process.kill(-pid, 'SIGKILL');
    else fallback();
  } catch {
    fallback();
  }
}

function definedEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
