import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isPinError, type PinError } from '../../src/errors.js';
import { openOrUpdatePullRequest, type PrGit } from '../../src/pr/pull-request.js';
import { A, B, BRANCH, C, flow, GITHUB, logs, manifest, on, requests, resetRequests, TOKEN, update, useMockApi } from './flow-fixture.js';
import { makeRepos, writeTree, type GitRepos } from './git-fixture.js';

useMockApi();

const listQuery = { head: `acme:${BRANCH}`, state: 'open', per_page: '100' };
const pull = (number: number, title: string, body: string) => ({
  number, title, body, html_url: `https://github.com/acme/app/pull/${number}`, head: { ref: BRANCH }, base: { ref: 'main' },
});

/** remoteBranch returns the bot branch's commit on origin, or '' when it does not exist. */
const remoteBranch = (repos: GitRepos) => repos.sh(['for-each-ref', '--format=%(objectname)', `refs/heads/${BRANCH}`], repos.origin);

function expectBackOnMain(repos: GitRepos): void {
  expect(repos.sh(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
  expect(repos.sh(['status', '--porcelain', '--untracked-files=all'])).toBe('');
  expect(readFileSync(join(repos.work, 'deploy/web.yaml'), 'utf8')).toBe(manifest(A));
}

describe('openOrUpdatePullRequest on GitHub', () => {
  it('first run pushes the branch and opens the PR with labels and reviewers', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 201, pull(7, 'x', 'y'));
    on(GITHUB, 'POST', '/repos/acme/app/issues/7/labels', 200, []);
    on(GITHUB, 'POST', '/repos/acme/app/pulls/7/requested_reviewers', 201, pull(7, 'x', 'y'));

    const result = await flow(repos, [update(A, B)], B);

    expect(result).toMatchObject({ action: 'created', number: 7, url: 'https://github.com/acme/app/pull/7', branch: BRANCH, base: 'main',
      title: 'chore(deps): update nginx:1.25 digest to b2b2b2b', warnings: [] });
    expect(requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /repos/acme/app/pulls', 'POST /repos/acme/app/pulls', 'POST /repos/acme/app/issues/7/labels',
      'POST /repos/acme/app/pulls/7/requested_reviewers',
    ]);
    const created = requests[1]?.body ?? {};
    expect(created).toMatchObject({ head: BRANCH, base: 'main', title: 'chore(deps): update nginx:1.25 digest to b2b2b2b', draft: false });
    expect(created['body']).toBe(result.body);
    expect(result.body).toContain('<!-- digestpin:update-digests -->');
    expect(result.body).toContain('| `nginx` | `1.25` | `a1a1a1a1a1a1` → `b2b2b2b2b2b2` | `deploy/web.yaml` | rebuilt: created 2026-11-19 → 2026-11-20 |');
    expect(requests[2]?.body).toEqual({ labels: ['dependencies'] });

    // The branch on origin: one commit on top of main, with the generated message and author.
    expect(repos.sh(['rev-list', '--count', `main..${BRANCH}`], repos.origin)).toBe('1');
    expect(repos.sh(['log', '-1', '--format=%an <%ae>%n%B', BRANCH], repos.origin)).toBe(`digestpin <bot@example.com>\n${result.commitMessage.trim()}`);
    expect(repos.sh(['show', `${BRANCH}:deploy/web.yaml`], repos.origin)).toBe(manifest(B).trim());
    expect(repos.sh(['show', `${BRANCH}:digestpin.lock`], repos.origin)).toBe(B);
    expectBackOnMain(repos);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('a second move force-pushes the branch and updates the same PR', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 201, pull(7, 'x', 'y'));
    const first = await flow(repos, [update(A, B)], B, { labels: [], reviewers: [] });
    const firstCommit = remoteBranch(repos);

    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [pull(7, first.title, first.body)], listQuery);
    on(GITHUB, 'PATCH', '/repos/acme/app/pulls/7', 200, pull(7, 'new', 'new'));
    on(GITHUB, 'POST', '/repos/acme/app/issues/7/labels', 200, []);
    resetRequests();
    const second = await flow(repos, [update(A, C)], C);

    expect(second).toMatchObject({ action: 'updated', number: 7, title: 'chore(deps): update nginx:1.25 digest to c3c3c3c' });
    expect(requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'POST']);
    expect(requests[1]?.body).toEqual({ title: second.title, body: second.body });
    expect(second.body).toContain('`a1a1a1a1a1a1` → `c3c3c3c3c3c3`');
    expect(remoteBranch(repos)).not.toBe(firstCommit);
    expect(repos.sh(['rev-list', '--count', `main..${BRANCH}`], repos.origin)).toBe('1');
    expect(repos.sh(['show', `${BRANCH}:deploy/web.yaml`], repos.origin)).toBe(manifest(C).trim());
    expectBackOnMain(repos);
  });

  it('the same move again neither pushes nor edits the PR', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 201, pull(7, 'x', 'y'));
    const first = await flow(repos, [update(A, B)], B, { labels: [], reviewers: [] });
    const pushed = remoteBranch(repos);

    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [pull(7, first.title, first.body)], listQuery);
    logs.length = 0;
    const again = await flow(repos, [update(A, B)], B);
    expect(again).toMatchObject({ action: 'unchanged', number: 7, url: 'https://github.com/acme/app/pull/7' });
    expect(remoteBranch(repos)).toBe(pushed);
    expect(logs).toContain(`branch ${BRANCH} on origin is already up to date`);
    expectBackOnMain(repos);
  });

  it('does nothing at all when no digest moved', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    let forgeCreated = false;
    for (const updates of [[], [update(A, A)]]) {
      const result = await openOrUpdatePullRequest({
        updates, git: repos.git, log: (l) => logs.push(l),
        forge: () => { forgeCreated = true; throw new Error('not needed'); },
        commitFiles: () => { throw new Error('must not write'); },
      });
      expect(result).toEqual({ action: 'unchanged', branch: BRANCH, title: '', commitMessage: '', body: '', warnings: [] });
    }
    expect(forgeCreated).toBe(false);
    expect(requests).toEqual([]);
    expect(remoteBranch(repos)).toBe('');
    expect(repos.sh(['branch', '--list', BRANCH])).toBe('');
    expect(logs).toEqual(['no pinned digest moved; nothing to do', 'no pinned digest moved; nothing to do']);
  });

  it('on 422 "already exists" finds the PR again and updates it', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 422, { message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${BRANCH}.` }] });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [pull(9, 'old', 'old')], listQuery);
    on(GITHUB, 'PATCH', '/repos/acme/app/pulls/9', 200, pull(9, 'new', 'new'));
    const result = await flow(repos, [update(A, B)], B, { labels: [] });
    expect(result).toMatchObject({ action: 'updated', number: 9 });
    expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
  });

  it('on 422 "already exists" without a findable PR gives a clear error', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 422, { message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${BRANCH}.` }] });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    const error = await flow(repos, [update(A, B)], B).catch((e: unknown) => e);
    expect(isPinError(error, 'FORGE_API')).toBe(true);
    expect((error as PinError).message).toMatch(/A pull request already exists for acme:digestpin\/update-digests\.; but no open pull request from branch digestpin\/update-digests was found/);
  });

  it('an expired token gives a clear error that never shows the token', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }, listQuery);
    const error = await flow(repos, [update(A, B)], B).catch((e: unknown) => e);
    expect(isPinError(error, 'FORGE_API')).toBe(true);
    expect((error as PinError).message).toBe(`GitHub API GET ${GITHUB}/repos/acme/app/pulls?head=acme%3Adigestpin%2Fupdate-digests&state=open&per_page=100 `
      + 'answered 401: the token from GITHUB_TOKEN was rejected (invalid, expired or revoked): Bad credentials');
    expect(inspect(error)).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expectBackOnMain(repos);
  });

  it('keeps a created PR when labels fail, and reports a warning', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    on(GITHUB, 'POST', '/repos/acme/app/pulls', 201, pull(7, 'x', 'y'));
    on(GITHUB, 'POST', '/repos/acme/app/issues/7/labels', 403, { message: 'Resource not accessible by integration' });
    const result = await flow(repos, [update(A, B)], B, { reviewers: [] });
    expect(result.action).toBe('created');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^could not add labels: GitHub API POST .* answered 403: permission denied/);
  });
});

