import { promises as fs, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { matchesDockerfile } from '../finders/dockerfile.js';
import { PinError } from '../errors.js';
import { isTempFile, removeStaleTempFilesSync } from '../fs/atomic.js';
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

/** SYMLINK_OUTSIDE is the ignored-reason of a symlink whose target is not a file inside the scanned tree. */
export const SYMLINK_OUTSIDE = 'symlink to outside the tree';

/** CollectedFiles are the files to scan and the paths passed over with a reason (symlinks out of the tree). */
export interface CollectedFiles {
  files: string[];
  ignored: Array<{ file: string; reason: string }>;
}

/**
 * collectFiles expands paths (files or directories) into candidate files,
 * sorted, without duplicates. Explicitly named files are always taken;
 * directories are walked skipping SKIPPED_DIRS. Stale temp files from a
 * killed run are removed on the way.
 */
export async function collectFiles(paths: string[], options: CollectOptions): Promise<string[]> {
  return (await collectTree(paths, options)).files;
}

/**
 * collectTree is collectFiles plus symlink handling (issue 11 item 17): a symlinked file
 * whose target is a file inside the walked directory is scanned (once: a link to a file that
 * is scanned anyway adds nothing); any other symlink is reported as ignored. A symlink named
 * on the command line must point inside the working directory, else it is refused.
 */
export async function collectTree(paths: string[], options: CollectOptions): Promise<CollectedFiles> {
  const matches = globFilter(options.include, options.exclude, { dot: true });
  const keep = (file: string): boolean => matches(toPosix(path.relative(options.cwd, file)));
  const found = new Set<string>();
  const ignored: CollectedFiles['ignored'] = [];
  // Aliases (two paths to one file) need a symlink somewhere, or two inputs that overlap.
  let mayAlias = paths.length > 1;
  for (const input of paths) {
    const abs = path.resolve(options.cwd, input);
    const stat = await fs.stat(abs).catch((error: NodeJS.ErrnoException) => {
      throw new PinError('IO', `${input}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (stat.isDirectory()) {
      const root = await fs.realpath(abs);
      if (root !== abs) mayAlias = true;
      const walker: Walker = {
        root,
        visit: (f) => keep(f) && found.add(f),
        outside: (file) => keep(file) && ignored.push({ file, reason: SYMLINK_OUTSIDE }),
        sawLink: () => (mayAlias = true),
      };
      walk(abs, walker);
    } else if (keep(abs)) {
      await checkNamedLink(abs, input, options.cwd);
      found.add(abs);
      mayAlias = true;
    }
  }
  const sorted = [...found].sort();
  return { files: mayAlias ? withoutAliases(sorted) : sorted, ignored };
}

/** checkNamedLink refuses a symlink named on the command line whose target lies outside the working directory. */
async function checkNamedLink(abs: string, input: string, cwd: string): Promise<void> {
  if (!(await fs.lstat(abs)).isSymbolicLink()) return;
  const target = await fs.realpath(abs);
  if (!isInside(await fs.realpath(cwd), target)) {
    throw new PinError('IO', `${input}: is a symlink to ${target}, outside the tree; digestpin writes through links only to files inside ${cwd}`);
  }
}

/** withoutAliases drops symlinks whose target is also in the list, so no file is scanned (or written) twice. */
function withoutAliases(files: string[]): string[] {
  const reals = files.map((f) => {
    try {
      return realpathSync(f);
    } catch {
      return f;
    }
  });
  const regular = new Set(reals.filter((real, i) => real === files[i]));
  const seen = new Set<string>();
  return files.filter((file, i) => {
    const real = reals[i]!;
    if ((real !== file && regular.has(real)) || seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Walker is what one directory walk reports to: files, links out of the tree, and that a link was seen. */
interface Walker {
  /** root is the walked directory's real path (links must stay inside it). */
  root: string;
  visit: (file: string) => unknown;
  outside: (file: string) => unknown;
  sawLink: () => void;
}

/**
 * walk reads the tree synchronously, each directory once (its stale temp files are removed
 * from the same listing): nothing else runs before the scan, and promise-based readdir costs
 * a thread-pool round trip per directory (150 ms on a 1,000-directory tree, issue 13).
 */
function walk(dir: string, walker: Walker): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new PinError('IO', `${dir}: cannot read directory: ${(error as Error).message}`, { cause: error });
  }
  removeStaleTempFilesSync(dir, entries.map((e) => e.name));
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, walker);
    } else if (entry.isFile() && !isTempFile(entry.name) && isCandidateFile(entry.name)) {
      walker.visit(full);
    } else if (entry.isSymbolicLink() && !isTempFile(entry.name)) {
      walker.sawLink();
      visitLink(full, walker);
    }
  }
}

/** visitLink scans a symlinked candidate file whose target is a file inside the tree; reports the others. */
function visitLink(link: string, walker: Walker): void {
  const target = tryFs(() => realpathSync(link));
  const stat = target ? tryFs(() => statSync(target)) : undefined;
  if (target && stat?.isDirectory() && isInside(walker.root, target)) return; // its files are walked where they live
  if (target && stat?.isFile() && isInside(walker.root, target)) {
    if (isCandidateFile(path.basename(link))) walker.visit(link);
    return;
  }
  if (isCandidateFile(path.basename(link)) || stat?.isDirectory()) walker.outside(link);
}

function tryFs<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

/** toPosix turns a platform path into a `/`-separated one (for the lock and output). */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
