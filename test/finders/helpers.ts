import { createHash } from 'node:crypto';
import { findAll } from '../../src/finders/registry.js';
import type { FinderOptions, FindResult, Occurrence } from '../../src/finders/types.js';
import type { ImageReference } from '../../src/reference/types.js';
import { editsFor } from '../../src/rewrite/plan.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import type { Edit } from '../../src/rewrite/types.js';

/** source is a dedent tag for inline YAML: strips the common indentation and the first newline. */
export function source(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** stubDigest is the fake registry: a stable digest per `name:tag` (untagged means latest). */
export function stubDigest(ref: ImageReference): string {
  return `sha256:${createHash('sha256').update(`${ref.name}:${ref.tag ?? 'latest'}`).digest('hex')}`;
}

/** PinOptions for the stub pinning run. */
export interface StubPinOptions extends FinderOptions {
  digestOnly?: boolean;
  /** refresh re-resolves already pinned references (a moved tag) instead of keeping their digest. */
  refresh?: boolean;
}

/** StubPin is the outcome of pinning one text against the stub registry. */
export interface StubPin {
  found: FindResult;
  edits: Edit[];
  output: string;
}

/** pinWithStub finds, "resolves" with stubDigest, and rewrites one file's text. */
export function pinWithStub(file: string, text: string, options: StubPinOptions = {}): StubPin {
  const found = findAll(file, text, options);
  const edits = found.occurrences.flatMap((occurrence: Occurrence) => {
    if (!occurrence.ref) return [];
    const digest = occurrence.ref.digest && !options.refresh ? occurrence.ref.digest : stubDigest(occurrence.ref);
    return editsFor(occurrence, digest, { digestOnly: options.digestOnly }, text);
  });
  return { found, edits, output: applyEdits(text, edits) };
}

/** counts tallies occurrences by status. */
export function counts(occurrences: readonly Occurrence[]): { unpinned: number; pinned: number; skipped: number } {
  const out = { unpinned: 0, pinned: 0, skipped: 0 };
  for (const o of occurrences) out[o.status]++;
  return out;
}
