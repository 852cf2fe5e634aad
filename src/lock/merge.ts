import type { PlatformDigest } from '../resolver/types.js';
import { LOCKFILE_VERSION, type LockEntry, type LockFile } from './schema.js';

/** LockRecord is one tag observed during a run, with where it appears. */
export interface LockRecord {
  /** key is the fully qualified `registry/repo:tag`. */
  key: string;
  digest: string;
  mediaType?: string;
  platforms?: PlatformDigest[];
  files: string[];
}

/**
 * mergeLock folds the tags observed in a run into the previous lock.
 * A tag's `firstSeen` changes only when its digest changes (the old digest
 * moves to `history`). Entries not observed lose the scanned files; entries
 * left with no files are dropped, so the lock tracks the tree.
 */
export function mergeLock(previous: LockFile, records: LockRecord[], scannedFiles: Set<string>, now: string): LockFile {
  const images: Record<string, LockEntry> = {};
  const observed = groupRecords(records);
  for (const [key, entry] of Object.entries(previous.images)) {
    if (observed.has(key)) continue;
    const files = entry.files.filter((f) => !scannedFiles.has(f));
    if (files.length > 0) images[key] = { ...entry, files };
  }
  for (const [key, record] of observed) images[key] = mergeEntry(previous.images[key], record, scannedFiles, now);
  return { lockfileVersion: LOCKFILE_VERSION, images };
}

/** groupRecords folds the records of one tag into one (files appended in order; the first digest wins). */
export function groupRecords(records: LockRecord[]): Map<string, LockRecord> {
  const byKey = new Map<string, LockRecord>();
  for (const record of records) {
    const seen = byKey.get(record.key);
    if (!seen) byKey.set(record.key, { ...record, files: [...record.files] });
    else {
      seen.files.push(...record.files);
      seen.mediaType ||= record.mediaType;
      seen.platforms ??= record.platforms;
    }
  }
  return byKey;
}

function mergeEntry(old: LockEntry | undefined, record: LockRecord, scanned: Set<string>, now: string): LockEntry {
  const keptFiles = (old?.files ?? []).filter((f) => !scanned.has(f));
  const files = [...new Set([...keptFiles, ...record.files])].sort();
  const platforms = record.platforms ? platformMap(record.platforms) : undefined;
  if (old && old.digest === record.digest) {
    return {
      ...old,
      files,
      mediaType: record.mediaType || old.mediaType,
      platforms: platforms ?? old.platforms,
    };
  }
  const history = old
    ? [{ digest: old.digest, firstSeen: old.firstSeen, replaced: now }, ...(old.history ?? [])]
    : undefined;
  return { digest: record.digest, mediaType: record.mediaType || undefined, platforms, files, firstSeen: now, history };
}

/** platformMap turns per-platform digests into the lock's `{ "os/arch": digest }` form. */
export function platformMap(platforms: PlatformDigest[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of platforms) out[p.platform] = p.digest;
  return out;
}