describe('openOrUpdatePullRequest safety', () => {
  it('dry run prints branch, commit message and body without touching git or the API', async () => {
    const untouchable = new Proxy({}, { get: (_t, name) => () => { throw new Error(`git.${String(name)} called`); } }) as PrGit;
    const result = await openOrUpdatePullRequest({
      updates: [update(A, B)], git: untouchable, dryRun: true, base: 'main', log: (l) => logs.push(l),
      forge: () => { throw new Error('forge created'); }, commitFiles: () => { throw new Error('files written'); },
    });
    expect(result.action).toBe('dry-run');
    // The log says what would happen; the texts come back in the result for the caller to print once.
    expect(logs).toEqual([
      `dry run: would commit to branch ${BRANCH} (from main), push it to origin and open or update its pull request`,
    ]);
    expect(result.title).toBe('chore(deps): update nginx:1.25 digest to b2b2b2b');
    expect(result.body).toContain('<!-- digestpin:update-digests -->');
  });

  it('checks the token before pushing: a 401 leaves no branch on the remote', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 401, { message: 'Bad credentials' }, listQuery);
    await expect(flow(repos, [update(A, B)], B)).rejects.toThrow(/answered 401/);
    expect(remoteBranch(repos)).toBe('');
    expectBackOnMain(repos);
  });

  it('refuses a dirty working tree before switching branches', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    writeTree(repos.work, { 'scratch.txt': 'x' });
    await expect(flow(repos, [update(A, B)], B)).rejects.toThrow(/^the working tree has uncommitted or untracked changes \(scratch\.txt\)/);
    expect(remoteBranch(repos)).toBe('');
  });

  it('returns to the starting branch and removes its edits when writing fails', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    const error = await flow(repos, [update(A, B)], B, {
      commitFiles: async () => {
        writeTree(repos.work, { 'deploy/web.yaml': manifest(B), 'digestpin.lock': 'partial' });
        throw new Error('disk full');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('disk full');
    expectBackOnMain(repos);
    expect(remoteBranch(repos)).toBe('');
  });

  it('reports "unchanged" when the base branch already has the new digests', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITHUB, 'GET', '/repos/acme/app/pulls', 200, [], listQuery);
    const result = await flow(repos, [update(A, B)], B, {
      commitFiles: async () => writeTree(repos.work, { 'deploy/web.yaml': manifest(A) }),
    });
    expect(result).toMatchObject({ action: 'unchanged', base: 'main' });
    expect(remoteBranch(repos)).toBe('');
  });
});
