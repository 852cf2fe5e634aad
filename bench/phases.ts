// The measured phases of one benchmark run. Each spawns the built CLI (bin/digestpin.js)
// as a user would and reads request counts from the proxies in front of the registry.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchConfig } from './args.js';
import { tagRef, type BenchTag } from './generate.js';
import { median, repeat, run, type Measured } from './measure.js';
import { zeroCounts, type ProxyCounts, type RunningProxy } from './proxy.js';
import { sampleEvenly, skopeoLoop } from './skopeo.js';

/** Lab is the running setup the phases share. */
export interface Lab {
  root: string;
  cli: string;
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
  /** baseline is the transpiled bench/baseline-parse.js. */
  baseline: string;
}

/** Counted is a measured run plus the requests the proxies saw during it. */
export interface Counted extends Measured {
  counts: ProxyCounts;
  byRegistry: Record<string, ProxyCounts>;
  /** firstRequestMs is when (after spawning) the first request reached a proxy; lastAnswerMs when the last answer left. */
  firstRequestMs?: number;
  lastAnswerMs?: number;
}

/** CpuComparison is the median CPU of `pin --frozen` and of the parse baseline on one tree. */
export interface CpuComparison {
  frozen: Measured[];
  baseline: Measured[];
  frozenCpuMs: number;
  baselineCpuMs: number;
  frozenRequests: number;
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

function resetAll(lab: Lab): void {
  for (const p of lab.proxies) p.reset();
}

function collect(lab: Lab, startedAt: number): Omit<Counted, keyof Measured> {
  const counts = zeroCounts();
  const byRegistry: Record<string, ProxyCounts> = {};
  let first = Infinity;
  let last = -Infinity;
  lab.proxies.forEach((p, i) => {
    const c = p.counts();
    byRegistry[lab.registryNames[i]!] = c;
    for (const key of Object.keys(counts) as Array<keyof ProxyCounts>) counts[key] += c[key];
    const active = p.activity();
    if (active) {
      first = Math.min(first, active.first);
      last = Math.max(last, active.last);
    }
  });
  const window = Number.isFinite(first) ? { firstRequestMs: first - startedAt, lastAnswerMs: last - startedAt } : {};
  return { counts, byRegistry, ...window };
}

/** digestpin runs the CLI in dir and returns the measurement with the proxies' counts. */
export async function digestpin(lab: Lab, dir: string, args: string[], extra: string[] = []): Promise<Counted> {
  resetAll(lab);
  const startedAt = performance.now();
  const measured = await run(process.execPath, [...extra, lab.cli, ...args], { cwd: dir, env: lab.env, measure: true });
  return { ...measured, ...collect(lab, startedAt) };
}

/** pinTree runs `digestpin pin .` on dir and fails loudly unless it exits 0. */
export async function pinTree(lab: Lab, dir: string): Promise<Counted> {
  const result = await digestpin(lab, dir, ['pin', '.', '--concurrency', String(lab.config.concurrency), ...lab.registryArgs]);
  if (result.code !== 0) throw new Error(`bench: digestpin pin exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  return result;
}

/** verifyLock checks every tag's locked digest against the digest seeded; returns the number that match. */
export async function verifyLock(dir: string, tags: BenchTag[], digests: Map<string, string>): Promise<number> {
  const lock = JSON.parse(await readFile(path.join(dir, 'digestpin.lock.json'), 'utf8')) as { images: Record<string, { digest: string }> };
  const wrong = tags.filter((t) => lock.images[tagRef(t)]?.digest !== digests.get(tagRef(t)));
  if (wrong.length > 0) throw new Error(`bench: ${wrong.length} lock entries disagree with the registry, e.g. ${tagRef(wrong[0]!)}`);
  return tags.length;
}

/** compareCpu runs `pin --frozen` and the parse baseline `runs` times each, interleaved, on the pinned tree. */
export async function compareCpu(lab: Lab, dir: string, runs = lab.config.cpuRuns): Promise<CpuComparison> {
  const frozen: Counted[] = [];
  const baseline: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await digestpin(lab, dir, ['pin', '--frozen', '.', ...lab.registryArgs]);
    if (f.code !== 0) throw new Error(`bench: digestpin pin --frozen exited ${f.code}:\n${f.stderr.slice(-4000)}`);
    frozen.push(f);
    const b = await run(process.execPath, [lab.baseline, dir], { env: lab.env, measure: true });
    if (b.code !== 0) throw new Error(`bench: baseline-parse exited ${b.code}:\n${b.stderr.slice(-4000)}`);
    baseline.push(b);
  }
  return {
    frozen, baseline,
    frozenCpuMs: median(frozen.map((m) => m.cpuMs ?? Number.NaN)),
    baselineCpuMs: median(baseline.map((m) => m.cpuMs ?? Number.NaN)),
    frozenRequests: Math.max(...frozen.map((m) => m.counts.total)),
  };
}

/** SkopeoResult is the sampled skopeo loop and its per-reference cost. */
export interface SkopeoResult extends Counted {
  sample: number;
  perRefMs: number;
}

/** measureSkopeo runs the skopeo loop over an even sample of the unique tags, through the same proxies. */
export async function measureSkopeo(lab: Lab, tags: BenchTag[]): Promise<SkopeoResult> {
  const host = new Map(lab.registryNames.map((name, i) => [name, lab.proxies[i]!.host]));
  const refs = sampleEvenly(tags, lab.config.skopeoSample).map((t) => `${host.get(t.registry)}/${t.repository}:${t.tag}`);
  resetAll(lab);
  const startedAt = performance.now();
  const measured = await skopeoLoop(refs, { env: lab.env, ...(lab.creds ? { creds: lab.creds } : {}) });
  if (measured.code !== 0) throw new Error(`bench: skopeo loop exited ${measured.code}:\n${measured.stderr.slice(-4000)}`);
  return { ...measured, ...collect(lab, startedAt), sample: refs.length, perRefMs: measured.wallMs / refs.length };
}

/** Startup is the median wall time of `digestpin --version` and `node -e 0`. */
export interface Startup {
  digestpinMs: number;
  nodeMs: number;
  runs: number;
}

/** measureStartup alternates `digestpin --version` and `node -e 0` and takes the medians. */
export async function measureStartup(lab: Lab): Promise<Startup> {
  const digestpinRuns: number[] = [];
  const nodeRuns: number[] = [];
  await run(process.execPath, [lab.cli, '--version'], { env: lab.env }); // warm the page cache
  await repeat(lab.config.startupRuns, async () => {
    const d = await run(process.execPath, [lab.cli, '--version'], { env: lab.env });
    if (d.code !== 0) throw new Error(`bench: digestpin --version exited ${d.code}: ${d.stderr}`);
    digestpinRuns.push(d.wallMs);
    const n = await run(process.execPath, ['-e', '0'], { env: lab.env });
    nodeRuns.push(n.wallMs);
    return n;
  });
  return { digestpinMs: median(digestpinRuns), nodeMs: median(nodeRuns), runs: lab.config.startupRuns };
}
