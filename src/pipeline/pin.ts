import path from 'node:path';
import type { FinderOptions, Occurrence } from '../finders/types.js';
import { groupRecords, mergeLock, type LockRecord } from '../lock/merge.js';
import type { LockFile } from '../lock/schema.js';
import type { ImageReference } from '../reference/types.js';
import type { Resolver } from '../resolver/types.js';
import type { PlannedBump, VersionPlanner } from '../update/version-plan.js';
import { toPosix } from './collect.js';
import { planChanges, type FileChange } from './plan.js';
import { lockKey, resolveAll, type ResolveFailure } from './resolve.js';
import { prefetching, prefetchWanted } from './prefetch.js';
import { scanPaths, unreadableError, type ScannedFile } from './scan.js';

/** PinRunOptions configure one pin or update run (no writing happens here). */
export interface PinRunOptions {
  paths: string[];
  cwd: string;
  include?: string[];
  exclude?: string[];
  finderOptions?: FinderOptions;
  /** resolver answers tags (a registry client, or the lock for --frozen). */
  resolver: Resolver;
  concurrency?: number;
  digestOnly?: boolean;
  /** pullPolicy makes imagePullPolicy explicit on digest-pinned pod containers (`pin --set-pull-policy`). */
  pullPolicy?: string;
  /** mode `pin` pins unpinned references; `update` re-resolves tagged, pinned ones. */
  mode: 'pin' | 'update';
  /** select limits which references are considered (e.g. --include-image globs). */
  select?: (occurrence: Occurrence) => boolean;
  /** lock is the previous lock; lockDir is where it lives (files in it are relative to that). */
  lock: LockFile;
  lockDir: string;
  now: string;
  /** scanned lets a caller supply already-scanned files (stdin mode). */
  scanned?: ScannedFile[];
  /** onProgress is told after each distinct tag is resolved (for a TTY progress line). */
  onProgress?: (done: number, total: number) => void;
  /**
   * keepGoing: a file no parser reads stays in `scanned` with its `error` (the caller reports
   * it and exits 2) instead of stopping the run before anything is written.
   */
  keepGoing?: boolean;
  /** beforeResolve sees the scanned tree before any network call (e.g. to route tree pull secrets). */
  beforeResolve?: (scanned: ScannedFile[]) => void;
  /** versions plans tag moves (`update --versions`): a moved occurrence is pinned to its new tag's digest. */
  versions?: VersionPlanner;
}

/** PinRun is everything a pin/update run decided: changes, failures and the next lock. */
export interface PinRun {
  scanned: ScannedFile[];
  changes: FileChange[];
  failures: ResolveFailure[];
  blockedFiles: string[];
  /** notes explain edits that were not made. */
  notes: string[];
  lock: LockFile;
  /** rebaseLock merges this run's observations into another lock (a fresh read under the run lock). */
  rebaseLock(fresh: LockFile): LockFile;
  /** taglessLatest holds the `NAME@sha256:…` references the lock tracks as `NAME:latest` (pinned from a tagless `NAME`). */
  taglessLatest: Set<Occurrence>;
  /** considered counts the references looked at (unpinned for pin; tagged pinned for update). */
  considered: number;
  /** bumps are the tag moves `update --versions` made, by occurrence. */
  bumps: Map<Occurrence, PlannedBump>;
}

