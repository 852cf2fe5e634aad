import { PinError } from '../errors.js';
import type { Edit } from './types.js';

/**
 * applyEdits splices edits into `text` right-to-left after checking that each
 * edit's `expected` text is still at its offsets. Identical duplicate edits are
 * applied once; overlapping edits (or two different inserts at one offset)
 * throw PinError('REWRITE_CONFLICT') naming the offset and line:col.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = checkEdits(text, edits);
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const edit = sorted[i]!;
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  }
  return out;
}

/**
 * checkEdits validates edits against `text` (offsets in range, expected text
 * present, no overlaps) without building the new text, and returns them sorted
 * and deduplicated; it throws the same REWRITE_CONFLICT errors as applyEdits.
 */
export function checkEdits(text: string, edits: readonly Edit[]): Edit[] {
  const sorted = dedupe([...edits].sort((a, b) => a.start - b.start || a.end - b.end));
  for (const [i, edit] of sorted.entries()) {
    checkEdit(text, edit);
    const next = sorted[i + 1];
    if (next && overlaps(edit, next)) {
      throw conflict(text, next.start, `edit overlaps another edit starting at offset ${edit.start}`);
    }
  }
  return sorted;
}

/** overlaps: `b` starts after `a` in sort order; touching ranges are fine, but not two inserts at one point. */
function overlaps(a: Edit, b: Edit): boolean {
  if (b.start < a.end) return true;
  return a.start === a.end && b.start === b.end && a.start === b.start;
}

/** dedupe drops edits that are exact copies of their predecessor (one scalar reached twice). */
function dedupe(sorted: Edit[]): Edit[] {
  return sorted.filter((edit, i) => {
    const prev = sorted[i - 1];
    return !(prev && prev.start === edit.start && prev.end === edit.end && prev.replacement === edit.replacement);
  });
}

/** checkEdit verifies the offsets are in range and the expected text is still there. */
function checkEdit(text: string, edit: Edit): void {
  if (!(Number.isInteger(edit.start) && Number.isInteger(edit.end) && edit.start >= 0 && edit.start <= edit.end && edit.end <= text.length)) {
    throw conflict(text, Math.min(Math.max(edit.start, 0), text.length), `edit range [${edit.start}, ${edit.end}) is outside the text (length ${text.length})`);
  }
  const actual = text.slice(edit.start, edit.end);
  if (actual !== edit.expected) {
    throw conflict(text, edit.start, `expected ${JSON.stringify(edit.expected)} but found ${JSON.stringify(actual)}`);
  }
}

/** conflict builds the REWRITE_CONFLICT error with the offset's line and column. */
function conflict(text: string, offset: number, detail: string): PinError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new PinError('REWRITE_CONFLICT', `offset ${offset} (line ${line}, column ${column}): ${detail}`);
}
