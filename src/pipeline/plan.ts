import { PinError, isPinError } from '../errors.js';
import type { Occurrence } from '../finders/types.js';
import { applyEdits } from '../rewrite/splice.js';
import { editsFor } from '../rewrite/plan.js';
import type { Edit } from '../rewrite/types.js';
import type { ScannedFile } from './scan.js';

/** FileChange is a file whose text changes, with the occurrences that caused it. */
export interface FileChange {
  file: string;
  display: string;
  before: string;
  after: string;
  /** rewritten lists each occurrence written and the digest it now carries. */
  rewritten: Array<{ occurrence: Occurrence; digest: string }>;
}

/**
 * DigestChoice decides, per occurrence, which digest to write: a digest string,
 * `undefined` to leave it alone, or `'blocked'` when its reference failed to
 * resolve (the whole file is then left untouched).
 */
export type DigestChoice = (occurrence: Occurrence) => string | 'blocked' | undefined;

/** PlanResult lists the changes to write and the files held back by failures. */
export interface PlanResult {
  changes: FileChange[];
  blockedFiles: string[];
}

/** planChanges computes every file's new text without writing anything. */
export function planChanges(files: ScannedFile[], choose: DigestChoice, options: { digestOnly?: boolean }): PlanResult {
  const changes: FileChange[] = [];
  const blockedFiles: string[] = [];
  for (const scanned of files) {
    const picks = scanned.occurrences.map((occurrence) => ({ occurrence, digest: choose(occurrence) }));
    if (picks.some((p) => p.digest === 'blocked')) {
      blockedFiles.push(scanned.display);
      continue;
    }
    const change = planFile(scanned, picks as Array<{ occurrence: Occurrence; digest: string | undefined }>, options);
    if (change) changes.push(change);
  }
  return { changes, blockedFiles };
}

function planFile(
  scanned: ScannedFile,
  picks: Array<{ occurrence: Occurrence; digest: string | undefined }>,
  options: { digestOnly?: boolean },
): FileChange | undefined {
  const edits: Edit[] = [];
  const rewritten: FileChange['rewritten'] = [];
  for (const { occurrence, digest } of picks) {
    if (!digest) continue;
    const own = editsFor(occurrence, digest, options, scanned.text);
    if (own.length === 0) continue;
    edits.push(...own);
    rewritten.push({ occurrence, digest });
  }
  if (edits.length === 0) return undefined;
  let after: string;
  try {
    after = applyEdits(scanned.text, edits);
  } catch (error) {
    if (isPinError(error)) throw new PinError(error.code, `${scanned.display}: ${error.message}`, { cause: error });
    throw error;
  }
  if (after === scanned.text) return undefined;
  return { file: scanned.file, display: scanned.display, before: scanned.text, after, rewritten };
}
