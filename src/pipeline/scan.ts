import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PinError } from '../errors.js';
import { findAll } from '../finders/registry.js';
import type { FinderOptions, FindResult, FoundSecret, FoundServiceAccount, Occurrence } from '../finders/types.js';
import { fingerprintOf, type Fingerprint } from '../fs/fingerprint.js';
import { collectTree, toPosix, type CollectOptions } from './collect.js';
import { isBuildDeclaration, skipBuildArtifacts } from './build-artifacts.js';
import { ScannedOnDisk, type DiskText } from './file-text.js';
import { isKustomizationFile, skipKustomizeOverridden } from './kustomize-overrides.js';
import { findInOrder, poolSize, type FindOutcome, type ScanSource } from './parse-pool.js';

/** ScannedFile is one file's text and what the finders extracted from it. */
export interface ScannedFile {
  /** file is the absolute path. */
  file: string;
  /** display is the path relative to the cwd, `/`-separated (used in messages, lock and output). */
  display: string;
  /** text is what was scanned; unless kept in memory, reading it re-reads the file (FILE_CHANGED if it changed since). */
  readonly text: string;
  occurrences: Occurrence[];
  secrets: FoundSecret[];
  serviceAccounts: FoundServiceAccount[];
  /** ignored explains why a file was not scanned (binary, not UTF-8, larger than --max-file-size). */
  ignored?: string;
  /**
   * error is why no parser could read the file (`file:line:col: reason`); the file has no
   * occurrences and the caller decides: list/lint report it and exit 2, pin stops unless
   * --keep-going (see unreadableError).
   */
  error?: string;
}

/** DEFAULT_MAX_FILE_SIZE is the default --max-file-size: 16 MiB (a 50 MB YAML file took 55 s and 2.2 GB). */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

// ignoreBOM keeps a UTF-8 byte order mark in the text, so a rewritten file keeps it too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** decodeText decodes file bytes, or says why the file cannot be rewritten safely. */
export function decodeText(bytes: Uint8Array): { text: string } | { ignored: string } {
  if (bytes.includes(0)) return { ignored: 'binary file (contains NUL bytes)' };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { ignored: 'not valid UTF-8' };
  }
}

/** scanText runs the matching finders over one file's text. */
export function scanText(file: string, display: string, text: string, options: FinderOptions): ScannedFile {
  return { file, display, text, ...findAll(display, text, options) };
}

/**
 * readBytes reads a whole file synchronously: scanning is CPU-bound and nothing else runs
 * meanwhile, and fs.promises.readFile costs several times more CPU per small file.
 */
