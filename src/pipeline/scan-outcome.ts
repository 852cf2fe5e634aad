// Plain-data outcomes of scanning one file, shared by the in-thread scan and the parse workers.
import { isPinError } from '../errors.js';
import { classifyReference } from '../finders/image-occurrence.js';
import { shapeOccurrence } from '../finders/occurrence-shape.js';
import type { FinderOptions, FindResult, Occurrence } from '../finders/types.js';

/** ScanJob is one decoded file to run the finders over. */
export interface ScanJob {
  display: string;
  text: string;
}

/** ScanBatch is the message a parse worker receives: jobs, in order, and the finder options. */
export interface ScanBatch {
  id: number;
  jobs: ScanJob[];
  options: FinderOptions;
}

/** WireOccurrence is an occurrence whose parsed reference travels as its text (class instances do not survive postMessage). */
export type WireOccurrence = Omit<Occurrence, 'ref'> & { refText?: string };

/**
 * ScanOutcome is what scanning one file gave: its findings, a PinError to collect
 * (message and code), or an unexpected crash to rethrow.
 */
export type ScanOutcome =
  | { found: Omit<Required<FindResult>, 'occurrences'> & { occurrences: WireOccurrence[] } }
  | { pinError: { code: string; message: string } }
  | { crash: { message: string; stack?: string } };

type FindAll = (file: string, text: string, options: FinderOptions) => Required<FindResult>;

/** scanInThread runs the finders over one job and turns the result (or the error) into an outcome. */
export function scanInThread(findAll: FindAll, job: ScanJob, options: FinderOptions): ScanOutcome {
  try {
    const found = findAll(job.display, job.text, options);
    return { found: { ...found, occurrences: found.occurrences.map(toWire) } };
  } catch (error) {
    if (isPinError(error)) return { pinError: { code: error.code, message: error.message } };
    const e = error instanceof Error ? error : new Error(String(error));
    return { crash: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
  }
}

function toWire(o: Occurrence): WireOccurrence {
  if (!o.ref) return o;
  const { ref, ...rest } = o;
  return { ...rest, refText: ref.original };
}

/**
 * fromWire restores an occurrence's reference by re-classifying its text: finders parse every
 * reference through classifyReference, whose per-run cache hands back the shared, frozen value.
 */
export function fromWire(o: WireOccurrence): Occurrence {
  // Re-shaped and re-interned here: structured clone gives every object a copy of its own.
  if (o.refText === undefined) return shapeOccurrence(o);
  const { refText, ...rest } = o;
  const classified = classifyReference(refText);
  if (classified.status === 'skipped') throw new Error(`parse pool: reference ${JSON.stringify(refText)} no longer parses`);
  return shapeOccurrence({ ...rest, ref: classified.ref });
}
