import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import type { PullRequestResult } from '../../src/pr/pull-request.js';
import type { ImageUpdate } from '../../src/pr/types.js';
import { openGroupPullRequests } from '../../src/update/group-prs.js';

const update = (image: string, group?: string): ImageUpdate => ({
  reference: `${image}:1`, image, tag: '1', oldDigest: 'sha256:a', newDigest: 'sha256:b', files: [], ...(group ? { group } : {}),
});
const result = (branch: string): PullRequestResult => ({ action: 'dry-run', branch, title: '', commitMessage: '', body: '', warnings: [] });

describe('openGroupPullRequests', () => {
  it('opens the default request first, then one per group in name order, each with its own updates', async () => {
    const opened: Array<[string | undefined, string, string[]]> = [];
    const out = await openGroupPullRequests({
      updates: [update('b', 'zeta'), update('a'), update('c', 'alpha'), update('d', 'zeta')],
      defaultBranch: 'digestpin/update-digests',
      open: async (group, branch, updates) => {
        opened.push([group, branch, updates.map((u) => u.image)]);
        return result(branch);
      },
    });
    expect(opened).toEqual([
      [undefined, 'digestpin/update-digests', ['a']],
      ['alpha', 'digestpin/alpha', ['c']],
      ['zeta', 'digestpin/zeta', ['b', 'd']],
    ]);
    expect(out.map((o) => o.count)).toEqual([1, 1, 2]);
  });

  it('still consults the default request when nothing moved', async () => {
    const branches: string[] = [];
    await openGroupPullRequests({ updates: [], defaultBranch: 'bot', open: async (_g, branch) => (branches.push(branch), result(branch)) });
    expect(branches).toEqual(['bot']);
  });

  it('refuses a group whose branch is the default branch', async () => {
    const error = await openGroupPullRequests({
      updates: [update('a', 'update-digests')], defaultBranch: 'digestpin/update-digests', open: async (_g, b) => result(b),
    }).catch((e: unknown) => e);
    expect(isPinError(error, 'USAGE')).toBe(true);
  });
});
