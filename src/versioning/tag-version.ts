// Docker tags as versions, after Renovate's docker versioning
// (renovatebot/renovate lib/modules/versioning/docker, docs/usage/docker.md "Version compatibility"):
// the numbers before the first hyphen are the release; the text after it is a compatibility
// suffix (`-alpine`, `-bookworm`, `-jdk17`) that is never changed; a tag only moves to tags of
// the same precision (`14.1` → `14.2`, never `14.2.0`). Differences from Renovate, on purpose:
// a `v` prefix is part of the family (`v1.2` never becomes `1.3`), hyphenated pre-releases
// (`1.3.0-rc.1`) are pre-releases of the plain family rather than a family of their own, and
// date tags (`20240101`) form their own family instead of competing with `1`, `2`, `3`.

/** TagVersion is a tag read as a version: its family (shape) and its ordering parts. */
export interface TagVersion {
  /** tag is the tag text as written. */
  tag: string;
  /** prefix is `v` or empty. */
  prefix: string;
  /** release is the numeric parts, e.g. [1, 2, 3]. */
  release: number[];
  /** prerelease is `rc.1`, `beta`, `b2`…, empty for a stable version. */
  prerelease: string;
  /** suffix is the compatibility suffix without its hyphen (`alpine`, `bookworm-slim`), or empty. */
  suffix: string;
  /** date: a single-part `YYYYMMDD` release. */
  date: boolean;
}

const RELEASE = /^(?<version>\d+(?:\.\d+)*)(?<glued>[A-Za-z]\w*)?$/;
const COMMIT_HASH = /^[a-f0-9]{7,40}$/;
const NUMERIC = /^\d+$/;
const DATE = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;
// A hyphenated piece that marks a pre-release rather than a platform (`-rc.1`, `-beta2`, `-alpha`).
const PRERELEASE_PIECE = /^(?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|next|insiders)(?:[.\d]*\d)?$/i;

/**
 * parseTagVersion reads a tag as a version, or returns undefined for tags that
 * are not versions (`latest`, `main`, `stable`, commit hashes, `sha-1a2b3c`).
 */
export function parseTagVersion(tag: string): TagVersion | undefined {
  if (COMMIT_HASH.test(tag) && !NUMERIC.test(tag)) return undefined;
  const prefix = /^v\d/.test(tag) ? 'v' : '';
  const [head = '', ...pieces] = tag.slice(prefix.length).split('-');
  const match = RELEASE.exec(head);
  if (!match?.groups) return undefined;
  const release = match.groups.version!.split('.').map(Number);
  if (release.some((n) => !Number.isSafeInteger(n))) return undefined;
  let prerelease = match.groups.glued ?? '';
  if (prerelease === '' && pieces[0] !== undefined && PRERELEASE_PIECE.test(pieces[0])) prerelease = pieces.shift()!;
  if (pieces.some((p) => p === '')) return undefined;
  const date = release.length === 1 && DATE.test(match.groups.version!);
  return { tag, prefix, release, prerelease, suffix: pieces.join('-'), date };
}

/** familyOf names a version's family: prefix, number of parts (or `date`), suffix. */
export function familyOf(v: TagVersion): string {
  return `${v.prefix}${v.date ? 'date' : `${v.release.length}-part`}${v.suffix ? `-${v.suffix}` : ''}`;
}

/** sameFamily reports whether `candidate` may replace `current`: same prefix, precision and suffix. */
export function sameFamily(current: TagVersion, candidate: TagVersion): boolean {
  return familyOf(current) === familyOf(candidate);
}

/** isPrerelease reports whether a version is a pre-release (`1.3.0-rc.1`, `1.3.0beta`). */
export function isPrerelease(v: TagVersion): boolean {
  return v.prerelease !== '';
}

/**
 * compareVersions orders two versions of one family: by release numbers, then a
 * pre-release before its release, then pre-releases in natural order (`rc.2` < `rc.10`).
 */
export function compareVersions(a: TagVersion, b: TagVersion): number {
  const length = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] ?? -1) - (b.release[i] ?? -1);
    if (diff !== 0) return Math.sign(diff);
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return Math.sign(a.prerelease.localeCompare(b.prerelease, 'en', { numeric: true }));
}

/** UpdateKind is how far a version moves: the first release part that changes (dates count as major). */
export type UpdateKind = 'major' | 'minor' | 'patch';

/** updateKind classifies a move between two versions of one family (`patch` also covers a 4th part or a pre-release step). */
export function updateKind(from: TagVersion, to: TagVersion): UpdateKind {
  if (from.release[0] !== to.release[0]) return 'major';
  if (from.release[1] !== to.release[1]) return 'minor';
  return 'patch';
}

/** sameRelease reports whether two versions have the same numbers (`1.3.0-rc.1` and `1.3.0`). */
export function sameRelease(a: TagVersion, b: TagVersion): boolean {
  return a.release.length === b.release.length && a.release.every((n, i) => n === b.release[i]);
}
