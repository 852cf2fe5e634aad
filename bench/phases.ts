// The measured phases of one benchmark repeat. Each spawns a process as a user would
// (the built CLI, skopeo, the HEAD loop, the parse baseline, bare node) and reads request
// counts from the proxies in front of the registry.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchConfig } from './args.js';
import { registryName, tagRef, type BenchTag } from './generate.js';
import { run, type Measured } from './measure.js';
import { zeroCounts, type ProxyCounts, type RunningProxy } from './proxy.js';
import { sampleEvenly, skopeoLoop } from './skopeo.js';
import { median } from './stats.js';

/** Lab is the running setup the phases share. */
export interface Lab {
  root: string;
  /** cli is the digestpin entry point measured; before is the optional other build. */
  cli: string;
  before?: string;
  config: BenchConfig;
  /** proxies[i] fronts source registry `registry-i.bench.internal`. */
  proxies: RunningProxy[];
  registryNames: string[];
  /** env is the children's environment: no proxy variables, HOME and DOCKER_CONFIG in the work dir. */
  env: NodeJS.ProcessEnv;
  /** registryArgs are digestpin's mirror, insecure and credential flags. */
  registryArgs: string[];
  /** creds is `user:password` in token mode. */
  creds?: string;
  /** baseline and headLoop are the transpiled bench/baseline-parse.ts and bench/head-loop.ts. */
  baseline: string;
  headLoop: string;
  work: string;
  /** digests maps `registry/repository:tag` (source names) to the digest seeded. */
  digests: Map<string, string>;
}

/** Counted is a measured run plus the requests the proxies saw during it. */
export interface Counted extends Measured {
  counts: ProxyCounts;
}

/** labEnv strips proxy variables (the children must talk to 127.0.0.1 directly) and isolates HOME. */
export function labEnv(home: string, dockerConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, DOCKER_CONFIG: dockerConfig, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'REGISTRY_AUTH_FILE', 'DIGESTPIN_DEBUG']) delete env[name];
  return env;
}

/** writeDockerConfig writes a docker config.json with credentials for every proxy host (token mode). */
export async function writeDockerConfig(dir: string, proxies: RunningProxy[], creds: string | undefined): Promise<void> {
  await mkdir(dir, { recursive: true });
  const auth = creds ? Buffer.from(creds).toString('base64') : undefined;
  const auths = Object.fromEntries(proxies.map((p) => [p.host, auth ? { auth } : {}]));
  await writeFile(path.join(dir, 'config.json'), `${JSON.stringify({ auths }, null, 2)}\n`);
}

/** LabAccess is how the children reach the registry: docker config with credentials, and digestpin's flags. */
export interface LabAccess {
  dockerConfig: string;
  registryArgs: string[];
  /** creds is `user:password` in token mode. */
  creds?: string;
}

/** labAccess writes the lab's docker config (and HOME) under work and builds digestpin's mirror and credential flags. */
export async function labAccess(config: BenchConfig, work: string, users: Record<string, string>, proxies: RunningProxy[]): Promise<LabAccess> {
  const user = Object.entries(users)[0];
  const creds = config.auth === 'token' && user ? `${user[0]}:${user[1]}` : undefined;
  const dockerConfig = path.join(work, 'docker');
  await writeDockerConfig(dockerConfig, proxies, creds);
  await mkdir(path.join(work, 'home'), { recursive: true });
  const registryArgs = [
    ...proxies.flatMap((p, i) => ['--registry-mirror', `${registryName(i)}=${p.host}`, '--insecure-registry', p.host]),
    '--docker-config', dockerConfig,
  ];
  return { dockerConfig, registryArgs, ...(creds ? { creds } : {}) };
}

function resetAll(lab: Lab): void {
  for (const p of lab.proxies) p.reset();
}

function totals(lab: Lab): ProxyCounts {
  const counts = zeroCounts();
  for (const p of lab.proxies) {
    const c = p.counts();
    for (const key of Object.keys(counts) as Array<keyof ProxyCounts>) counts[key] += c[key];
  }
  return counts;
}

function ok<T extends Measured>(what: string, m: T): T {
  if (m.code !== 0) throw new Error(`bench: ${what} exited ${m.code}:\n${m.stderr.slice(-4000)}`);
  return m;
}

/** digestpin runs a digestpin build in dir and returns the measurement with the proxies' counts. */
export async function digestpin(lab: Lab, cli: string, dir: string, args: string[], extra: string[] = []): Promise<Counted> {
  resetAll(lab);
  const measured = await run(process.execPath, [...extra, cli, ...args], { cwd: dir, env: lab.env, measure: true });
  return { ...measured, counts: totals(lab) };
}

/** freshCopy replaces `to` with a copy of the unpinned tree `from` (every pin run starts unpinned). */
export async function freshCopy(from: string, to: string): Promise<string> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  return to;
}

