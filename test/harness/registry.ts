import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { stringify } from 'yaml';
import { createDispatcher } from './http.js';
import { createTlsMaterial, type TlsMaterial } from './tls.js';
import { type RunningTokenServer, startTokenServer, type TokenServerOptions } from './token-server.js';
import type { RegistryInfo, RegistryMode } from './types.js';

/** StartRegistryOptions choose the auth mode, the working directory and the users. */
export interface StartRegistryOptions {
  mode: RegistryMode;
  /** Working directory (config, storage, certificates); a temp dir removed by stop() when absent. */
  dir?: string;
  /** username -> password for htpasswd and token modes (default alice and bob). */
  users?: Record<string, string>;
  /** Extra token server settings (token mode). */
  token?: Omit<TokenServerOptions, 'dir' | 'tls' | 'users'>;
}

/** RunningRegistry is a live registry process (and, in token mode, its token server). */
export interface RunningRegistry extends RegistryInfo {
  tokenServer?: RunningTokenServer;
  /** pid of the registry process. */
  pid: number;
  /** stop terminates the registry (SIGTERM, SIGKILL after 3 s), stops the token server and removes temp dirs. */
  stop(): Promise<void>;
}

/** DEFAULT_USERS are the accounts of authenticated modes unless the caller gives its own. */
export const DEFAULT_USERS: Readonly<Record<string, string>> = { alice: 'alice-password', bob: 'bob-password' };

const NOT_FOUND = 'docker-registry not found: install it with "apt-get install -y docker-registry" (Debian package of the CNCF distribution registry)';
const READY_TIMEOUT_MS = 10_000;
const run = promisify(execFile);

/** which returns the absolute path of an executable on PATH, or undefined. */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch { /* keep looking */ }
  }
  return undefined;
}

// Registry processes still alive; killed if this process exits without stopping them.
const live = new Map<ChildProcess, string | undefined>();
process.once('exit', () => {
  for (const [child, dir] of live) {
    child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

/** freePort asks the kernel for a free loopback port (it may be taken again before the registry binds: we retry). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** htpasswdFile renders bcrypt entries (`htpasswd -Bbn`; registry 2.8 accepts bcrypt only). */
async function htpasswdFile(users: Record<string, string>): Promise<string> {
  const lines = await Promise.all(Object.entries(users).map(async ([user, password]) => {
    const { stdout } = await run('htpasswd', ['-Bbn', user, password]);
    return stdout.trim();
  }));
  return `${lines.join('\n')}\n`;
}

/** configFor builds the registry config (distribution docs/configuration.md). */
function configFor(dir: string, port: number, instance: string, tls: TlsMaterial | undefined, auth: object | undefined): object {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true }, cache: { blobdescriptor: 'inmemory' } },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      // Sent on every answer: lets waitReady tell our process from whatever else holds the port.
      headers: { 'X-Digestpin-Instance': [instance] },
      ...(tls === undefined ? {} : { tls: { certificate: tls.certFile, key: tls.keyFile } }),
    },
    health: { storagedriver: { enabled: false } },
    ...(auth === undefined ? {} : { auth }),
  };
}