/** planPinRun finds, resolves (deduplicated) and plans rewrites and the lock, writing nothing. */
export async function planPinRun(options: PinRunOptions): Promise<PinRun> {
  // Resolution starts while the tree is scanned, unless something must see the whole scan first.
  const early = !options.scanned && !options.beforeResolve && !options.versions;
  const prefetcher = early ? prefetching(options.resolver, options.concurrency) : undefined;
  const resolver = prefetcher ?? options.resolver;
  const earlyWanted = (o: Occurrence): boolean => isCandidate(o, options.mode, new Set()) && (options.select?.(o) ?? true);
  const onOccurrences = prefetcher && ((found: Occurrence[]) => prefetchWanted(prefetcher, found, earlyWanted));
  const scanned = options.scanned ?? (await scanPaths(options.paths, { ...options, onOccurrences }));
  const unreadable = options.keepGoing ? undefined : unreadableError(scanned);
  if (unreadable) throw unreadable;
  const tagless = lockedTagless(scanned, options.lock, options.lockDir);
  const selected = (o: Occurrence): boolean => o.ref !== undefined && (options.select?.(o) ?? true);
  options.beforeResolve?.(scanned);
  const versions = options.versions ? await options.versions(scanned.flatMap((f) => f.occurrences.filter(selected))) : { bumps: new Map<Occurrence, PlannedBump>(), failures: [] };
  const { bumps } = versions;
  const wanted = (o: Occurrence): boolean => (bumps.has(o) || isCandidate(o, options.mode, tagless)) && selected(o);
  const refOf = (o: Occurrence): ImageReference => bumps.get(o)?.ref ?? o.ref!;
  const targets = scanned.flatMap((f) => f.occurrences.filter(wanted));
  const listFailed = new Set(versions.failures.map((f) => f.key));
  const outcome = await resolveAll(targets.filter((o) => !listFailed.has(lockKey(o.ref!))).map(refOf), resolver, options.concurrency, options.onProgress);
  const { resolved } = outcome;
  const failures = [...versions.failures, ...outcome.failures].sort((a, b) => (a.key < b.key ? -1 : 1));
  const failed = new Set(failures.map((f) => f.key));
  const plan = planChanges(
    scanned,
    (o) => {
      if (!wanted(o)) return undefined;
      if (failed.has(lockKey(o.ref!))) return 'blocked';
      const key = lockKey(refOf(o));
      return failed.has(key) ? 'blocked' : resolved.get(key)?.digest;
    },
    { digestOnly: options.digestOnly, pullPolicy: options.pullPolicy, tagFor: (o) => bumps.get(o)?.to },
  );
  // Grouped by tag now: rebaseLock keeps them until the write (one record per tag, not per occurrence).
  const records = [...groupRecords(lockRecords(scanned, plan.changes, resolved, options.lockDir, { refOf, tagless })).values()];
  // A file that was not read (too large, unreadable) keeps its lock entries: nothing is known about it.
  const scannedFiles = new Set(scanned.filter((f) => !f.ignored && !f.error).map((f) => relativeTo(options.lockDir, f.file)));
  const rebaseLock = (fresh: LockFile): LockFile => mergeLock(fresh, records, scannedFiles, options.now);
  const lock = rebaseLock(options.lock);
  return {
    scanned, changes: plan.changes, failures, blockedFiles: plan.blockedFiles, notes: plan.notes, lock, rebaseLock,
    taglessLatest: tagless, considered: new Set(targets.map((o) => lockKey(o.ref!))).size, bumps,
  };
}

function isCandidate(o: Occurrence, mode: 'pin' | 'update', tagless: Set<Occurrence>): boolean {
  if (!o.ref) return false;
  if (mode === 'pin') return o.status === 'unpinned';
  return o.status === 'pinned' && (o.ref.tag !== undefined || tagless.has(o));
}

/**
 * lockedTagless finds the digest-only references that a tagless `NAME` was pinned to: the
 * lock holds `NAME:latest` with that digest for that file. A tagless reference means the
 * `latest` tag everywhere (issue 12 item 9), so these keep their lock entry and `update`
 * follows them; a digest-only reference the lock does not know stays digest-only.
 */
function lockedTagless(scanned: ScannedFile[], lock: LockFile, lockDir: string): Set<Occurrence> {
  const out = new Set<Occurrence>();
  for (const file of scanned) {
    let relative: string | undefined;
    for (const o of file.occurrences) {
      if (o.status !== 'pinned' || !o.ref?.digest || o.ref.tag !== undefined) continue;
      const entry = lock.images[lockKey(o.ref)];
      if (entry?.digest === o.ref.digest && entry.files.includes((relative ??= relativeTo(lockDir, file.file)))) out.add(o);
    }
  }
  return out;
}

/** lockRecords lists every tagged reference after the run, with the digest it now carries. */
function lockRecords(
  scanned: ScannedFile[],
  changes: FileChange[],
  resolved: Map<string, { digest: string; mediaType: string; platforms?: LockRecord['platforms'] }>,
  lockDir: string,
  how: { refOf: (o: Occurrence) => ImageReference; tagless: Set<Occurrence> },
): LockRecord[] {
  const written = new Map<Occurrence, string>();
  for (const change of changes) for (const r of change.rewritten) written.set(r.occurrence, r.digest);
  const records: LockRecord[] = [];
  for (const file of scanned) {
    // One path string per file, shared by its records (not one per occurrence).
    const rel = relativeTo(lockDir, file.file);
    const relative = rel === file.display ? file.display : rel;
    for (const o of file.occurrences) {
      if (!o.ref || o.status === 'skipped') continue;
      if (o.ref.digest && !o.ref.tag && !written.has(o) && !how.tagless.has(o)) continue;
      const digest = written.get(o) ?? o.ref.digest;
      if (!digest) continue;
      const key = lockKey(written.has(o) ? how.refOf(o) : o.ref);
      const info = resolved.get(key);
      const fromRegistry = info && info.digest === digest ? info : undefined;
      records.push({ key, digest, mediaType: fromRegistry?.mediaType, platforms: fromRegistry?.platforms, files: [relative] });
    }
  }
  return records;
}

function relativeTo(dir: string, file: string): string {
  return toPosix(path.relative(dir, file)) || path.basename(file);
}
