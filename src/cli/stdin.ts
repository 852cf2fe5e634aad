import { PinError } from '../errors.js';
import type { FinderOptions } from '../finders/types.js';
import type { PinRun } from '../pipeline/pin.js';
import type { CollectOptions } from '../pipeline/collect.js';
import { decodeText, scanPaths, scanText, type ScannedFile } from '../pipeline/scan.js';
import { ExitCode, writeLine, type CliIO } from './io.js';
import { displayReference, location, shortDigest } from './output.js';

/** STDIN is the path argument that means "read standard input". */
export const STDIN = '-';

/**
 * stdinMode reports whether the paths ask for stdin ("-" alone); "-" mixed with other
 * paths is a usage error.
 */
export function stdinMode(paths: string[]): boolean {
  const only = paths.length === 1 && paths[0] === STDIN;
  if (!only && paths.includes(STDIN)) throw new PinError('USAGE', '"-" (stdin) cannot be combined with other paths');
  return only;
}

/** readStdinBytes reads the whole of standard input. */
export async function readStdinBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * scanStdin reads stdin as a file named `filename` (the finders choose by name) with the
 * same fatal UTF-8 decoder and binary check as files; bytes that are not UTF-8 text are
 * an INPUT_NOT_TEXT error, never silently replaced.
 */
export async function scanStdin(io: CliIO, filename: string, options: FinderOptions): Promise<ScannedFile> {
  const decoded = decodeText(await readStdinBytes(io.stdin));
  if ('ignored' in decoded) throw new PinError('INPUT_NOT_TEXT', `stdin: cannot read as text: ${decoded.ignored}; nothing was written`);
  return scanText(STDIN, filename, decoded.text, options);
}

/** StdinFinish are the output flags `pin -` / `update -` honour. */
export interface StdinFinish {
  check?: boolean;
  diff?: boolean;
  json?: boolean;
  /** preview words --check's report (`would pin`). */
  preview: string;
  /** report builds the --json report (the command's own shape). */
  report: (run: PinRun) => Record<string, unknown>;
}

/**
 * finishStdin prints a stdin run: the rewritten text (default), a diff (--diff), the report
 * with the text as `output` (--json), or what would change (--check, exit 1 if anything would).
 * The lock is never written for stdin.
 */
export async function finishStdin(run: PinRun, io: CliIO, opts: StdinFinish): Promise<number> {
  if (run.failures.length > 0) return ExitCode.error;
  const change = run.changes[0];
  const output = change?.after ?? run.scanned[0]!.text;
  if (opts.json) {
    writeLine(io.stdout, JSON.stringify({ ...opts.report(run), output }, null, 2));
  } else if (opts.diff) {
    if (change) io.stdout.write((await import('./unified-diff.js')).unifiedDiff(change));
  } else if (opts.check) {
    for (const { occurrence, digest } of change?.rewritten ?? []) {
      writeLine(io.stderr, `${opts.preview} ${location(occurrence)} ${displayReference(occurrence)} -> sha256:${shortDigest(digest)}`);
    }
  } else {
    io.stdout.write(output);
  }
  return opts.check && change ? ExitCode.changes : ExitCode.ok;
}

/** scanInputs scans `paths`, or stdin (as `stdinFilename`) when the only path is "-". */
export async function scanInputs(paths: string[], io: CliIO, options: CollectOptions & { finderOptions: FinderOptions; stdinFilename?: string }): Promise<ScannedFile[]> {
  if (stdinMode(paths)) return [await scanStdin(io, options.stdinFilename ?? DEFAULT_STDIN_FILENAME, options.finderOptions)];
  return scanPaths(paths, options);
}

/** DEFAULT_STDIN_FILENAME is the name stdin is scanned under unless --stdin-filename says otherwise. */
export const DEFAULT_STDIN_FILENAME = 'stdin.yaml';
