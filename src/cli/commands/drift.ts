import path from 'node:path';
import { loadConfig } from '../../config.js';
import { checkDrift, notCheckedCount } from '../../drift/check.js';
import { DRIFT_FORMATS, renderDrift, type DriftFormat } from '../../drift/format.js';
import type { DriftReport } from '../../drift/types.js';
import { applyDrift } from '../../drift/update-lock.js';
import { PinError } from '../../errors.js';
import { readLock, updateLock } from '../../lock/io.js';
import type { LockFile } from '../../lock/schema.js';
import { globFilter } from '../../pipeline/glob-filter.js';
import { parsePlatformList } from '../../registry/require-platforms.js';
import { createRegistryContext } from '../context.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { reportFormat, type RegistryCliOptions } from '../options.js';

/** DriftCliOptions are `digestpin drift`'s flags. */
export interface DriftCliOptions extends RegistryCliOptions {
  lock: string;
  format: string;
  json?: boolean;
  failOn: string;
  updateLock?: boolean;
  explain: boolean;
  /** include and exclude are file globs matched against each entry's files[]. */
  include: string[];
  exclude: string[];
  /** image and excludeImage are globs on the entry's registry/repo:tag. */
  image: string[];
  excludeImage: string[];
  requirePlatforms?: string;
  allowErrors?: boolean;
  allowEmpty?: boolean;
}

const FAIL_CLASSES = ['moved', 'vanished', 'error'] as const;

/** runDrift implements `digestpin drift`: re-resolve every locked tag and report what moved. */
export async function runDrift(opts: DriftCliOptions, io: CliIO): Promise<number> {
  const format = parseFormat(reportFormat(opts, DRIFT_FORMATS));
  const failOn = parseFailOn(opts.failOn);
  const config = await loadConfig(io.cwd, opts.config);
  const lockFile = path.resolve(io.cwd, opts.lock);
  const lock = await readLock(lockFile, { required: true });
  const requirePlatforms = opts.requirePlatforms ? parsePlatformList(opts.requirePlatforms) : undefined;
  const context = await createRegistryContext(opts, config, io);
  let report: DriftReport;
  try {
    report = await checkDrift(entriesUsedIn(lock, opts.include, opts.exclude), context.client, {
      include: opts.image,
      exclude: opts.excludeImage,
      concurrency: opts.concurrency,
      explain: opts.explain,
      verify: opts.verifyDigests,
      requirePlatforms,
      // A digest goes into the lock, or passes a platform check, only once its bytes were fetched and hashed.
      verifyMoved: Boolean(opts.updateLock || requirePlatforms),
    });
  } finally {
    await context.close();
  }
  const fileBase = path.relative(io.cwd, path.dirname(lockFile)).split(path.sep).join('/') || '.';
  io.stdout.write(renderDrift(report, format, { lockFile: path.relative(io.cwd, lockFile) || lockFile, fileBase }));
  if (opts.updateLock && report.moved.length > 0) {
    await updateLock(lockFile, (fresh) => applyDrift(fresh, report, (io.now?.() ?? new Date()).toISOString()));
    writeLine(io.stderr, `digestpin: recorded ${report.moved.length} moved tag(s) in ${opts.lock}`);
  }
  return driftExitCode(report, failOn, opts, io);
}

/**
 * driftExitCode: a check that could not be made is never success (exit 2 unless --allow-errors),
 * nor is a lock with nothing to check (exit 2 unless --allow-empty); otherwise --fail-on decides.
 */
function driftExitCode(report: DriftReport, failOn: Array<(typeof FAIL_CLASSES)[number]>, opts: DriftCliOptions, io: CliIO): number {
  const notChecked = notCheckedCount(report);
  if (report.checked === 0) {
    writeLine(io.stderr, `digestpin: warning: nothing to check: ${opts.lock} has no ${opts.include.length || opts.exclude.length ? 'entry matching --include/--exclude' : 'entries'}${opts.allowEmpty ? '' : ' (pass --allow-empty if that is expected)'}`);
    if (!opts.allowEmpty) return ExitCode.error;
  }
  if (notChecked > 0) {
    writeLine(io.stderr, `digestpin: ${notChecked} of ${report.checked} locked tag(s) could not be checked${opts.allowErrors ? ' (--allow-errors)' : ''}`);
    if (!opts.allowErrors) return ExitCode.error;
  }
  const counts = { moved: report.moved.length, vanished: report.vanished.length, error: report.errors.length };
  return failOn.some((c) => counts[c] > 0) ? ExitCode.changes : ExitCode.ok;
}

function parseFormat(value: string): DriftFormat {
  if ((DRIFT_FORMATS as readonly string[]).includes(value)) return value as DriftFormat;
  throw new PinError('USAGE', `--format "${value}" is not one of ${DRIFT_FORMATS.join(', ')}`);
}

function parseFailOn(value: string): Array<(typeof FAIL_CLASSES)[number]> {
  if (value.trim() === '' || value === 'none') return [];
  const parts = value.split(',').map((s) => s.trim());
  for (const p of parts) {
    if (!(FAIL_CLASSES as readonly string[]).includes(p)) {
      throw new PinError('USAGE', `--fail-on "${p}" is not one of ${FAIL_CLASSES.join(', ')} (or "none")`);
    }
  }
  return parts as Array<(typeof FAIL_CLASSES)[number]>;
}

/** entriesUsedIn keeps the lock entries used in at least one file the include/exclude file globs keep. */
function entriesUsedIn(lock: LockFile, include: string[], exclude: string[]): LockFile {
  if (include.length === 0 && exclude.length === 0) return lock;
  const keep = globFilter(include, exclude, { dot: true });
  return { ...lock, images: Object.fromEntries(Object.entries(lock.images).filter(([, entry]) => entry.files.some(keep))) };
}