function readBytes(file: string, display: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PinError('IO', `${display}: cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/** fileSize stats a file (a scan reads only files within --max-file-size, and sizes the pool by them). */
function fileSize(file: string, display: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    throw new PinError('IO', `${display}: cannot read: ${(error as Error).message}`, { cause: error });
  }
}

function tooLarge(size: number, limit: number): string {
  return `larger than --max-file-size (${size} bytes > ${limit}; set maxFileSize in .digestpin.yaml or --max-file-size to raise it)`;
}

/** ReadText is a file's decoded text and the fingerprint of the bytes it was decoded from. */
interface ReadText {
  text: string;
  fingerprint: Fingerprint;
}

/**
 * scanFiles reads and scans every file. A file no parser reads is kept as data
 * (`error`, no occurrences) so one bad file never hides the rest; files larger
 * than `options.maxFileSize` (default 16 MiB) are `ignored` without being read.
 * Each file is read only when a scanner (this thread or a parse worker) takes it.
 */
export async function scanFiles(files: string[], cwd: string, options: FinderOptions, onOccurrences?: OnOccurrences): Promise<ScannedFile[]> {
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const entries = files.map((file) => {
    const display = toPosix(path.relative(cwd, file)) || path.basename(file);
    return { file, display, size: fileSize(file, display) };
  });
  // A file's text is dropped as soon as its outcome arrives (issue 13 cause 5): the scan
  // never holds more texts than the files in flight.
  const pending = new Array<ReadText | undefined>(entries.length);
  const scanned = new Array<ScannedFile>(entries.length);
  const source: ScanSource = {
    count: entries.length,
    load: (i) => {
      const { file, display, size } = entries[i]!;
      if (size > limit) {
        scanned[i] = ignoredFile(file, display, tooLarge(size, limit));
        return undefined;
      }
      const bytes = readBytes(file, display);
      const d = decodeText(bytes);
      if ('ignored' in d) {
        scanned[i] = ignoredFile(file, display, d.ignored);
        return undefined;
      }
      // Fingerprinted from the bytes in hand (not by encoding the text again).
      pending[i] = { text: d.text, fingerprint: fingerprintOf(bytes) };
      return { display, text: d.text };
    },
  };
  const chars = entries.reduce((sum, e) => sum + (e.size > limit ? 0 : e.size), 0);
  // The finders run here and, for large trees, in worker threads alongside; outcomes arrive in any order.
  const onFound = (i: number, r: FindOutcome): void => {
    const { file, display } = entries[i]!;
    const read = pending[i];
    if (!read) throw new Error(`scan: ${display} was scanned but not read`);
    pending[i] = undefined;
    scanned[i] = toScanned(file, display, read, r);
    if (onOccurrences && !(r instanceof PinError)) onOccurrences(r.occurrences);
  };
  await findInOrder(source, options, { workers: poolSize(chars), onFound });
  entries.forEach(({ display }, i) => {
    if (!scanned[i]) throw new Error(`scan: ${display} was read but not scanned`);
  });
  skipKustomizeOverridden(scanned);
  skipBuildArtifacts(scanned);
  return scanned;
}

/**
 * toScanned builds a scanned file. Its text is not held (issue 13 cause 5): `text` re-reads
 * the file and checks it still holds the bytes scanned (see file-text.ts), except for the
 * texts kept in memory (keepsText).
 */
function toScanned(file: string, display: string, { text, fingerprint }: ReadText, result: Required<FindResult> | PinError): ScannedFile {
  const found = result instanceof PinError ? { occurrences: [], secrets: [], serviceAccounts: [], error: result.message } : result;
  const disk: DiskText = { file, display, ...fingerprint };
  if (keepsText(display, text, disk.size)) return { file, display, text, ...found };
  return new ScannedOnDisk(disk, found);
}

function ignoredFile(file: string, display: string, ignored: string): ScannedFile {
  return { file, display, text: '', occurrences: [], secrets: [], serviceAccounts: [], ignored };
}

/**
 * keepsText: the tree-wide steps read kustomizations and build configs after the scan, and
 * --json needs byte offsets, which differ from UTF-16 offsets only in non-ASCII texts.
 */
function keepsText(display: string, text: string, size: number): boolean {
  return size !== text.length || isKustomizationFile(display) || isBuildDeclaration(display, text);
}

/**
 * unreadableError returns one YAML_SYNTAX error listing every file no parser
 * read (one `file:line:col: reason` per line), or undefined when all were read.
 */
export function unreadableError(scanned: readonly ScannedFile[]): PinError | undefined {
  const errors = scanned.filter((f) => f.error !== undefined).map((f) => f.error!);
  return errors.length > 0 ? new PinError('YAML_SYNTAX', errors.join('\n')) : undefined;
}

/**
 * OnOccurrences is told each file's occurrences as soon as its finders ran (before the
 * tree-wide kustomize and build-artifact skips), so a caller can start work early.
 */
export type OnOccurrences = (occurrences: Occurrence[]) => void;

/** scanPaths collects the candidate files under `paths` (files or directories) and scans them. */
export async function scanPaths(paths: string[], options: CollectOptions & { finderOptions?: FinderOptions; onOccurrences?: OnOccurrences }): Promise<ScannedFile[]> {
  const { files, ignored } = await collectTree(paths, options);
  const scanned = await scanFiles(files, options.cwd, options.finderOptions ?? {}, options.onOccurrences);
  const display = (file: string): string => toPosix(path.relative(options.cwd, file)) || path.basename(file);
  // Symlinks out of the tree are reported like other ignored files (and fail --check and lint).
  return [...scanned, ...ignored.map(({ file, reason }) => ({ file, display: display(file), text: '', occurrences: [], secrets: [], serviceAccounts: [], ignored: reason }))];
}