/** pinFresh copies the unpinned tree and runs `digestpin pin .` on the copy; fails loudly unless it exits 0. */
export async function pinFresh(lab: Lab, cli: string, master: string, label: string): Promise<Counted & { dir: string }> {
  const dir = await freshCopy(master, path.join(lab.work, 'runs', label));
  const m = await digestpin(lab, cli, dir, ['pin', '.', '--concurrency', String(lab.config.concurrency), ...lab.registryArgs]);
  return { ...ok(`digestpin pin (${label})`, m), dir };
}

/** frozenFresh copies the unpinned tree plus a lock and runs `digestpin pin --frozen .` (no network). */
export async function frozenFresh(lab: Lab, cli: string, master: string, lockFile: string, label: string): Promise<Counted> {
  const dir = await freshCopy(master, path.join(lab.work, 'runs', label));
  await cp(lockFile, path.join(dir, 'digestpin.lock.json'));
  return ok(`digestpin pin --frozen (${label})`, await digestpin(lab, cli, dir, ['pin', '--frozen', '.', ...lab.registryArgs]));
}

/** verifyLock checks every tag's locked digest against the digest seeded; returns the number that match. */
export async function verifyLock(dir: string, tags: BenchTag[], digests: Map<string, string>): Promise<number> {
  const lock = JSON.parse(await readFile(path.join(dir, 'digestpin.lock.json'), 'utf8')) as { images: Record<string, { digest: string }> };
  const wrong = tags.filter((t) => lock.images[tagRef(t)]?.digest !== digests.get(tagRef(t)));
  if (wrong.length > 0) throw new Error(`bench: ${wrong.length} lock entries disagree with the registry, e.g. ${tagRef(wrong[0]!)}`);
  return tags.length;
}

/** parseOnly runs the read + yaml-parse baseline over dir. */
export async function parseOnly(lab: Lab, dir: string): Promise<Measured> {
  return ok('baseline-parse', await run(process.execPath, [lab.baseline, dir], { env: lab.env, measure: true }));
}

/** proxyRef rewrites a tag's source registry to its proxy's host (what skopeo and the HEAD loop talk to). */
function proxyRefs(lab: Lab, tags: BenchTag[]): string[] {
  const host = new Map(lab.registryNames.map((name, i) => [name, lab.proxies[i]!.host]));
  return tags.map((t) => `${host.get(t.registry)}/${t.repository}:${t.tag}`);
}

/** headLoop HEADs every tag through the proxies, `concurrency` in flight on keep-alive connections. */
export async function headLoop(lab: Lab, tags: BenchTag[]): Promise<Counted> {
  const file = path.join(lab.work, 'head-loop-refs.json');
  await writeFile(file, JSON.stringify(proxyRefs(lab, tags)));
  resetAll(lab);
  const env = { ...lab.env, ...(lab.creds ? { BENCH_CREDS: lab.creds } : {}) };
  const m = await run(process.execPath, [lab.headLoop, file, String(lab.config.concurrency)], { env, measure: true });
  return { ...ok('head-loop', m), counts: totals(lab) };
}

/** SkopeoResult is the sampled skopeo loop and its per-reference cost. */
export interface SkopeoResult extends Counted {
  sample: number;
  perRefMs: number;
}

/** measureSkopeo runs the skopeo loop over an even sample of the unique tags, through the same proxies. */
export async function measureSkopeo(lab: Lab, tags: BenchTag[]): Promise<SkopeoResult> {
  const refs = proxyRefs(lab, sampleEvenly(tags, lab.config.skopeoSample));
  resetAll(lab);
  const measured = ok('skopeo loop', await skopeoLoop(refs, { env: lab.env, ...(lab.creds ? { creds: lab.creds } : {}) }));
  return { ...measured, counts: totals(lab), sample: refs.length, perRefMs: measured.wallMs / refs.length };
}

/** bareNode runs `node -e 0` (wall and peak RSS of an empty process). */
export async function bareNode(lab: Lab): Promise<Measured> {
  return ok('node -e 0', await run(process.execPath, ['-e', '0'], { env: lab.env, measure: true }));
}

/** Startup is the median wall time of `digestpin --version` and `node -e 0` within one repeat. */
export interface Startup {
  digestpinMs: number;
  nodeMs: number;
  beforeMs?: number;
}

/** measureStartup alternates `digestpin --version` (each build) and `node -e 0` and takes the medians. */
export async function measureStartup(lab: Lab): Promise<Startup> {
  const runs: Record<'now' | 'node' | 'before', number[]> = { now: [], node: [], before: [] };
  const version = async (cli: string) => ok('digestpin --version', await run(process.execPath, [cli, '--version'], { env: lab.env })).wallMs;
  await version(lab.cli); // warm the page cache
  for (let i = 0; i < lab.config.startupRuns; i++) {
    runs.now.push(await version(lab.cli));
    runs.node.push((await run(process.execPath, ['-e', '0'], { env: lab.env })).wallMs);
    if (lab.before) runs.before.push(await version(lab.before));
  }
  return { digestpinMs: median(runs.now), nodeMs: median(runs.node), ...(lab.before ? { beforeMs: median(runs.before) } : {}) };
}
