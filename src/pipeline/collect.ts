import { promises as fs } from 'node:fs';
import path from 'node:path';
import { matchesDockerfile } from '../finders/dockerfile.js';
import { PinError } from '../errors.js';
import { isTempFile, removeStaleTempFiles } from '../fs/atomic.js';
import { globFilter } from './glob-filter.js';

/** SKIPPED_DIRS are never walked into. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor']);

/** CollectOptions filter the files a run looks at. */
export interface CollectOptions {
  /** include globs (matched against the path relative to the cwd, `/`-separated); default: all. */
  include?: string[];
  exclude?: string[];
  cwd: string;
}

const YAML_FILE = /\.ya?ml$/i;
const DOCKERFILE = /(^|[./-])(Dockerfile|Containerfile)([.-][^/]*)?$/;

/**
 * isCandidateFile reports whether a file name can hold image references digestpin understands:
 * YAML, Dockerfiles by Renovate's and hadolint's conventions (`*.dockerfile`, `*.containerfile`,
 * `Dockerfile.*`, `*.Dockerfile`, any case), and Tiltfiles (read for the images Tilt builds).
 */
export function isCandidateFile(name: string): boolean {
  return YAML_FILE.test(name) || DOCKERFILE.test(name) || matchesDockerfile(name) || path.basename(name) === 'Tiltfile';
}

/**
 * collectFiles expands paths (files or directories) into candidate files,
 * sorted, without duplicates. Explicitly named files are always taken;
 * directories are walked skipping SKIPPED_DIRS. Stale temp files from a
 * killed run are removed on the way.
 */
export async function collectFiles(paths: string[], options: CollectOptions): Promise<string[]> {
  const matches = globFilter(options.include, options.exclude, { dot: true });
  const keep = (file: string): boolean => matches(toPosix(path.relative(options.cwd, file)));
  const found = new Set<string>();
  for (const input of paths) {
    const abs = path.resolve(options.cwd, input);
    const stat = await fs.stat(abs).catch((error: NodeJS.ErrnoException) => {
      throw new PinError('IO', `${input}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (stat.isDirectory()) await walk(abs, (f) => keep(f) && found.add(f));
    else if (keep(abs)) found.add(abs);
  }
  return [...found].sort();
}

async function walk(dir: string, visit: (file: string) => unknown): Promise<void> {
  await removeStaleTempFiles(dir);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(full, visit);
    } else if (entry.isFile() && !isTempFile(entry.name) && isCandidateFile(entry.name)) {
      visit(full);
    }
  }
}

/** toPosix turns a platform path into a `/`-separated one (for the lock and output). */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
