// `npx tsx bench/ab-scan.ts --before OTHER_REPO TREE [--passes N]`: the finders of this build and
// of another build (OTHER_REPO/dist, e.g. a `git worktree` of an older commit, built) run over the
// same files in one process, alternating, so host noise hits both sides alike. Both builds share
// one copy of the yaml package (this repo's node_modules when OTHER_REPO links to it). The first
// pass of each side is JIT warm-up and not counted. Prints each pass and the mean ratio.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

type FindAll = (file: string, text: string, options: object) => unknown;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

async function findAllOf(repo: string): Promise<FindAll> {
  const module = (await import(pathToFileURL(path.join(repo, 'dist', 'finders', 'registry.js')).href)) as { findAll: FindAll };
  return module.findAll;
}

function timePass(findAll: FindAll, files: Array<[string, string]>): number {
  const start = performance.now();
  for (const [file, text] of files) findAll(file, text, {});
  return performance.now() - start;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { before: { type: 'string' }, passes: { type: 'string', default: '6' } } });
  const tree = positionals[0];
  const passes = Number(values.passes);
  if (!values.before || !tree || !Number.isInteger(passes) || passes < 2) throw new Error('usage: bench/ab-scan.ts --before OTHER_REPO TREE [--passes N>=2]');
  const files = (await yamlFiles(tree)).map((f): [string, string] => [path.relative(tree, f), readFileSync(f, 'utf8')]);
  const sides = { before: await findAllOf(path.resolve(values.before)), after: await findAllOf(root) };
  const sums = { before: 0, after: 0 };
  for (let pass = 0; pass < passes; pass++) {
    const before = timePass(sides.before, files);
    const after = timePass(sides.after, files);
    if (pass > 0) { sums.before += before; sums.after += after; }
    console.log(`pass ${pass}${pass === 0 ? ' (warm-up)' : ''}: before ${before.toFixed(0)} ms, after ${after.toFixed(0)} ms`);
  }
  const n = passes - 1;
  console.log(`${files.length} files: mean before ${(sums.before / n).toFixed(0)} ms, after ${(sums.after / n).toFixed(0)} ms, after/before ${(sums.after / sums.before).toFixed(3)}`);
}

try {
  await main();
} catch (error) {
  console.error(`bench/ab-scan: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
