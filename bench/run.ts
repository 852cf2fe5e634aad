// `npm run bench`: starts a real registry and latency-injecting proxies on 127.0.0.1,
// seeds U tags, generates the tree, and measures digestpin against a skopeo loop, the
// theoretical bound, a parse-only baseline and `node -e 0` — all in one run. Prints
// the table and (full runs) rewrites the generated block of docs/benchmarks.md.
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { startRegistry, type RunningRegistry } from '../test/harness/registry.js';
import { parseBenchArgs, type BenchConfig } from './args.js';
import { writeDoc } from './doc.js';
import { planTags, registryName, seedTags, writeTree, type BenchTag } from './generate.js';
import { GNU_TIME } from './measure.js';
import { compareCpu, digestpin, labEnv, measureSkopeo, measureStartup, pinTree, verifyLock, writeDockerConfig, type Lab } from './phases.js';
import { summariseProfile } from './profile.js';
import { startProxy, type RunningProxy } from './proxy.js';
import { buildRows, computeBound, renderProfileText, renderText, type BenchResults, type ProfileResult } from './report.js';
import { skopeoPath } from './skopeo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Other processes skew wall times (CPU times much less): the doc records the load.
const loadAtStart = os.loadavg()[0]!;

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** transpileBaseline compiles bench/baseline-parse.ts to plain JS next to node_modules (so `yaml` resolves). */
async function transpileBaseline(): Promise<string> {
  const dir = path.join(root, 'node_modules', '.cache', 'digestpin-bench');
  await mkdir(dir, { recursive: true });
  const source = await import('node:fs/promises').then((fs) => fs.readFile(path.join(root, 'bench', 'baseline-parse.ts'), 'utf8'));
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const file = path.join(dir, 'baseline-parse.mjs');
  await writeFile(file, outputText);
  return file;
}

function machine(): Record<string, string> {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: String(os.availableParallelism()),
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    load: `${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end (1-minute load average)`,
    timing: GNU_TIME ? `${GNU_TIME} (GNU time: wall, user+sys CPU, max RSS)` : 'process.resourceUsage() preload (GNU time not installed)',
  };
}

async function setupLab(config: BenchConfig, work: string, registry: RunningRegistry, proxies: RunningProxy[]): Promise<Lab> {
  const registryNames = proxies.map((_, i) => registryName(i));
  const user = Object.entries(registry.users)[0];
  const creds = config.auth === 'token' && user ? `${user[0]}:${user[1]}` : undefined;
  const dockerConfig = path.join(work, 'docker');
  await writeDockerConfig(dockerConfig, proxies, creds);
  await mkdir(path.join(work, 'home'), { recursive: true });
  const registryArgs = [
    ...proxies.flatMap((p, i) => ['--registry-mirror', `${registryNames[i]}=${p.host}`, '--insecure-registry', p.host]),
    '--docker-config', dockerConfig,
  ];
  return {
    root, cli: config.cli ? path.resolve(config.cli) : path.join(root, 'bin', 'digestpin.js'), config, proxies, registryNames, registryArgs,
    env: labEnv(path.join(work, 'home'), dockerConfig), baseline: await transpileBaseline(), ...(creds ? { creds } : {}),
  };
}

