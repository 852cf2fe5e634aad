import path from 'node:path';
import pLimit from 'p-limit';
import { finderOptionsFor, loadConfig } from '../../config.js';
import { PinError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { readLock, writeLock, serializeLock } from '../../lock/io.js';
import { emptyLock, type LockFile } from '../../lock/schema.js';
import { LockResolver } from '../../lock/resolver.js';
import { planPinRun, type PinRun } from '../../pipeline/pin.js';
import { parsePlatformList, RequirePlatformsResolver } from '../../registry/require-platforms.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { finishStdin, scanStdin, stdinMode } from '../stdin.js';
import { reportFormat, TEXT_OR_JSON, type RegistryCliOptions } from '../options.js';
import { displayReference, emptyRunNote, location, progressLine, printFailures, shortDigest, unifiedDiff } from '../output.js';
import { pinJson } from './pin-json.js';

/** PinCliOptions are `digestpin pin`'s flags. */
export interface PinCliOptions extends RegistryCliOptions {
  dockerfileCopyFrom?: boolean;
  check?: boolean;
  diff?: boolean;
  frozen?: boolean;
  json?: boolean;
  format?: string;
  lock: string | false;
  digestOnly?: boolean;
  keepGoing?: boolean;
  pullSecretsFromTree?: boolean;
  include: string[];
  exclude: string[];
  setPullPolicy?: string;
  requirePlatforms?: string;
  stdinFilename: string;
}

/** runPin implements `digestpin pin`: find, resolve everything, then write atomically. */
export async function runPin(paths: string[], opts: PinCliOptions, io: CliIO): Promise<number> {
  if (opts.check && opts.diff) throw new PinError('USAGE', '--check and --diff cannot be combined');
  opts.json = reportFormat(opts, TEXT_OR_JSON) === 'json';
  if (opts.frozen && opts.lock === false) throw new PinError('USAGE', '--frozen needs a lock file (remove --no-lock)');
  const stdin = stdinMode(paths);
  const config = await loadConfig(io.cwd, opts.config);
  const lockFile = opts.lock === false ? undefined : path.resolve(io.cwd, opts.lock);
  const previous = lockFile ? await readLock(lockFile, { required: opts.frozen }) : emptyLock();
  const platforms = opts.requirePlatforms ? parsePlatformList(opts.requirePlatforms) : undefined;
  // --frozen never touches the network: do not even load the registry client (undici).
  const context = opts.frozen ? undefined : await (await import('../context.js')).createRegistryContext(opts, config, io);
  const resolver = context ? context.client : new LockResolver(previous, lockFile!);
  try {
    const run = await planPinRun({
      paths,
      cwd: io.cwd,
      include: [...config.include, ...opts.include],
      exclude: [...config.exclude, ...opts.exclude],
      finderOptions: finderOptionsFor(config, opts),
      resolver: platforms ? new RequirePlatformsResolver(resolver, platforms) : resolver,
      pullPolicy: opts.setPullPolicy,
      onProgress: opts.json ? undefined : progressLine(io.stderr, 'resolving'),
      beforeResolve: opts.pullSecretsFromTree ? (scanned) => context?.usePullSecretsFromTree(scanned) : undefined,
      concurrency: opts.concurrency,
      digestOnly: opts.digestOnly,
      mode: 'pin',
      lock: previous,
      lockDir: lockFile ? path.dirname(lockFile) : io.cwd,
      now: (io.now?.() ?? new Date()).toISOString(),
      // Finders choose by file name: stdin is scanned under --stdin-filename (default stdin.yaml).
      scanned: stdin ? [await scanStdin(io, opts.stdinFilename, finderOptionsFor(config, opts))] : undefined,
    });
    return await finishRun(run, { opts, io, stdinMode: stdin, lockFile, previous, verb: 'pinned', preview: 'would pin' });
  } finally {
    await context?.close();
  }
}

/** FinishContext is what finishRun needs to report and write a planned run. */
export interface FinishContext {
  opts: Pick<PinCliOptions, 'check' | 'diff' | 'json' | 'keepGoing'>;
  io: CliIO;
  stdinMode: boolean;
  lockFile?: string;
  previous: LockFile;
  /** verb and preview word the text output (`pinned` / `would pin`). */
  verb: string;
  preview: string;
}

/**
 * finishRun reports a planned run and, unless checking or diffing, writes it:
 * every file atomically, then the lock. With failures and no --keep-going
 * nothing is written.
 */
export async function finishRun(run: PinRun, ctx: FinishContext): Promise<number> {
  const { opts, io } = ctx;
  const failed = run.failures.length > 0;
  if (failed) printFailures(io.stderr, run.failures, run.scanned);
  const lockChanged = ctx.lockFile !== undefined && !ctx.stdinMode && serializeLock(run.lock) !== serializeLock(ctx.previous);
  if (ctx.stdinMode) return finishStdin(run, io, { ...opts, preview: ctx.preview, report: (r) => pinJson(r, { written: false, lockChanged: false }) });
  if (failed && !opts.keepGoing) {
    writeLine(io.stderr, `digestpin: ${run.failures.length} reference(s) failed to resolve; nothing was written (use --keep-going to write the files that resolved)`);
    if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(run, { written: false, lockChanged: false }), null, 2));
    return ExitCode.error;
  }
  if (opts.check || opts.diff) {
    if (opts.diff) for (const change of run.changes) io.stdout.write(unifiedDiff(change));
    else if (!opts.json) reportChanges(run, io, ctx.preview);
    if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(run, { written: false, lockChanged }), null, 2));
    if (failed) return ExitCode.error;
    return run.changes.length > 0 || lockChanged ? ExitCode.changes : ExitCode.ok;
  }
  await writeChanges(run.changes);
  const lockWritten = ctx.lockFile ? await writeLock(ctx.lockFile, run.lock) : false;
  if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(run, { written: true, lockChanged: lockWritten }), null, 2));
  else reportChanges(run, io, ctx.verb, lockWritten ? ctx.lockFile : undefined);
  return failed ? ExitCode.error : ExitCode.ok;
}

/** writeChanges writes every changed file atomically, 16 at a time; the lock is written after all of them. */
export async function writeChanges(changes: PinRun['changes']): Promise<void> {
  const limit = pLimit(16);
  await Promise.all(changes.map((change) => limit(() => writeFileAtomic(change.file, change.after))));
}

function reportChanges(run: PinRun, io: CliIO, verb: string, lockFile?: string): void {
  for (const change of run.changes) {
    for (const { occurrence, digest } of change.rewritten) {
      writeLine(io.stdout, `${verb} ${location(occurrence)} ${displayReference(occurrence)} -> sha256:${shortDigest(digest)}`);
    }
  }
  for (const file of run.blockedFiles) writeLine(io.stderr, `skipped ${file}: a reference in it failed to resolve`);
  for (const note of run.notes) writeLine(io.stderr, `note: ${note}`);
  for (const f of run.scanned.filter((s) => s.ignored)) writeLine(io.stderr, `ignored ${f.display}: ${f.ignored}`);
  const empty = emptyRunNote(run.scanned);
  if (empty) writeLine(io.stderr, `digestpin: ${empty}`);
  const refs = run.changes.reduce((n, c) => n + c.rewritten.length, 0);
  writeLine(io.stderr, `${refs} reference(s) in ${run.changes.length} file(s) ${verb}; ${run.considered} unique tag(s) checked${lockFile ? `; lock written to ${path.relative(io.cwd, lockFile) || lockFile}` : ''}`);
}
