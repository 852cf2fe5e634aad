// Baseline for `pin --frozen`: walk the tree, read every YAML file and parse all its
// documents with `yaml` — the least work any YAML-aware tool must do. Run as plain
// JavaScript (bench/run.ts transpiles it) so no loader cost is measured.
// Usage: node baseline-parse.js DIR   (prints "files documents bytes")
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const SKIPPED = new Set(['node_modules', '.git']);

async function walk(dir: string, files: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) await walk(full, files);
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      files.push(full);
    }
  }
}

/** parseTree reads and parses every YAML file under dir and returns counts (so nothing is optimised away). */
export async function parseTree(dir: string): Promise<{ files: number; documents: number; bytes: number }> {
  const files: string[] = [];
  await walk(dir, files);
  let documents = 0;
  let bytes = 0;
  for (const file of files.sort()) {
    const text = await fs.readFile(file, 'utf8');
    bytes += text.length;
    const docs = parseAllDocuments(text);
    documents += Array.isArray(docs) ? docs.length : 0;
  }
  return { files: files.length, documents, bytes };
}

const dir = process.argv[2];
if (dir) {
  const { files, documents, bytes } = await parseTree(dir);
  process.stdout.write(`${files} ${documents} ${bytes}\n`);
}
