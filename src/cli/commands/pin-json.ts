import { byteOffsets } from '../../pipeline/file-text.js';
import type { PinRun } from '../../pipeline/pin.js';
import type { FileChange } from '../../pipeline/plan.js';
import { occurrenceJson, occurrencesJson } from '../output.js';

/** pinJson is the stable `pin --json` / `update --json` report shape. */
export function pinJson(run: PinRun, state: { written: boolean; lockChanged: boolean }): Record<string, unknown> {
  return {
    written: state.written,
    lockChanged: state.lockChanged,
    files: run.changes.map((c) => ({
      file: c.display,
      pinned: pinnedJson(c),
    })),
    blockedFiles: run.blockedFiles,
    failures: run.failures.map((f) => ({ reference: f.ref.original, canonical: f.key, code: f.code, message: f.message })),
    occurrences: run.scanned.flatMap((f) => occurrencesJson(f)),
    ignoredFiles: run.scanned.filter((f) => f.ignored).map((f) => ({ file: f.display, reason: f.ignored })),
    unreadableFiles: run.scanned.filter((f) => f.error !== undefined).map((f) => ({ file: f.display, error: f.error })),
  };
}

/** pinnedJson lists a change's rewritten occurrences (the pre-write text is gone from disk once written: byteOffsets needs none). */
function pinnedJson(c: FileChange): Array<Record<string, unknown>> {
  const offsets = byteOffsets(c, () => c.before);
  return c.rewritten.map(({ occurrence, digest, tag }) => ({ ...occurrenceJson(occurrence, offsets), digest, ...(tag === undefined ? {} : { newTag: tag }) }));
}
