import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PinError, isPinError } from '../errors.js';
import { findAll } from '../finders/registry.js';
import type { FinderOptions, FoundSecret, FoundServiceAccount, Occurrence } from '../finders/types.js';
import { collectTree, toPosix, type CollectOptions } from './collect.js';
import { skipKustomizeOverridden } from './kustomize-overrides.js';

/** ScannedFile is one file's text and what the finders extracted from it. */
export interface ScannedFile {
  /** file is the absolute path. */
  file: string;
  /** display is the path relative to the cwd, `/`-separated (used in messages, lock and output). */
  display: string;
  text: string;
  occurrences: Occurrence[];
  secrets: FoundSecret[];
  serviceAccounts: FoundServiceAccount[];
  /** ignored explains why a file was not scanned (binary, not UTF-8). */
  ignored?: string;
}

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

/**
 * scanFiles reads and scans every file. All syntax errors are collected and
 * thrown together (one per line, each `file:line:col: reason`), so a user
 * fixes them in one go and nothing is written.
 */
export async function scanFiles(files: string[], cwd: string, options: FinderOptions): Promise<ScannedFile[]> {
  const errors: string[] = [];
  const scanned: ScannedFile[] = [];
  for (const file of files) {
    const display = toPosix(path.relative(cwd, file)) || path.basename(file);
    const bytes = readBytes(file, display);
    const decoded = decodeText(bytes);
    if ('ignored' in decoded) {
      scanned.push({ file, display, text: '', occurrences: [], secrets: [], serviceAccounts: [], ignored: decoded.ignored });
      continue;
    }
    try {
      scanned.push(scanText(file, display, decoded.text, options));
    } catch (error) {
      if (!isPinError(error)) throw error;
      errors.push(error.message);
    }
  }
  if (errors.length > 0) throw new PinError('YAML_SYNTAX', errors.join('\n'));
  skipKustomizeOverridden(scanned);
  return scanned;
}

/** scanPaths collects the candidate files under `paths` (files or directories) and scans them. */
export async function scanPaths(paths: string[], options: CollectOptions & { finderOptions?: FinderOptions }): Promise<ScannedFile[]> {
  const { files, ignored } = await collectTree(paths, options);
  const scanned = await scanFiles(files, options.cwd, options.finderOptions ?? {});
  const display = (file: string): string => toPosix(path.relative(options.cwd, file)) || path.basename(file);
  // Symlinks out of the tree are reported like other ignored files (and fail --check and lint).
  return [...scanned, ...ignored.map(({ file, reason }) => ({ file, display: display(file), text: '', occurrences: [], secrets: [], serviceAccounts: [], ignored: reason }))];
}
