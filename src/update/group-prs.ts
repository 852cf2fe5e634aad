import { PinError } from '../errors.js';
import type { PullRequestResult } from '../pr/pull-request.js';
import type { ImageUpdate } from '../pr/types.js';

/** GROUP_BRANCH_PREFIX starts the branch of a configured update group (`digestpin/<group>`). */
export const GROUP_BRANCH_PREFIX = 'digestpin/';

/** GroupPullRequests says how to open one group's pull request. */
export interface GroupPullRequests {
  updates: readonly ImageUpdate[];
  /** defaultBranch carries the ungrouped updates (`--branch`). */
  defaultBranch: string;
  open: (group: string | undefined, branch: string, updates: ImageUpdate[]) => Promise<PullRequestResult>;
}

/**
 * openGroupPullRequests opens or refreshes one pull request per group (branch
 * `digestpin/<group>`) and one for the ungrouped updates (the default branch), one
 * after the other (they share the working tree). With no update at all, the default
 * request is still consulted once, so the "nothing to do" outcome is reported.
 */
export async function openGroupPullRequests(options: GroupPullRequests): Promise<Array<{ group?: string; result: PullRequestResult; count: number }>> {
  const byGroup = new Map<string | undefined, ImageUpdate[]>();
  for (const u of options.updates) byGroup.set(u.group, [...(byGroup.get(u.group) ?? []), u]);
  if (byGroup.size === 0) byGroup.set(undefined, []);
  // (Array#sort always moves undefined last, so the default request is put first by hand.)
  const named = [...byGroup.keys()].filter((g): g is string => g !== undefined).sort();
  const order = byGroup.has(undefined) ? [undefined, ...named] : named;
  for (const group of named) {
    if (`${GROUP_BRANCH_PREFIX}${group}` === options.defaultBranch) {
      throw new PinError('USAGE', `update group "${group}" would use branch ${options.defaultBranch}, which is the default pull request's branch; rename the group or pass --branch`);
    }
  }
  const out: Array<{ group?: string; result: PullRequestResult; count: number }> = [];
  for (const group of order) {
    const updates = byGroup.get(group)!;
    const branch = group === undefined ? options.defaultBranch : `${GROUP_BRANCH_PREFIX}${group}`;
    const result = await options.open(group, branch, updates);
    out.push({ ...(group === undefined ? {} : { group }), result, count: updates.length });
  }
  return out;
}
