import type { Occurrence } from '../finders/types.js';
import { byteOffsets, type ByteOffsets } from '../pipeline/file-text.js';
import type { FileChange } from '../pipeline/plan.js';
import { lockKey, type ResolveFailure } from '../pipeline/resolve.js';
import type { ScannedFile } from '../pipeline/scan.js';
import { stripControl } from '../sanitize.js';
import { writeLine } from './io.js';

/** shortDigest abbreviates `sha256:abcdef…` to its first 12 hex characters. */
export function shortDigest(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return hex.slice(0, 12);
}

/**
 * printFailures reports each unresolved reference as `digestpin: <ref> (<where>): <message> [CODE]`
 * (up to three places). Failures with the very same message and code (a registry-wide failure
 * such as the /v2/ ping, DNS or TLS, whose message names the registry) are one line listing
 * every reference they affected.
 */
export function printFailures(stream: NodeJS.WritableStream, failures: ResolveFailure[], scanned: ScannedFile[]): void {
  const usedAt = new Map<string, string[]>();
  for (const o of scanned.flatMap((f) => f.occurrences)) {
    if (o.ref) usedAt.set(lockKey(o.ref), [...(usedAt.get(lockKey(o.ref)) ?? []), location(o)]);
  }
  const named = (f: ResolveFailure): string => {
    const where = usedAt.get(f.key)?.slice(0, 3).join(', ');
    return `${f.ref.original}${where ? ` (${where})` : ''}`;
  };
  const groups = new Map<string, ResolveFailure[]>();
  for (const f of failures) groups.set(`${f.code}\n${f.message}`, [...(groups.get(`${f.code}\n${f.message}`) ?? []), f]);
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length === 1) {
      writeLine(stream, stripControl(`digestpin: ${named(first)}: ${first.message} [${first.code}]`));
    } else {
      writeLine(stream, stripControl(`digestpin: ${first.message}; affects ${group.length} reference(s): ${group.map(named).join(', ')} [${first.code}]`));
    }
  }
}

/** displayReference shows an occurrence as a reference: its own text, or the assembled one for digest fields. */
export function displayReference(o: Occurrence): string {
  if (o.plan?.type === 'digest-field' && o.ref) return o.ref.original;
  return o.span.raw;
}

/** location renders `file:line:col` for an occurrence. */
export function location(o: Occurrence): string {
  return `${o.file}:${o.line}:${o.column}`;
}

/**
 * occurrenceJson is the stable JSON shape of an occurrence in `list --json` and `pin --json`.
 * `start`/`end` are UTF-16 offsets (JavaScript string indices); `byteStart`/`byteEnd` are
 * UTF-8 byte offsets into the file, given its text (or, for a text not held, byteOffsets' answer).
 */
export function occurrenceJson(o: Occurrence, text?: string | ByteOffsets): Record<string, unknown> {
  const byteStart = text === undefined ? undefined : typeof text === 'string' ? Buffer.byteLength(text.slice(0, o.span.start), 'utf8') : text(o.span.start);
  return {
    file: o.file,
    line: o.line,
    column: o.column,
    start: o.span.start,
    end: o.span.end,
    byteStart,
    byteEnd: byteStart === undefined ? undefined : byteStart + Buffer.byteLength(o.span.raw, 'utf8'),
    raw: o.span.raw,
    finder: o.finder,
    kind: o.kind,
    path: o.path,
    status: o.status,
    skipReason: o.skipReason,
    reference: o.ref?.toString(),
    // A tagless reference means the `latest` tag, in list, pin, update, drift and the lock alike.
    tag: o.ref ? (o.ref.tag ?? (o.ref.digest ? undefined : 'latest')) : undefined,
  };
}

/** occurrencesJson lists a scanned file's occurrences as occurrenceJson does, reading its text at most once. */
export function occurrencesJson(f: ScannedFile): Array<Record<string, unknown>> {
  if (f.occurrences.length === 0) return [];
  const offsets = byteOffsets(f, () => f.text);
  return f.occurrences.map((o) => occurrenceJson(o, offsets));
}

/** progressLine returns a progress reporter that redraws one stderr line on a TTY, or undefined elsewhere. */
export function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (done, total) => {
    stream.write(`\r${label} ${done}/${total}`);
    if (done === total) stream.write('\r\x1b[K');
  };
}

/**
 * emptyRunNote explains a run that scanned files but found no reference to pin (e.g. only
 * Helm templates), or undefined when there was something to pin.
 */
export function emptyRunNote(scanned: ScannedFile[]): string | undefined {
  const occurrences = scanned.flatMap((f) => f.occurrences);
  if (occurrences.some((o) => o.status !== 'skipped')) return undefined;
  const files = `${scanned.length} scanned file(s)`;
  if (occurrences.length === 0) {
    const ignored = scanned.filter((f) => f.ignored).length;
    return `no image reference to pin in ${files}; none of them holds an image reference digestpin recognises${ignored ? ` (${ignored} ignored, see above)` : ''}`;
  }
  const reasons = new Map<string, number>();
  for (const o of occurrences) reasons.set(o.skipReason ?? 'unknown', (reasons.get(o.skipReason ?? 'unknown') ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${reason}: ${n}`).join(', ');
  return `no image reference to pin in ${files}: ${occurrences.length} skipped (${why}); skipped references are never pinned (see "digestpin list")`;
}
