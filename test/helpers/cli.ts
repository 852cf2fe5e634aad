import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';

/** CliResult is what one in-process CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** CliRunOptions set the run's cwd, environment, stdin and HTTP dispatcher. */
export interface CliRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** stdin is what the CLI reads from standard input (a Buffer for exact bytes). */
  stdin?: string | Buffer;
  dispatcher?: Dispatcher;
  homedir?: string;
  now?: () => Date;
}

/**
 * runCli runs digestpin in-process with captured streams. The environment is
 * empty unless given (PATH is kept) and HOME points to an empty temp dir, so
 * tests never read the real ~/.docker.
 */
export async function runCli(argv: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const homedir = options.homedir ?? (await tempDir());
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: { PATH: process.env.PATH, HOME: homedir, ...options.env },
    cwd: options.cwd ?? process.cwd(),
    homedir,
    // A uid with no /run/containers/<uid>/auth.json: tests never read the machine's podman login.
    uid: 2_000_000_000,
    dispatcher: options.dispatcher,
    now: options.now,
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** tempDir makes a temp directory removed when the current test finishes. */
export async function tempDir(prefix = 'digestpin-test-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    onTestFinished(() => fs.rm(dir, { recursive: true, force: true }));
  } catch {
    // outside a test (e.g. beforeAll): the caller removes it
  }
  return dir;
}

/** writeTree writes `{relativePath: content}` under dir (creating folders) and returns dir. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return dir;
}

/** readTreeBytes reads every file under dir: `/`-separated relative path → bytes, sorted by path. */
export async function readTreeBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, file).split(path.sep).join('/'), await fs.readFile(file));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** readTreeText is readTreeBytes with every file decoded as UTF-8, as a plain object (for toEqual against literals). */
export async function readTreeText(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries([...(await readTreeBytes(dir))].map(([file, bytes]) => [file, bytes.toString('utf8')]));
}

/** dockerConfigFor writes a docker config.json with `auths` for a host and returns its directory. */
export async function dockerConfigFor(host: string, username: string, password: string): Promise<string> {
  const dir = await tempDir('digestpin-docker-');
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  return dir;
}
