import { PinError, isPinError } from '../errors.js';
import type { Occurrence } from '../finders/types.js';
import { applyEdits, checkEdits } from '../rewrite/splice.js';
import { editsFor } from '../rewrite/plan.js';
import type { Edit } from '../rewrite/types.js';
import { parseYaml } from '../yaml/source.js';
import { pullPolicyEdits } from '../lint/pull-policy.js';
import { ChangeOnDisk, diskTextOf } from './file-text.js';
import type { ScannedFile } from './scan.js';

/**
 * FileChange is a file whose text changes, with the occurrences that caused it.
 * `after` is computed from the validated edits each time it is read, so a run
 * over thousands of files does not hold every new text at once.
 */
export interface FileChange {
  file: string;
  display: string;
  /** before is the text read; when the scan did not hold it, reading it re-reads the file (FILE_CHANGED if it changed). */
  readonly before: string;
  readonly after: string;
  /** edits are validated against `before` (sorted, no overlaps, expected text present). */
  edits: Edit[];
  /** rewritten lists each occurrence written, the digest it now carries and, when its tag moved, the new tag. */
  rewritten: Array<{ occurrence: Occurrence; digest: string; tag?: string }>;
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
  /** notes explain edits that were not made (e.g. a pull policy in a flow-style container). */
  notes: string[];
}

/** PlanOptions shape the edits: `digestOnly` drops tags, `pullPolicy` makes the policy explicit. */
export interface PlanOptions {
  digestOnly?: boolean;
  /** pullPolicy is set on every pod container that is digest-pinned after the run. */
  pullPolicy?: string;
  /** tagFor gives the new tag of an occurrence whose tag moves (`update --versions`). */
  tagFor?: (occurrence: Occurrence) => string | undefined;
}

/** planChanges computes every file's new text without writing anything. */
export function planChanges(files: ScannedFile[], choose: DigestChoice, options: PlanOptions): PlanResult {
  const changes: FileChange[] = [];
  const blockedFiles: string[] = [];
  const notes: string[] = [];
  for (const scanned of files) {
    const picks = scanned.occurrences.map((occurrence) => ({ occurrence, digest: choose(occurrence) }));
    if (picks.some((p) => p.digest === 'blocked')) {
      blockedFiles.push(scanned.display);
      continue;
    }
    const change = planFile(scanned, picks as Array<{ occurrence: Occurrence; digest: string | undefined }>, options, notes);
    if (change) changes.push(change);
  }
  return { changes, blockedFiles, notes };
}

function planFile(
  scanned: ScannedFile,
  picks: Array<{ occurrence: Occurrence; digest: string | undefined }>,
  options: PlanOptions,
  notes: string[],
): FileChange | undefined {
  // A file with nothing to write is not read again (its text may not be held, see file-text.ts).
  if (!picks.some((p) => p.digest) && !(options.pullPolicy && pinnedAfter(picks).length > 0)) return undefined;
  const text = scanned.text;
  const edits: Edit[] = [];
  const rewritten: FileChange['rewritten'] = [];
  for (const { occurrence, digest } of picks) {
    if (!digest) continue;
    const tag = options.tagFor?.(occurrence);
    const own = editsFor(occurrence, digest, options, text, tag);
    if (own.length === 0) continue;
    edits.push(...own);
    rewritten.push({ occurrence, digest, ...(tag === undefined ? {} : { tag }) });
  }
  if (options.pullPolicy) edits.push(...policyEdits(scanned.display, text, picks, options.pullPolicy, notes));
  const effective = edits.filter((e) => e.replacement !== e.expected);
  if (effective.length === 0) return undefined;
  let checked: Edit[];
  try {
    checked = checkEdits(text, effective);
  } catch (error) {
    if (isPinError(error)) throw new PinError(error.code, `${scanned.display}: ${error.message}`, { cause: error });
    throw error;
  }
  // slice: pushed arrays have spare capacity, and a change lives until the write.
  return fileChange(scanned, text, checked.slice(), rewritten.slice());
}

/**
 * fileChange builds the change of one file. When the scanned file does not hold its text,
 * neither does the change: `before` and `after` re-read the file and check it (FILE_CHANGED).
 */
function fileChange(scanned: ScannedFile, text: string, edits: Edit[], rewritten: FileChange['rewritten']): FileChange {
  const disk = diskTextOf(scanned);
  // Separate functions: a getter closing over `text` would keep it alive in every change.
  return disk ? new ChangeOnDisk(disk, edits, rewritten) : changeInMemory(scanned, text, edits, rewritten);
}

function changeInMemory(scanned: ScannedFile, before: string, edits: Edit[], rewritten: FileChange['rewritten']): FileChange {
  return { file: scanned.file, display: scanned.display, before, edits, get after() { return applyEdits(before, edits); }, rewritten };
}

function pinnedAfter(picks: Array<{ occurrence: Occurrence; digest: string | undefined }>): Array<{ occurrence: Occurrence; digest: string | undefined }> {
  return picks.filter(({ occurrence, digest }) => occurrence.pod && (digest !== undefined || occurrence.status === 'pinned'));
}

/** policyEdits makes `imagePullPolicy` explicit on the pod containers that are digest-pinned after the run. */
function policyEdits(display: string, text: string, picks: Array<{ occurrence: Occurrence; digest: string | undefined }>, policy: string, notes: string[]): Edit[] {
  const pods = pinnedAfter(picks);
  if (pods.length === 0) return [];
  const source = parseYaml(display, text);
  const edits: Edit[] = [];
  for (const { occurrence } of pods) {
    const plan = pullPolicyEdits(occurrence, policy, text, source);
    if (plan.skipReason && plan.skipReason !== 'not a pod container') notes.push(`${occurrence.file}:${occurrence.line}: imagePullPolicy not set: ${plan.skipReason}`);
    edits.push(...plan.edits);
  }
  return edits;
}
