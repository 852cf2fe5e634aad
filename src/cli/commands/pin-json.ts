import type { PinRun } from '../../pipeline/pin.js';
import { occurrenceJson } from '../output.js';

/** pinJson is the stable `pin --json` / `update --json` report shape. */
export function pinJson(run: PinRun, state: { written: boolean; lockChanged: boolean }): Record<string, unknown> {
  return {
    written: state.written,
    lockChanged: state.lockChanged,
    files: run.changes.map((c) => ({
      file: c.display,
      pinned: c.rewritten.map(({ occurrence, digest, tag }) => ({ ...occurrenceJson(occurrence, c.before), digest, ...(tag === undefined ? {} : { newTag: tag }) })),
    })),
    blockedFiles: run.blockedFiles,
    failures: run.failures.map((f) => ({ reference: f.ref.original, canonical: f.key, code: f.code, message: f.message })),
    occurrences: run.scanned.flatMap((f) => f.occurrences.map((o) => occurrenceJson(o, f.text))),
    ignoredFiles: run.scanned.filter((f) => f.ignored).map((f) => ({ file: f.display, reason: f.ignored })),
    unreadableFiles: run.scanned.filter((f) => f.error !== undefined).map((f) => ({ file: f.display, error: f.error })),
  };
}
