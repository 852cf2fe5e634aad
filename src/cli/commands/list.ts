import { finderOptionsFor, loadConfig } from '../../config.js';
import type { ScannedFile } from '../../pipeline/scan.js';
import { reportFormat, TEXT_OR_JSON } from '../options.js';
import { scanInputs } from '../stdin.js';
import { ExitCode, writeLine, writeLines, type CliIO } from '../io.js';
import { location, occurrencesJson } from '../output.js';

/** ListCliOptions are `digestpin list`'s flags. */
export interface ListCliOptions {
  dockerfileCopyFrom?: boolean;
  /** maxFileSize is `--max-file-size` as typed (e.g. `32MiB`). */
  maxFileSize?: string;
  json?: boolean;
  format?: string;
  config?: string;
  include: string[];
  exclude: string[];
  /** stdinFilename is the name stdin ("-") is scanned under. */
  stdinFilename?: string;
}

/** runList implements `digestpin list`: every occurrence with its status, no network. */
export async function runList(paths: string[], opts: ListCliOptions, io: CliIO): Promise<number> {
  const json = reportFormat(opts, TEXT_OR_JSON) === 'json';
  const config = await loadConfig(io.cwd, opts.config);
  const scanned = await scanInputs(paths, io, {
    cwd: io.cwd,
    include: [...config.include, ...opts.include],
    exclude: [...config.exclude, ...opts.exclude],
    finderOptions: finderOptionsFor(config, opts),
    stdinFilename: opts.stdinFilename,
  });
  const occurrences = scanned.flatMap((f) => f.occurrences);
  // A file no parser reads is reported once and never hides the others; the run then exits 2.
  const unreadable = reportUnreadable(scanned, io);
  const exit = unreadable > 0 ? ExitCode.error : ExitCode.ok;
  if (json) {
    writeLine(io.stdout, JSON.stringify(scanned.flatMap((f) => occurrencesJson(f)), null, 2));
    return exit;
  }
  writeLines(io.stdout, occurrences.map((o) => `${location(o)}\t${o.status === 'skipped' ? `skipped (${o.skipReason ?? 'unknown'})` : o.status}\t${o.span.raw}`));
  for (const f of scanned.filter((s) => s.ignored)) writeLine(io.stderr, `ignored ${f.display}: ${f.ignored}`);
  const count = (s: string): number => occurrences.filter((o) => o.status === s).length;
  const notRead = unreadable > 0 ? `; ${unreadable} file(s) could not be read` : '';
  writeLine(io.stderr, `${occurrences.length} reference(s): ${count('unpinned')} unpinned, ${count('pinned')} pinned, ${count('skipped')} skipped${notRead}`);
  return exit;
}

/** reportUnreadable prints `digestpin: file:line:col: reason [YAML_SYNTAX]` once per unreadable file and counts them. */
export function reportUnreadable(scanned: readonly ScannedFile[], io: CliIO): number {
  const unreadable = scanned.filter((f) => f.error !== undefined);
  for (const f of unreadable) writeLine(io.stderr, `digestpin: ${f.error} [YAML_SYNTAX]`);
  return unreadable.length;
}
