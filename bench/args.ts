// Command-line flags of `npm run bench` (`tsx bench/run.ts [flags]`).
import { parseArgs } from 'node:util';
import type { TreeSpec } from './generate.js';

/** BenchConfig is everything one benchmark run is parameterised by. */
export interface BenchConfig {
  tree: TreeSpec;
  /** largeFiles is the file count of the memory/CPU variant (0 skips it); it keeps refs per file and the tags. */
  largeFiles: number;
  /** delayMs is the proxy delay each way (RTT = 2 × delayMs). */
  delayMs: number;
  /** connectRttMs is the delay of each new TCP connection (default one RTT). */
  connectRttMs: number;
  auth: 'token' | 'anonymous';
  /** concurrency is passed to `digestpin --concurrency`. */
  concurrency: number;
  /** perRegistry is digestpin's (fixed) per-registry limit, used for the bound. */
  perRegistry: number;
  skopeoSample: number;
  startupRuns: number;
  /** cpuRuns is how many times each CPU measurement is repeated (median reported). */
  cpuRuns: number;
  seedConcurrency: number;
  profile: boolean;
  /** doc is where the markdown report goes (undefined: not written). */
  doc?: string;
  keep: boolean;
  quick: boolean;
  /** cli is the digestpin entry point measured (default bin/digestpin.js; another build for before/after). */
  cli?: string;
  command: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--files N] [--refs N] [--unique N] [--repositories N]
  [--registries N] [--index-share F] [--large-files N] [--delay-ms MS] [--connect-rtt-ms MS]
  [--auth token|anonymous] [--concurrency N] [--skopeo-sample N] [--startup-runs N] [--cpu-runs N]
  [--seed N] [--no-profile] [--doc FILE | --no-doc] [--keep] [--cli PATH/TO/digestpin.js]`;

function num(value: string | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`bench: --${name} must be a number >= ${min}\n${USAGE}`);
  return n;
}

function readFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' }, files: { type: 'string' }, refs: { type: 'string' }, unique: { type: 'string' },
      repositories: { type: 'string' }, registries: { type: 'string' }, 'index-share': { type: 'string' },
      'large-files': { type: 'string' }, 'delay-ms': { type: 'string' }, 'connect-rtt-ms': { type: 'string' },
      auth: { type: 'string' }, concurrency: { type: 'string' }, 'skopeo-sample': { type: 'string' },
      'startup-runs': { type: 'string' }, 'cpu-runs': { type: 'string' }, seed: { type: 'string' },
      'no-profile': { type: 'boolean' }, doc: { type: 'string' }, 'no-doc': { type: 'boolean' }, keep: { type: 'boolean' }, cli: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/** parseBenchArgs reads the flags; `--quick` is a small preset (200 files, 1,000 refs, 50 tags, no large variant, no doc). */
export function parseBenchArgs(argv: string[]): BenchConfig {
  const v = readFlags(argv);
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = v.quick === true;
  const files = num(v.files, quick ? 200 : 2000, 'files', 1);
  const refs = num(v.refs, quick ? 1000 : 10_000, 'refs', 1);
  const unique = num(v.unique, quick ? 50 : 500, 'unique', 1);
  if (v.auth !== undefined && v.auth !== 'token' && v.auth !== 'anonymous') throw new Error(`bench: --auth must be token or anonymous\n${USAGE}`);
  const delayMs = num(v['delay-ms'], 20, 'delay-ms');
  return {
    tree: {
      files, refs, unique,
      repositories: num(v.repositories, quick ? 10 : 25, 'repositories', 1),
      registries: num(v.registries, 2, 'registries', 1),
      indexShare: num(v['index-share'], 0.1, 'index-share'),
      seed: num(v.seed, 42, 'seed'),
    },
    largeFiles: num(v['large-files'], quick ? 0 : 10_000, 'large-files'),
    delayMs,
    connectRttMs: num(v['connect-rtt-ms'], 2 * delayMs, 'connect-rtt-ms'),
    auth: (v.auth as 'token' | 'anonymous' | undefined) ?? 'token',
    concurrency: num(v.concurrency, 16, 'concurrency', 1),
    perRegistry: 8,
    skopeoSample: num(v['skopeo-sample'], quick ? 10 : 50, 'skopeo-sample', 1),
    startupRuns: num(v['startup-runs'], quick ? 5 : 10, 'startup-runs', 1),
    cpuRuns: num(v['cpu-runs'], quick ? 1 : 5, 'cpu-runs', 1),
    seedConcurrency: 16,
    profile: v['no-profile'] !== true,
    doc: v['no-doc'] ? undefined : v.doc ?? (quick ? undefined : 'docs/benchmarks.md'),
    keep: v.keep === true,
    quick,
    ...(v.cli ? { cli: v.cli } : {}),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}
