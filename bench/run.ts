// `npm run bench`: starts a real registry and latency-injecting proxies on 127.0.0.1,
// seeds the tags, generates the workload trees, and measures every row of the issue-13
// table side by side in each repeat (see bench/suite.ts). Prints the tables and (full
// runs) rewrites the generated block of docs/benchmarks.md.
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { startRegistry, type RunningRegistry } from '../test/harness/registry.js';
import { parseBenchArgs, type BenchConfig } from './args.js';
import { renderBlock, setupText, writeDoc } from './doc.js';
import { planTags, registryName, seedTags } from './generate.js';
import { GNU_TIME } from './measure.js';
import { labAccess, labEnv, type Lab } from './phases.js';
import { startProxy, type RunningProxy } from './proxy.js';
import { buildTables, renderText, type BenchResults } from './report.js';
import { skopeoPath } from './skopeo.js';
import { makeTrees, runSuite } from './suite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Other processes skew wall times (CPU times much less): the doc records the load.
const loadAtStart = os.loadavg()[0]!;
const cacheDir = path.join(root, 'node_modules', '.cache', 'digestpin-bench');

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** transpile compiles a bench helper to plain JS next to node_modules (so `yaml`/`undici` resolve, no loader cost). */
async function transpile(name: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const source = await readFile(path.join(root, 'bench', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const file = path.join(cacheDir, `${name}.mjs`);
  await writeFile(file, outputText);
  return file;
}

function machine(): Record<string, string> {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: String(os.availableParallelism()),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    load: `${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end (1-minute load average)`,
    timing: GNU_TIME ? `${GNU_TIME} (GNU time: wall, user+sys CPU, max RSS)` : 'process.resourceUsage() preload (GNU time not installed)',
  };
}

async function setupLab(config: BenchConfig, work: string, registry: RunningRegistry, proxies: RunningProxy[]): Promise<Lab> {
  const { dockerConfig, registryArgs, creds } = await labAccess(config, work, registry.users, proxies);
  return {
    root, work, config, proxies, registryNames: proxies.map((_, i) => registryName(i)), registryArgs, digests: new Map(),
    cli: config.cli ? path.resolve(config.cli) : path.join(root, 'bin', 'digestpin.js'),
    ...(config.before ? { before: path.resolve(config.before) } : {}),
    env: labEnv(path.join(work, 'home'), dockerConfig),
    baseline: await transpile('baseline-parse'), headLoop: await transpile('head-loop'),
    ...(creds ? { creds } : {}),
  };
}

/** startProxies starts one proxy per source registry, all in front of the one real registry. */
async function startProxies(config: BenchConfig, registry: RunningRegistry, into: RunningProxy[]): Promise<void> {
  for (let i = 0; i < config.shape.registries; i++) {
    into.push(await startProxy({
      upstream: registry.url, delayMs: config.delayMs, connectRttMs: config.connectRttMs,
      ...(registry.caPem ? { caPem: registry.caPem } : {}), ...(registry.tokenServer ? { tokenRealm: registry.tokenServer.realm } : {}),
    }));
  }
}

async function measure(config: BenchConfig, lab: Lab, registry: RunningRegistry, started: number): Promise<BenchResults> {
  const most = Math.max(config.w1.unique, config.w2.unique, config.large.unique, ...config.scaleTags);
  const tags = planTags({ ...config.shape, files: 1, refs: most, unique: most });
  log(`seeding ${tags.length} tags into ${registry.url} (${config.auth})`);
  const seed = await seedTags(registry, tags, config.seedConcurrency);
  for (const [ref, digest] of seed.digests) lab.digests.set(ref, digest);
  log('writing the workload trees');
  const trees = await makeTrees(lab);
  const suite = await runSuite(lab, trees);
  return { config, machine: machine(), trees, seed: { ms: seed.ms, images: seed.images }, suite, totalMs: performance.now() - started };
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
    const results = await measure(config, lab, registry, started);
    console.log(`\n${setupText(results)}\n`);
    for (const table of buildTables(results)) console.log(`${renderText(table)}\n`);
    if (config.doc) {
      await writeDoc(path.resolve(root, config.doc), results);
      log(`wrote ${config.doc}`);
    } else if (config.keep) {
      await writeFile(path.join(work, 'benchmarks.md'), renderBlock(results));
    }
    log(`done in ${(results.totalMs / 1000).toFixed(0)} s`);
  } finally {
    for (const p of proxies) await p.stop();
    await registry.stop();
    if (config.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
