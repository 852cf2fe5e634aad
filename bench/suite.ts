// The measurement plan of `npm run bench`: generate the workload trees once, then run every
// row of the issue-13 table in each repeat, side by side (digestpin next to its baselines in
// the same repeat, so ratios compare neighbours on a noisy machine), and keep every value.
import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Workload } from './args.js';
import { planTags, writeTree, type BenchTag, type TreeStats } from './generate.js';
import {
  bareNode, digestpin, freshCopy, frozenFresh, headLoop, measureSkopeo, measureStartup, parseOnly, pinFresh, verifyLock, type Counted, type Lab,
} from './phases.js';
import { summariseProfile } from './profile.js';
import type { ProxyCounts } from './proxy.js';

/** Tree is a generated, unpinned master tree and the tags it uses. */
export interface Tree {
  dir: string;
  stats: TreeStats;
  tags: BenchTag[];
}

/** Trees are every master tree of a run, by role. */
export interface Trees {
  w1: Tree;
  w2: Tree;
  large: Tree;
  scaleFiles: Map<number, Tree>;
  scaleTags: Map<number, Tree>;
}

/** Samples holds every measured value by metric id (one value per repeat). */
export type Samples = Map<string, number[]>;

/** SuiteResult is what the repeats measured, plus request counts of the first repeat. */
export interface SuiteResult {
  samples: Samples;
  requests: { w2: ProxyCounts; head: ProxyCounts; skopeo: ProxyCounts; skopeoSample: number; frozen: ProxyCounts };
  verified: number;
  profiles: Array<Awaited<ReturnType<typeof summariseProfile>> & { label: string }>;
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** makeTrees writes every master tree once (deterministic: the same seed gives the same bytes). */
export async function makeTrees(lab: Lab): Promise<Trees> {
  const c = lab.config;
  const make = async (name: string, w: Workload): Promise<Tree> => {
    const spec = { ...c.shape, ...w };
    const tags = planTags(spec);
    const dir = path.join(lab.work, 'trees', name);
    return { dir, tags, stats: await writeTree(dir, spec, tags) };
  };
  const w1 = await make('w1', c.w1);
  const large = await make('large', c.large);
  const scaleFiles = new Map<number, Tree>();
  for (const f of c.scaleFiles) scaleFiles.set(f, f === c.large.files ? large : await make(`files-${f}`, { files: f, refs: f * 5, unique: c.w1.unique }));
  const scaleTags = new Map<number, Tree>();
  for (const u of c.scaleTags) scaleTags.set(u, u === c.w1.unique ? w1 : await make(`tags-${u}`, { ...c.w1, unique: u }));
  return { w1, w2: await make('w2', c.w2), large, scaleFiles, scaleTags };
}

class Recorder {
  readonly samples: Samples = new Map();

  add(id: string, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const list = this.samples.get(id) ?? [];
    list.push(value);
    this.samples.set(id, list);
  }

