import { PinError } from '../errors.js';
import { isRecord, validateEntry, validateKey } from './validate.js';

/** LOCKFILE_VERSION is the current lock format version; readers reject newer ones. */
export const LOCKFILE_VERSION = 1;

/** LockHistoryEntry records a digest a tag pointed to before it moved. */
export interface LockHistoryEntry {
  digest: string;
  firstSeen: string;
  /** replaced is when digestpin recorded that the tag had moved away from this digest. */
  replaced: string;
}

/** LockEntry is what the lock knows about one `registry/repo:tag`. */
export interface LockEntry {
  digest: string;
  mediaType?: string;
  /** platforms maps `os/arch[/variant]` to the platform manifest digest (indexes only). */
  platforms?: Record<string, string>;
  /** files lists the files (relative to the lock's directory, `/`-separated) that use this tag. */
  files: string[];
  /** firstSeen is when this digest was first recorded for the tag (ISO 8601, UTC). */
  firstSeen: string;
  /** history keeps earlier digests, newest first (written by `drift --update-lock`, `update`). */
  history?: LockHistoryEntry[];
}

/** LockFile is the parsed `digestpin.lock.json`. */
export interface LockFile {
  lockfileVersion: number;
  /** images is keyed by fully qualified `registry/repo:tag`. */
  images: Record<string, LockEntry>;
}

/** emptyLock returns a lock with no entries. */
export function emptyLock(): LockFile {
  return { lockfileVersion: LOCKFILE_VERSION, images: {} };
}

/** validateLock checks parsed JSON against the lock schema, field by field, and returns it typed. */
export function validateLock(value: unknown, source: string): LockFile {
  const fail = (what: string): never => {
    throw new PinError('LOCK_INVALID', `${source}: invalid lock file: ${what}`);
  };
  if (!isRecord(value)) return fail('expected a JSON object');
  const version = value.lockfileVersion;
  if (typeof version !== 'number') return fail('missing lockfileVersion');
  if (!Number.isInteger(version) || version < 1) return fail(`lockfileVersion ${version} must be a positive integer`);
  if (version > LOCKFILE_VERSION) {
    return fail(`lockfileVersion ${version} is newer than this digestpin understands (${LOCKFILE_VERSION}); upgrade digestpin`);
  }
  for (const field of Object.keys(value)) if (field !== 'lockfileVersion' && field !== 'images') fail(`"${field}" is not a lock field`);
  if (!isRecord(value.images)) return fail('"images" must be an object');
  for (const [key, entry] of Object.entries(value.images)) {
    validateKey(key, fail);
    validateEntry(key, entry, fail);
  }
  return value as unknown as LockFile;
}
