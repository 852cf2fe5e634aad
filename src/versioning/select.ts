import picomatch from 'picomatch';
import type { VersionRange } from './range.js';
import {
  compareVersions, isPrerelease, parseTagVersion, sameFamily, sameRelease, updateKind, type TagVersion, type UpdateKind,
} from './tag-version.js';

/** VersionLevel is how far `update --versions` may move a tag; `digest` never changes the tag. */
export type VersionLevel = 'digest' | UpdateKind;

/** VERSION_LEVELS lists the levels from the most to the least conservative. */
export const VERSION_LEVELS: readonly VersionLevel[] = ['digest', 'patch', 'minor', 'major'];

/** VersionPolicy is what may be proposed for one image. */
export interface VersionPolicy {
  level: VersionLevel;
  /** allowed limits candidates to a range of release numbers. */
  allowed?: VersionRange;
  /** ignoreTags are tag globs never proposed (`*-rc*`, `2.0.0`). */
  ignoreTags?: string[];
}

/** VersionBump is the tag a policy moves a current tag to, and how far. */
export interface VersionBump {
  from: string;
  to: string;
  kind: UpdateKind;
}

const RANK: Record<VersionLevel, number> = { digest: 0, patch: 1, minor: 2, major: 3 };

/**
 * newestAllowed picks the newest tag the policy allows for `current`, or undefined
 * when the current tag is not a version, the policy says `digest`, or nothing newer
 * qualifies. Candidates are tags of the same family; pre-releases only when the
 * current tag is one, and then only stable tags or pre-releases of the same release
 * (Renovate's rule for unstable versions).
 */
export function newestAllowed(current: string, tags: readonly string[], policy: VersionPolicy): VersionBump | undefined {
  const from = parseTagVersion(current);
  if (!from || policy.level === 'digest') return undefined;
  const ignored = policy.ignoreTags?.length ? picomatch([...policy.ignoreTags]) : () => false;
  let best: TagVersion | undefined;
  for (const tag of tags) {
    const to = parseTagVersion(tag);
    if (!to || !sameFamily(from, to) || compareVersions(to, from) <= 0) continue;
    if (isPrerelease(to) && !(isPrerelease(from) && sameRelease(from, to))) continue;
    if (RANK[updateKind(from, to)] > RANK[policy.level]) continue;
    if (policy.allowed && !policy.allowed(to)) continue;
    if (ignored(tag)) continue;
    if (!best || compareVersions(to, best) > 0) best = to;
  }
  return best ? { from: current, to: best.tag, kind: updateKind(from, best) } : undefined;
}
