import path from 'node:path';
import { finderOptionsFor, loadConfig } from '../../config.js';
import { PinError } from '../../errors.js';
import { readLock } from '../../lock/io.js';
import { emptyLock } from '../../lock/schema.js';
import { LockResolver } from '../../lock/resolver.js';
import type { PinRun } from '../../pipeline/pin.js';
import { pinTree, type PinTreeReport } from '../../pipeline/pin-tree.js';
import { parsePlatformList, RequirePlatformsResolver } from '../../registry/require-platforms.js';
import { SYMLINK_OUTSIDE } from '../../pipeline/collect.js';
import { ExitCode, writeLine, writeLines, type CliIO } from '../io.js';
import { finishStdin, scanStdin, stdinMode } from '../stdin.js';
import { reportFormat, TEXT_OR_JSON, type RegistryCliOptions } from '../options.js';
import { displayReference, emptyRunNote, location, progressLine, printFailures, shortDigest } from '../output.js';
import { pinJson } from './pin-json.js';

/** PinCliOptions are `digestpin pin`'s flags. */
export interface PinCliOptions extends RegistryCliOptions {
  dockerfileCopyFrom?: boolean;
  /** maxFileSize is `--max-file-size` as typed (e.g. `32MiB`). */
  maxFileSize?: string;
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
    const report = await pinTree({
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
      keepGoing: opts.keepGoing,
      mode: 'pin',
      lock: previous,
      lockFile: stdin ? undefined : lockFile,
      lockDir: lockFile ? path.dirname(lockFile) : io.cwd,
      write: !stdin && !opts.check && !opts.diff,
      now: (io.now?.() ?? new Date()).toISOString(),
      // Finders choose by file name: stdin is scanned under --stdin-filename (default stdin.yaml).
      scanned: stdin ? [await scanStdin(io, opts.stdinFilename, finderOptionsFor(config, opts))] : undefined,
    });
    return printRun(report, { opts, io, stdinMode: stdin, lockFile, verb: 'pinned', preview: 'would pin' });
  } finally {
    await context?.close();
  }
}

/** PrintContext is what printRun needs to report a run. */
export interface PrintContext {
  opts: Pick<PinCliOptions, 'check' | 'diff' | 'json' | 'keepGoing'>;
  io: CliIO;
  stdinMode: boolean;
  lockFile?: string;
  /** verb and preview word the text output (`pinned` / `would pin`). */
  verb: string;
  preview: string;
}

/** printRun prints what pinTree decided and did, and returns the exit code. */
export async function printRun(report: PinTreeReport, ctx: PrintContext): Promise<number> {
  const { opts, io } = ctx;
  // Unreadable files reach here only with --keep-going (otherwise pinTree throws them together).
  const unreadable = report.scanned.filter((f) => f.error !== undefined);
  const failed = report.failures.length > 0 || unreadable.length > 0;
  if (failed) printFailures(io.stderr, report.failures, report.scanned);
  for (const f of unreadable) writeLine(io.stderr, `digestpin: ${f.error} [YAML_SYNTAX]`);
  if (ctx.stdinMode) return finishStdin(report, io, { ...opts, preview: ctx.preview, report: (r) => pinJson(r, { written: false, lockChanged: false }) });
  for (const notice of report.notices) writeLine(io.stderr, `digestpin: ${notice}`);
  if (failed && !opts.keepGoing) {
    writeLine(io.stderr, `digestpin: ${report.failures.length} reference(s) failed to resolve; nothing was written (use --keep-going to write the files that resolved)`);
    if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(report, { written: false, lockChanged: false }), null, 2));
    return ExitCode.error;
  }
  if (!report.written) {
    if (opts.diff) {
      const { unifiedDiff } = await import('../unified-diff.js');
      for (const change of report.changes) io.stdout.write(unifiedDiff(change));
    } else if (!opts.json) reportChanges(report, io, ctx.preview);
    if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(report, { written: false, lockChanged: report.lockChanged }), null, 2));
    if (failed) return ExitCode.error;
    // A symlink out of the tree was not checked: --check must not pass over it.
    const unchecked = report.scanned.some((f) => f.ignored === SYMLINK_OUTSIDE);
    return report.changes.length > 0 || report.lockChanged || unchecked ? ExitCode.changes : ExitCode.ok;
  }
  if (opts.json) writeLine(io.stdout, JSON.stringify(pinJson(report, { written: true, lockChanged: report.lockChanged }), null, 2));
  else reportChanges(report, io, ctx.verb, report.lockChanged ? ctx.lockFile : undefined);
  return failed ? ExitCode.error : ExitCode.ok;
}

function* changeLines(run: PinRun, verb: string): Generator<string> {
  for (const change of run.changes) {
    for (const { occurrence, digest, tag } of change.rewritten) {
      const moved = tag === undefined ? '' : ` (tag ${occurrence.ref?.tag} -> ${tag})`;
      yield `${verb} ${location(occurrence)} ${displayReference(occurrence)} -> sha256:${shortDigest(digest)}${moved}`;
    }
  }
}

function reportChanges(run: PinRun, io: CliIO, verb: string, lockFile?: string): void {
  writeLines(io.stdout, changeLines(run, verb));
  for (const file of run.blockedFiles) writeLine(io.stderr, `skipped ${file}: a reference in it failed to resolve`);
  for (const note of run.notes) writeLine(io.stderr, `note: ${note}`);
  for (const f of run.scanned.filter((s) => s.ignored)) writeLine(io.stderr, `ignored ${f.display}: ${f.ignored}`);
  const empty = emptyRunNote(run.scanned);
  if (empty) writeLine(io.stderr, `digestpin: ${empty}`);
  const refs = run.changes.reduce((n, c) => n + c.rewritten.length, 0);
  writeLine(io.stderr, `${refs} reference(s) in ${run.changes.length} file(s) ${verb}; ${run.considered} unique tag(s) checked${lockFile ? `; lock written to ${path.relative(io.cwd, lockFile) || lockFile}` : ''}`);
}
