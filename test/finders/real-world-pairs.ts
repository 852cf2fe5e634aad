import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanFiles } from '../../src/pipeline/scan.js';
import { editsFor } from '../../src/rewrite/plan.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import { stubDigest } from './helpers.js';

/** REAL_WORLD is the folder of `realworld-*` fixture trees (input/ and expected/ per case). */
export const REAL_WORLD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/finders');

/** realWorldCases lists the `realworld-*` fixture trees. */
export function realWorldCases(): string[] {
  return readdirSync(REAL_WORLD).filter((name) => name.startsWith('realworld-')).sort();
}

/** filesUnder lists every file below `dir`, relative and `/`-separated, sorted. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/**
 * pinTreeWithStub scans a whole tree through the pipeline (so tree-wide rules such as
 * skaffold artifacts apply), "resolves" every unpinned and pinned reference with
 * stubDigest and returns each file's rewritten text.
 */
export async function pinTreeWithStub(dir: string): Promise<Map<string, string>> {
  const names = filesUnder(dir);
  const scanned = await scanFiles(names.map((n) => path.join(dir, n)), dir, {});
  const out = new Map<string, string>();
  for (const file of scanned) {
    if (file.error) throw new Error(file.error);
    const edits = file.occurrences.flatMap((o) => (o.ref ? editsFor(o, stubDigest(o.ref), {}, file.text) : []));
    out.set(file.display, applyEdits(file.text, edits));
  }
  for (const name of names) if (!out.has(name)) out.set(name, readFileSync(path.join(dir, name), 'utf8'));
  return out;
}

/** writeExpected regenerates a case's expected/ tree (run by hand, then review the diff). */
export async function writeExpected(name: string): Promise<void> {
  for (const [file, text] of await pinTreeWithStub(path.join(REAL_WORLD, name, 'input'))) {
    const target = path.join(REAL_WORLD, name, 'expected', file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
