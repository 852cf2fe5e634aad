// `update --versions`: decide, before any digest is resolved, which tags move to a newer
// version. Tags are listed once per repository; the policy and versioning rules live in
// src/versioning, the per-image policy comes from the caller (config rules + --versions).
import pLimit from 'p-limit';
import { errorMessage, isPinError } from '../errors.js';
import type { Occurrence } from '../finders/types.js';
import { lockKey, type ResolveFailure } from '../pipeline/resolve.js';
import { parseReference } from '../reference/index.js';
import type { ImageReference } from '../reference/types.js';
import { canRetag } from '../rewrite/retag.js';
import { newestAllowed, type VersionBump, type VersionPolicy } from '../versioning/select.js';
import { parseTagVersion } from '../versioning/tag-version.js';

/** TagSource lists a repository's tags (RegistryClient.listTags). */
export interface TagSource {
  listTags(ref: ImageReference): Promise<string[]>;
}

/** PlannedBump is a version move for one occurrence, with the reference to resolve instead. */
export interface PlannedBump extends VersionBump {
  ref: ImageReference;
}

/** VersionPlan maps occurrences to their bumps; a repository whose tags could not be listed is a failure. */
export interface VersionPlan {
  bumps: Map<Occurrence, PlannedBump>;
  failures: ResolveFailure[];
}

/** VersionPlanner plans bumps for the occurrences a run considers. */
export type VersionPlanner = (occurrences: readonly Occurrence[]) => Promise<VersionPlan>;

/**
 * versionPlanner returns a planner that lists tags (bounded concurrency, one listing per
 * repository) for occurrences whose tag is a version and whose policy allows moves, and
 * picks the newest allowed tag. Occurrences whose tag cannot be edited in place (a
 * kustomize entry without newTag, a Helm map whose tag is inside `repository`) are left
 * to the digest-only update.
 */
export function versionPlanner(source: TagSource, policyFor: (ref: ImageReference) => VersionPolicy, concurrency = 8): VersionPlanner {
  return async (occurrences) => {
    const wanted = occurrences.filter((o) => canRetag(o) && parseTagVersion(o.ref!.tag!) && policyFor(o.ref!).level !== 'digest');
    const byRepository = new Map<string, ImageReference>();
    for (const o of wanted) if (!byRepository.has(o.ref!.name)) byRepository.set(o.ref!.name, o.ref!);
    const limit = pLimit(concurrency);
    const listed = new Map<string, string[]>();
    const failed = new Map<string, { code: ResolveFailure['code']; message: string }>();
    await Promise.all([...byRepository].map(([name, ref]) => limit(async () => {
      try {
        listed.set(name, await source.listTags(ref));
      } catch (error) {
        failed.set(name, { code: isPinError(error) ? error.code : 'UNKNOWN', message: `listing tags for --versions: ${errorMessage(error)}` });
      }
    })));
    const bumps = new Map<Occurrence, PlannedBump>();
    const failures = new Map<string, ResolveFailure>();
    for (const o of wanted) {
      const ref = o.ref!;
      const failure = failed.get(ref.name);
      if (failure) {
        failures.set(lockKey(ref), { key: lockKey(ref), ref, ...failure });
        continue;
      }
      const bump = newestAllowed(ref.tag!, listed.get(ref.name) ?? [], policyFor(ref));
      if (bump) bumps.set(o, { ...bump, ref: parseReference(`${ref.name}:${bump.to}`) });
    }
    return { bumps, failures: [...failures.values()] };
  };
}
