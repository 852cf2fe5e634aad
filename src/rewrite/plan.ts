import { PinError } from '../errors.js';
import { intern } from '../intern.js';
import type { DigestFieldPlan, Occurrence } from '../finders/types.js';
import { digestProblem, pinnedText } from '../reference/index.js';
import { retaggedText, tagFieldEdit } from './retag.js';
import type { Edit } from './types.js';

/** EditOptions are the user's rewrite choices. */
export interface EditOptions {
  /** digestOnly writes `name@sha256:…` instead of `name:tag@sha256:…` (reference plans only). */
  digestOnly?: boolean;
}

/**
 * editsFor computes the edits that pin one occurrence to `digest` in `text`.
 * It returns no edits for skipped occurrences and when the text already says
 * exactly that (so re-running on pinned output changes nothing). With `tag`, the
 * reference's tag moves to it in the same edit (`update --versions`).
 */
export function editsFor(occurrence: Occurrence, digest: string, options: EditOptions, text: string, tag?: string): Edit[] {
  const plan = occurrence.plan;
  if (!plan || occurrence.status === 'skipped') return [];
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    const where = `${occurrence.file}:${occurrence.line}:${occurrence.column}`;
    throw new PinError('INVALID_DIGEST', `${where}: refusing to write digest ${JSON.stringify(digest)}: ${problem}`);
  }
  if (plan.type === 'reference') return referenceEdits(occurrence, digest, options, tag);
  const edits = digestFieldEdits(plan, digest, text);
  return tag === undefined || tag === plan.tag?.raw ? edits : [tagFieldEdit(occurrence, plan, tag), ...edits];
}

/** referenceEdits replaces the reference text with its pinned spelling. */
function referenceEdits(occurrence: Occurrence, digest: string, options: EditOptions, tag?: string): Edit[] {
  const { span } = occurrence;
  const raw = tag === undefined ? span.raw : retaggedText(span.raw, tag);
  // Interned: a run pins many occurrences of few references to the same text (a rope string each).
  const replacement = intern(pinnedText(raw, digest, { digestOnly: options.digestOnly === true }));
  if (replacement === span.raw) return [];
  return [{ start: span.start, end: span.end, expected: span.raw, replacement }];
}

/** digestFieldEdits updates an existing digest value or inserts a new `digest:` line. */
function digestFieldEdits(plan: DigestFieldPlan, digest: string, text: string): Edit[] {
  const value = plan.withAlgorithm ? digest : digest.slice(digest.indexOf(':') + 1);
  if (plan.value) {
    const { start, end, raw } = plan.value;
    if (raw === value) return [];
    // `digest:` with nothing after the colon: the new value needs a separating space.
    const replacement = raw === '' && text[start - 1] === ':' ? ` ${value}` : value;
    return [{ start, end, expected: raw, replacement }];
  }
  const insert = plan.insert;
  if (!insert) return [];
  const { offset, indent, key, eol } = insert;
  const replacement = insert.atEndWithoutNewline
    ? `${eol}${indent}${key}: ${value}`
    : `${indent}${key}: ${value}${eol}`;
  return [{ start: offset, end: offset, expected: '', replacement }];
}
