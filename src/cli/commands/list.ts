import { finderOptionsFor, loadConfig } from '../../config.js';
import { reportFormat, TEXT_OR_JSON } from '../options.js';
import { scanInputs } from '../stdin.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { location, occurrenceJson } from '../output.js';

/** ListCliOptions are `digestpin list`'s flags. */
export interface ListCliOptions {
  dockerfileCopyFrom?: boolean;
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
  if (json) {
    writeLine(io.stdout, JSON.stringify(scanned.flatMap((f) => f.occurrences.map((o) => occurrenceJson(o, f.text))), null, 2));
    return ExitCode.ok;
  }
  for (const o of occurrences) {
    const status = o.status === 'skipped' ? `skipped (${o.skipReason ?? 'unknown'})` : o.status;
    writeLine(io.stdout, `${location(o)}\t${status}\t${o.span.raw}`);
  }
  for (const f of scanned.filter((s) => s.ignored)) writeLine(io.stderr, `ignored ${f.display}: ${f.ignored}`);
  const count = (s: string): number => occurrences.filter((o) => o.status === s).length;
  writeLine(io.stderr, `${occurrences.length} reference(s): ${count('unpinned')} unpinned, ${count('pinned')} pinned, ${count('skipped')} skipped`);
  return ExitCode.ok;
}