/** spawnRegistry starts `docker-registry serve` and collects its stderr (last 16 KiB) for error messages. */
function spawnRegistry(bin: string, configFile: string): { child: ChildProcess; stderr: () => string } {
  // setpriv --pdeathsig kills the registry even if this process dies without running 'exit' handlers.
  const setpriv = which('setpriv');
  const [cmd, args] = setpriv === undefined
    ? [bin, ['serve', configFile]]
    : [setpriv, ['--pdeathsig', 'SIGKILL', bin, 'serve', configFile]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  return { child, stderr: () => stderr };
}

/** waitReady polls GET /v2/ until this instance answers 200 or 401, the process exits, or the timeout passes. */
async function waitReady(url: string, instance: string, caPem: string | undefined, child: ChildProcess, stderr: () => string): Promise<void> {
  const dispatcher = createDispatcher({ caPem });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before ${url}/v2/ answered:\n${stderr()}`);
      }
      try {
        const res = await request(`${url}/v2/`, { dispatcher });
        await res.body.dump();
        const ours = res.headers['x-digestpin-instance'] === instance;
        if (ours && (res.statusCode === 200 || res.statusCode === 401)) return;
      } catch { /* not listening yet */ }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`docker-registry did not answer ${url}/v2/ within ${READY_TIMEOUT_MS} ms:\n${stderr()}`);
  } finally {
    await dispatcher.close();
  }
}

/** terminate sends SIGTERM, then SIGKILL after graceMs, and resolves once the process is gone. */
async function terminate(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** authSetup writes TLS material, htpasswd file or token server for mode; returns the config's auth section. */
async function authSetup(opts: StartRegistryOptions, dir: string, users: Record<string, string>) {
  if (opts.mode === 'anonymous') return { tls: undefined, auth: undefined, tokenServer: undefined };
  const tls = await createTlsMaterial(join(dir, 'tls'));
  if (opts.mode === 'htpasswd') {
    const path = join(dir, 'htpasswd');
    await writeFile(path, await htpasswdFile(users));
    return { tls, auth: { htpasswd: { realm: 'digestpin-test', path } }, tokenServer: undefined };
  }
  await mkdir(join(dir, 'token'), { recursive: true });
  const tokenServer = await startTokenServer({ ...opts.token, dir: join(dir, 'token'), tls, users });
  const auth = { token: { realm: tokenServer.realm, service: tokenServer.service, issuer: tokenServer.issuer,
    rootcertbundle: tokenServer.signer.certFile } };
  return { tls, auth, tokenServer };
}

/** startRegistry starts a `docker-registry` on 127.0.0.1 in the given auth mode and waits until /v2/ answers. */
export async function startRegistry(opts: StartRegistryOptions): Promise<RunningRegistry> {
  const bin = which('docker-registry');
  if (bin === undefined) throw new Error(NOT_FOUND);
  const ownDir = opts.dir === undefined ? await mkdtemp(join(tmpdir(), `digestpin-registry-${opts.mode}-`)) : undefined;
  const dir = opts.dir ?? ownDir!;
  const users = opts.mode === 'anonymous' ? {} : { ...(opts.users ?? DEFAULT_USERS) };
  const { tls, auth, tokenServer } = await authSetup(opts, dir, users);
  const scheme = tls === undefined ? 'http' : 'https';
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = join(dir, 'config.yml');
    const instance = randomBytes(8).toString('hex');
    await writeFile(configFile, stringify(configFor(dir, port, instance, tls, auth)));
    const { child, stderr } = spawnRegistry(bin, configFile);
    live.set(child, ownDir);
    try {
      await waitReady(`${scheme}://127.0.0.1:${port}`, instance, tls?.caPem, child, stderr);
    } catch (error) {
      await terminate(child, 0);
      live.delete(child);
      if (attempt < 5 && /address already in use/.test(stderr())) continue;
      await tokenServer?.stop();
      if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
      throw error;
    }
    const stop = async () => {
      await terminate(child);
      live.delete(child);
      await tokenServer?.stop();
      if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
    };
    return { mode: opts.mode, host: `127.0.0.1:${port}`, url: `${scheme}://127.0.0.1:${port}`, caPem: tls?.caPem,
      caFile: tls?.caFile, users, tokenServer, pid: child.pid!, stop };
  }
}

/** toRegistryInfo strips a RunningRegistry down to its JSON-serialisable description. */
export function toRegistryInfo(reg: RunningRegistry): RegistryInfo {
  const ts = reg.tokenServer;
  return {
    mode: reg.mode, host: reg.host, url: reg.url, users: reg.users,
    ...(reg.caPem === undefined ? {} : { caPem: reg.caPem, caFile: reg.caFile }),
    ...(ts === undefined ? {} : { tokenServer: { url: ts.url, realm: ts.realm, service: ts.service, issuer: ts.issuer,
      refreshTokens: ts.refreshTokens } }),
  };
}
