import { PinError } from '../errors.js';

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

const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

/** validateLock checks parsed JSON against the lock schema and returns it typed. */
export function validateLock(value: unknown, source: string): LockFile {
  const fail = (what: string): never => {
    throw new PinError('LOCK_INVALID', `${source}: invalid lock file: ${what}`);
  };
  if (!isRecord(value)) return fail('expected a JSON object');
  const version = value.lockfileVersion;
  if (typeof version !== 'number') return fail('missing lockfileVersion');
  if (version > LOCKFILE_VERSION) {
    return fail(`lockfileVersion ${version} is newer than this digestpin understands (${LOCKFILE_VERSION}); upgrade digestpin`);
  }
  if (!isRecord(value.images)) return fail('"images" must be an object');
  for (const [key, entry] of Object.entries(value.images)) validateEntry(key, entry, fail);
  return value as unknown as LockFile;
}

function validateEntry(key: string, entry: unknown, fail: (what: string) => never): void {
  if (!isRecord(entry)) fail(`images["${key}"] must be an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.digest !== 'string' || !DIGEST.test(e.digest)) fail(`images["${key}"].digest is not a valid digest`);
  if (!Array.isArray(e.files) || !e.files.every((f) => typeof f === 'string')) fail(`images["${key}"].files must be a list of paths`);
  if (typeof e.firstSeen !== 'string') fail(`images["${key}"].firstSeen is missing`);
  if (e.platforms !== undefined && !isRecord(e.platforms)) fail(`images["${key}"].platforms must be an object`);
  if (e.history !== undefined && !Array.isArray(e.history)) fail(`images["${key}"].history must be a list`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
