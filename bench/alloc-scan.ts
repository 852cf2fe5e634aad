// `npx tsx bench/alloc-scan.ts TREE`: how much the finders allocate per byte of YAML, and where.
// Runs dist's findAll over every YAML file of TREE once to warm up, then once more under V8's
// sampling heap profiler with collected objects included (so garbage counts too), and prints
// the total, the bytes allocated per source byte and the top allocation sites (self and
// inclusive). This is what drives the young generation's size and the scavenge count in a
// large run (docs/benchmarks.md, issue 13 fifth wave). Needs `npm run build` first.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type FindAll = (file: string, text: string, options: object) => unknown;
interface ProfileNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: ProfileNode[] }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function yamlFiles(dir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.ya?ml$/i.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push([file, readFileSync(file, 'utf8')]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function site(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.includes('/node_modules/') ? url.replace(/^.*\/node_modules\//, '') : url.replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${where || '(native)'}:${lineNumber + 1}`;
}

/** tally adds each node's self size to its site, and its subtree to every site on the path once. */
function tally(node: ProfileNode, onPath: Set<string>, self: Map<string, number>, inclusive: Map<string, number>): number {
  const key = site(node);
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  const fresh = !onPath.has(key);
  if (fresh) onPath.add(key);
  let total = node.selfSize;
  for (const child of node.children) total += tally(child, onPath, self, inclusive);
  if (fresh) {
    onPath.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + total);
  }
  return total;
}

function top(map: Map<string, number>, n: number): string {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / 1e6).toFixed(0).padStart(8)} MB  ${k}`).join('\n');
}

async function main(): Promise<void> {
  const tree = process.argv[2];
  if (!tree) throw new Error('usage: bench/alloc-scan.ts TREE');
  const files = await yamlFiles(tree);
  const { findAll } = (await import(pathToFileURL(path.join(root, 'dist', 'finders', 'registry.js')).href)) as { findAll: FindAll };
  for (const [file, text] of files) findAll(file, text, {});
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (const [file, text] of files) findAll(file, text, {});
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const total = tally(profile.head, new Set(), self, inclusive);
  const chars = files.reduce((sum, [, text]) => sum + text.length, 0);
  console.log(`${files.length} files, ${(chars / 1e6).toFixed(1)} MB of YAML: ${(total / 1e6).toFixed(0)} MB allocated by one findAll pass, ${(total / chars).toFixed(0)} bytes per source byte`);
  console.log(`\nallocated in the function itself:\n${top(self, 15)}`);
  console.log(`\nallocated in the function and what it calls:\n${top(inclusive, 25)}`);
}

try {
  await main();
} catch (error) {
  console.error(`bench/alloc-scan: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