/** profile runs digestpin under `node --cpu-prof` and summarises the profile. */
async function profile(lab: Lab, dir: string, work: string, label: string, args: string[]): Promise<ProfileResult> {
  const profDir = path.join(work, `profile-${label.replace(/\W+/g, '-')}`);
  const result = await digestpin(lab, dir, args, ['--cpu-prof', '--cpu-prof-dir', profDir]);
  if (result.code !== 0) throw new Error(`bench: profiled digestpin ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('bench: node --cpu-prof wrote no profile');
  return { ...(await summariseProfile(path.join(profDir, file), 15)), label };
}

/** profileBoth profiles `pin` on a fresh copy of the tree (network) and `pin --frozen` on the largest pinned tree. */
async function profileBoth(lab: Lab, work: string, tags: BenchTag[], frozenDir: string, frozenFiles: number): Promise<ProfileResult[]> {
  const fresh = path.join(work, 'profile-tree');
  await writeTree(fresh, lab.config.tree, tags);
  const pinArgs = ['pin', '.', '--concurrency', String(lab.config.concurrency), ...lab.registryArgs];
  return [
    await profile(lab, fresh, work, `pin, ${lab.config.tree.files} files`, pinArgs),
    await profile(lab, frozenDir, work, `pin --frozen, ${frozenFiles} files`, ['pin', '--frozen', '.', ...lab.registryArgs]),
  ];
}

async function measureAll(config: BenchConfig, work: string, lab: Lab, registry: RunningRegistry): Promise<Omit<BenchResults, 'totalMs'>> {
  const tags = planTags(config.tree);
  log(`seeding ${tags.length} tags into ${registry.url} (${config.auth})`);
  const seed = await seedTags(registry, tags, config.seedConcurrency);
  const treeDir = path.join(work, 'tree');
  const tree = await writeTree(treeDir, config.tree, tags);
  log(`tree: ${tree.files} files, ${tree.refs} refs; measuring startup`);
  const startup = await measureStartup(lab);
  log('digestpin pin');
  const pin = await pinTree(lab, treeDir);
  const verified = await verifyLock(treeDir, tags, seed.digests);
  log('pin --frozen vs read+parse baseline');
  const cpu = await compareCpu(lab, treeDir);
  log(`skopeo loop over ${config.skopeoSample} references`);
  const skopeo = await measureSkopeo(lab, tags);
  let large: BenchResults['large'];
  let profileDir = treeDir;
  let profileFiles = tree.files;
  if (config.largeFiles > 0) {
    const perFile = config.tree.refs / config.tree.files;
    const spec = { ...config.tree, files: config.largeFiles, refs: Math.max(tags.length, Math.round(config.largeFiles * perFile)) };
    const largeDir = path.join(work, 'large');
    const largeTree = await writeTree(largeDir, spec, tags);
    log(`large tree: ${largeTree.files} files, ${largeTree.refs} refs; pin, then --frozen`);
    const largePin = await pinTree(lab, largeDir);
    await verifyLock(largeDir, tags, seed.digests);
    // One run each on the large tree keeps `npm run bench` under 10 minutes on 2 cores.
    large = { tree: largeTree, pin: largePin, cpu: await compareCpu(lab, largeDir, 1) };
    profileDir = largeDir;
    profileFiles = largeTree.files;
  }
  log('profiles');
  const profiles = config.profile ? await profileBoth(lab, work, tags, profileDir, profileFiles) : [];
  const partial = { config, machine: machine(), tags, tree, seed, startup, pin, verified, cpu, skopeo };
  return { ...partial, bound: computeBound(partial), profiles, ...(large ? { large } : {}) };
}

/** startProxies starts one proxy per source registry, all in front of the one real registry. */
async function startProxies(config: BenchConfig, registry: RunningRegistry, into: RunningProxy[]): Promise<void> {
  for (let i = 0; i < config.tree.registries; i++) {
    into.push(await startProxy({
      upstream: registry.url, delayMs: config.delayMs, connectRttMs: config.connectRttMs,
      ...(registry.caPem ? { caPem: registry.caPem } : {}), ...(registry.tokenServer ? { tokenRealm: registry.tokenServer.realm } : {}),
    }));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = parseBenchArgs(process.argv.slice(2));
  skopeoPath();
  if (loadAtStart > os.availableParallelism()) log(`warning: load average ${loadAtStart.toFixed(1)} > ${os.availableParallelism()} CPUs: wall times will be inflated`);
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('bench: dist/ is missing: run "npm run build" first (npm run bench does)');
  const work = await mkdtemp(path.join(os.tmpdir(), 'digestpin-bench-'));
  // Ctrl-C: remove the work dir; the harness's exit hook kills the registry and removes its dir.
  const interrupted = () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const registry = await startRegistry({ mode: config.auth }).catch(async (error: unknown) => {
    await rm(work, { recursive: true, force: true });
    throw error;
  });
  const proxies: RunningProxy[] = [];
  try {
    await startProxies(config, registry, proxies);
    const lab = await setupLab(config, work, registry, proxies);
    const results: BenchResults = { ...(await measureAll(config, work, lab, registry)), totalMs: performance.now() - started };
    console.log(`\n${renderText(buildRows(results))}\n`);
    console.log(`bound = ${results.bound.formula}`);
    console.log('skopeo ×U and ×R are EXTRAPOLATED linearly from the measured sample, not measured.');
    for (const p of results.profiles) console.log(`\n${renderProfileText(p)}`);
    if (config.doc) {
      await writeDoc(path.resolve(root, config.doc), results);
      log(`wrote ${config.doc}`);
    }
    log(`done in ${(results.totalMs / 1000).toFixed(0)} s`);
  } finally {
    for (const p of proxies) await p.stop();
    await registry.stop();
    if (config.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
    await rm(path.join(root, 'node_modules', '.cache', 'digestpin-bench'), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