  /** run records wall, CPU and RSS of a measured run under `id.*`. */
  run(id: string, m: { wallMs: number; cpuMs?: number; maxRssKb?: number }): void {
    this.add(`${id}.wall`, m.wallMs);
    this.add(`${id}.cpu`, m.cpuMs);
    this.add(`${id}.rss`, m.maxRssKb === undefined ? undefined : m.maxRssKb / 1024);
  }
}

/** pinBoth pins a fresh copy with the measured build (and the `before` build); returns the measured build's run. */
async function pinBoth(lab: Lab, rec: Recorder, id: string, tree: Tree): Promise<Counted & { dir: string }> {
  const now = await pinFresh(lab, lab.cli, tree.dir, id);
  rec.run(`${id}.pin`, now);
  if (lab.before) {
    const before = await pinFresh(lab, lab.before, tree.dir, `${id}-before`);
    rec.run(`${id}.before`, before);
    await rm(before.dir, { recursive: true, force: true });
  }
  return now;
}

/** repeatOnce measures every row once. */
async function repeatOnce(lab: Lab, trees: Trees, rec: Recorder, first: boolean, out: Partial<SuiteResult>): Promise<void> {
  const startup = await measureStartup(lab);
  rec.add('startup.digestpin', startup.digestpinMs);
  rec.add('startup.node', startup.nodeMs);
  rec.add('startup.before', startup.beforeMs);
  const node = await bareNode(lab);
  rec.run('node', node);

  log('  W1: pin, skopeo loop');
  const w1 = await pinBoth(lab, rec, 'w1', trees.w1);
  if (first) out.verified = await verifyLock(w1.dir, trees.w1.tags, lab.digests);
  const skopeo = await measureSkopeo(lab, trees.w1.tags);
  rec.add('w1.skopeo.perRef', skopeo.perRefMs);
  if (first) out.requests = { ...out.requests!, skopeo: skopeo.counts, skopeoSample: skopeo.sample };

  log('  W2: pin, HEAD loop, parse-only, pin --frozen');
  const w2 = await pinBoth(lab, rec, 'w2', trees.w2);
  const head = await headLoop(lab, trees.w2.tags);
  rec.run('w2.head', head);
  rec.run('w2.parse', await parseOnly(lab, trees.w2.dir));
  const lock = path.join(w2.dir, 'digestpin.lock.json');
  const frozen = await frozenFresh(lab, lab.cli, trees.w2.dir, lock, 'frozen');
  rec.run('frozen.pin', frozen);
  if (lab.before) rec.run('frozen.before', await frozenFresh(lab, lab.before, trees.w2.dir, lock, 'frozen-before'));
  if (first) out.requests = { ...out.requests!, w2: w2.counts, head: head.counts, frozen: frozen.counts };

  log(`  large: pin of ${trees.large.stats.files} files`);
  await pinBoth(lab, rec, 'large', trees.large);
  for (const [f, tree] of trees.scaleFiles) if (tree !== trees.large) await pinBoth(lab, rec, `files-${f}`, tree);
  for (const [u, tree] of trees.scaleTags) if (tree !== trees.w1) await pinBoth(lab, rec, `tags-${u}`, tree);
  await rm(path.join(lab.work, 'runs'), { recursive: true, force: true });
}

/** profile runs the measured build under `node --cpu-prof` and summarises the profile. */
async function profile(lab: Lab, dir: string, label: string, args: string[]): Promise<SuiteResult['profiles'][number]> {
  const profDir = path.join(lab.work, `profile-${label.replace(/\W+/g, '-')}`);
  const result = await digestpin(lab, lab.cli, dir, args, ['--cpu-prof', '--cpu-prof-dir', profDir]);
  if (result.code !== 0) throw new Error(`bench: profiled digestpin ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  // One profile per thread (CPU.<date>.<pid>.<thread>.<seq>.cpuprofile): thread 0 is the main thread.
  const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
  const file = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
  if (!file) throw new Error('bench: node --cpu-prof wrote no profile');
  return { ...(await summariseProfile(path.join(profDir, file), 15)), label };
}

/** runSuite runs `repeats` repeats of every row, then (when asked) the CPU profiles. */
export async function runSuite(lab: Lab, trees: Trees): Promise<SuiteResult> {
  const rec = new Recorder();
  const out: Partial<SuiteResult> = { requests: {} as SuiteResult['requests'] };
  for (let r = 0; r < lab.config.repeats; r++) {
    log(`repeat ${r + 1}/${lab.config.repeats}`);
    await repeatOnce(lab, trees, rec, r === 0, out);
  }
  const profiles: SuiteResult['profiles'] = [];
  if (lab.config.profile) {
    log('profiles: pin of W1, pin and pin --frozen of W2');
    const w1Args = ['pin', '.', '--concurrency', String(lab.config.concurrency), ...lab.registryArgs];
    profiles.push(await profile(lab, await freshCopy(trees.w1.dir, path.join(lab.work, 'runs', 'profile-w1')), 'pin, W1', w1Args));
    const pinned = await pinFresh(lab, lab.cli, trees.w2.dir, 'profile-lock');
    const pinArgs = ['pin', '.', '--concurrency', String(lab.config.concurrency), ...lab.registryArgs];
    profiles.push(await profile(lab, await freshCopy(trees.w2.dir, path.join(lab.work, 'runs', 'profile-pin')), 'pin, W2', pinArgs));
    const frozenDir = await freshCopy(trees.w2.dir, path.join(lab.work, 'runs', 'profile-frozen'));
    await cp(path.join(pinned.dir, 'digestpin.lock.json'), path.join(frozenDir, 'digestpin.lock.json'));
    profiles.push(await profile(lab, frozenDir, 'pin --frozen, W2', ['pin', '--frozen', '.', ...lab.registryArgs]));
    await rm(path.join(lab.work, 'runs'), { recursive: true, force: true });
  }
  return { samples: rec.samples, requests: out.requests!, verified: out.verified ?? 0, profiles };
}
