import { finderOptionsFor, loadConfig } from '../../config.js';
import { PinError } from '../../errors.js';
import { formatFindings, hasErrors, lintOccurrences, LINT_FORMATS, type LintFormat } from '../../lint/index.js';
import { SYMLINK_OUTSIDE } from '../../pipeline/collect.js';
import { VERSION } from '../../version.js';
import { reportFormat } from '../options.js';
import { scanInputs } from '../stdin.js';
import { ExitCode, type CliIO } from '../io.js';
import { reportUnreadable } from './list.js';

/** LintCliOptions are `digestpin lint`'s flags. */
export interface LintCliOptions {
  dockerfileCopyFrom?: boolean;
  /** maxFileSize is `--max-file-size` as typed (e.g. `32MiB`). */
  maxFileSize?: string;
  format: string;
  json?: boolean;
  mutableTags: string[];
  config?: string;
  include: string[];
  exclude: string[];
  /** stdinFilename is the name stdin ("-") is scanned under. */
  stdinFilename?: string;
}

/** runLint implements `digestpin lint`: pull-policy and mutable-tag advice, no network; exit 1 on errors. */
export async function runLint(paths: string[], opts: LintCliOptions, io: CliIO): Promise<number> {
  const format = reportFormat(opts, LINT_FORMATS) as LintFormat;
  const mutableTags = opts.mutableTags.map(compilePattern);
  const config = await loadConfig(io.cwd, opts.config);
  const scanned = await scanInputs(paths, io, {
    cwd: io.cwd,
    include: [...config.include, ...opts.include],
    exclude: [...config.exclude, ...opts.exclude],
    finderOptions: finderOptionsFor(config, opts),
    stdinFilename: opts.stdinFilename,
  });
  const findings = lintOccurrences(scanned.flatMap((f) => f.occurrences), { mutableTags });
  io.stdout.write(formatFindings(findings, format, { toolVersion: VERSION }));
  // A symlink out of the tree may hold images kubectl applies: never pass over it silently.
  const outside = scanned.filter((f) => f.ignored === SYMLINK_OUTSIDE);
  for (const f of outside) io.stderr.write(`ignored ${f.display}: ${f.ignored}\n`);
  // An unreadable file was not checked: never a green lint (exit 2), but every other file is linted.
  if (reportUnreadable(scanned, io) > 0) return ExitCode.error;
  return hasErrors(findings) || outside.length > 0 ? ExitCode.changes : ExitCode.ok;
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new PinError('USAGE', `--mutable-tags "${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
}
