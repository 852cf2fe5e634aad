// Command-line flags of `npm run bench` (`tsx bench/run.ts [flags]`).
import { parseArgs } from 'node:util';
import type { TreeSpec } from './generate.js';

/** Workload is a named tree shape: files × refs per file over `unique` tags. */
export interface Workload {
  files: number;
  refs: number;
  unique: number;
}

/** BenchConfig is everything one benchmark run is parameterised by. */
export interface BenchConfig {
  /** w1 (issue 13): 200 files × 5 refs, 200 unique tags — digestpin against the skopeo loop. */
  w1: Workload;
  /** w2: 1000 files × 10 refs, 200 unique tags — against HEAD loop + parse-only, and `pin --frozen`. */
  w2: Workload;
  /** large: 10,000 files × 5 refs — peak RSS (and the last point of the file scaling). */
  large: Workload;
  /** scaleFiles are the file counts of the file scaling series (5 refs per file, w1's tags). */
  scaleFiles: number[];
  /** scaleTags are the unique tag counts of the tag scaling series (on w1's 200 files × 5 refs). */
  scaleTags: number[];
  /** shape holds the tree parameters shared by every workload. */
  shape: Omit<TreeSpec, 'files' | 'refs' | 'unique'>;
  repeats: number;
  /** delayMs is the proxy delay each way (RTT = 2 × delayMs). */
  delayMs: number;
  /** connectRttMs is the delay of each new TCP connection (default one RTT). */
  connectRttMs: number;
  auth: 'token' | 'anonymous';
  /** concurrency is passed to `digestpin --concurrency` and used by the HEAD loop. */
  concurrency: number;
  skopeoSample: number;
  /** startupRuns is how many `--version` / `node -e 0` pairs each repeat alternates. */
  startupRuns: number;
  seedConcurrency: number;
  profile: boolean;
  /** doc is where the markdown report goes (undefined: not written). */
  doc?: string;
  keep: boolean;
  quick: boolean;
  /** cli is the digestpin entry point measured (default bin/digestpin.js). */
  cli?: string;
  /** before is another build's entry point, measured in the same repeats for before/after ratios. */
  before?: string;
  command: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--repeats N] [--delay-ms MS] [--connect-rtt-ms MS]
  [--auth token|anonymous] [--concurrency N] [--skopeo-sample N] [--startup-runs N] [--large-files N]
  [--repositories N] [--registries N] [--index-share F] [--seed N] [--profile] [--doc FILE | --no-doc]
  [--keep] [--cli PATH/TO/digestpin.js] [--before PATH/TO/other/digestpin.js]`;

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
      quick: { type: 'boolean' }, repeats: { type: 'string' }, 'delay-ms': { type: 'string' }, 'connect-rtt-ms': { type: 'string' },
      auth: { type: 'string' }, concurrency: { type: 'string' }, 'skopeo-sample': { type: 'string' }, 'startup-runs': { type: 'string' },
      'large-files': { type: 'string' }, repositories: { type: 'string' }, registries: { type: 'string' }, 'index-share': { type: 'string' },
      seed: { type: 'string' }, profile: { type: 'boolean' }, doc: { type: 'string' }, 'no-doc': { type: 'boolean' }, keep: { type: 'boolean' },
      cli: { type: 'string' }, before: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/**
 * parseBenchArgs reads the flags. The full run measures the issue-13 table three times;
 * `--quick` is a one-repeat smoke run (2,000-file RSS tree, short scaling series, no doc).
 */
export function parseBenchArgs(argv: string[]): BenchConfig {
  const v = readFlags(argv);
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = v.quick === true;
  if (v.auth !== undefined && v.auth !== 'token' && v.auth !== 'anonymous') throw new Error(`bench: --auth must be token or anonymous\n${USAGE}`);
  const delayMs = num(v['delay-ms'], 10, 'delay-ms');
  const largeFiles = num(v['large-files'], quick ? 2000 : 10_000, 'large-files', 1);
  return {
    w1: { files: 200, refs: 1000, unique: 200 },
    w2: { files: 1000, refs: 10_000, unique: 200 },
    large: { files: largeFiles, refs: largeFiles * 5, unique: 200 },
    scaleFiles: quick ? [100, 1000, largeFiles] : [100, 1000, largeFiles],
    scaleTags: quick ? [50, 200] : [50, 200, 1000],
    shape: {
      repositories: num(v.repositories, 25, 'repositories', 1),
      registries: num(v.registries, 2, 'registries', 1),
      indexShare: num(v['index-share'], 0.1, 'index-share'),
      seed: num(v.seed, 42, 'seed'),
    },
    repeats: num(v.repeats, quick ? 1 : 3, 'repeats', 1),
    delayMs,
    connectRttMs: num(v['connect-rtt-ms'], 2 * delayMs, 'connect-rtt-ms'),
    auth: (v.auth as 'token' | 'anonymous' | undefined) ?? 'token',
    concurrency: num(v.concurrency, 16, 'concurrency', 1),
    skopeoSample: num(v['skopeo-sample'], quick ? 5 : 20, 'skopeo-sample', 1),
    startupRuns: num(v['startup-runs'], quick ? 5 : 10, 'startup-runs', 1),
    seedConcurrency: 16,
    profile: v.profile === true,
    doc: v['no-doc'] ? undefined : v.doc ?? (quick ? undefined : 'docs/benchmarks.md'),
    keep: v.keep === true,
    quick,
    ...(v.cli ? { cli: v.cli } : {}),
    ...(v.before ? { before: v.before } : {}),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}
