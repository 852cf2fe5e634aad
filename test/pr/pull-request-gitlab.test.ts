import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PinError } from '../../src/errors.js';
import { createGitLabForge } from '../../src/pr/gitlab.js';
import { A, B, BRANCH, C, flow, manifest, on, requests, resetRequests, update, useMockApi } from './flow-fixture.js';
import { makeRepos } from './git-fixture.js';

const GITLAB = 'https://gitlab.example.com';
const agent = useMockApi();

describe('openOrUpdatePullRequest on GitLab', () => {
  const project = '/api/v4/projects/group%2Fapp';
  const mr = (iid: number, title: string, description: string) => ({
    iid, title, description, web_url: `${GITLAB}/group/app/-/merge_requests/${iid}`, source_branch: BRANCH, target_branch: 'main',
  });
  const mrQuery = { source_branch: BRANCH, state: 'opened', per_page: '100' };
  const gitlab = () => createGitLabForge({ apiUrl: `${GITLAB}/api/v4`, projectPath: 'group/app', token: 'glpat-secret-value', dispatcher: agent() });

  it('creates the merge request from a detached HEAD, then updates it', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    repos.sh(['checkout', '--quiet', '--detach']); // GitLab CI checks out a detached commit
    const start = repos.sh(['rev-parse', 'HEAD']);
    on(GITLAB, 'GET', `${project}/merge_requests`, 200, [], mrQuery);
    on(GITLAB, 'POST', `${project}/merge_requests`, 201, mr(4, 'x', 'y'));
    on(GITLAB, 'PUT', `${project}/merge_requests/4`, 200, mr(4, 'x', 'y'));
    on(GITLAB, 'GET', '/api/v4/users', 200, [{ id: 42 }], { username: 'alice' });
    on(GITLAB, 'PUT', `${project}/merge_requests/4`, 200, mr(4, 'x', 'y'));
    const created = await flow(repos, [update(A, B)], B, { forge: gitlab });
    expect(created).toMatchObject({ action: 'created', number: 4, url: `${GITLAB}/group/app/-/merge_requests/4` });
    expect(requests[1]?.body).toEqual({ source_branch: BRANCH, target_branch: 'main', title: created.title,
      description: created.body, remove_source_branch: true });
    expect(requests[2]?.body).toEqual({ add_labels: 'dependencies' });
    expect(requests[4]?.body).toEqual({ reviewer_ids: [42] });
    expect(repos.sh(['rev-parse', 'HEAD'])).toBe(start);
    expect(repos.sh(['show', `${BRANCH}:deploy/web.yaml`], repos.origin)).toBe(manifest(B).trim());

    resetRequests();
    on(GITLAB, 'GET', `${project}/merge_requests`, 200, [mr(4, `Draft: ${created.title}`, created.body)], mrQuery);
    on(GITLAB, 'PUT', `${project}/merge_requests/4`, 200, mr(4, 'new', 'new'));
    const updated = await flow(repos, [update(A, C)], C, { forge: gitlab, labels: [] });
    expect(updated).toMatchObject({ action: 'updated', number: 4 });
    // A draft stays a draft: GitLab derives it from the title prefix.
    expect(requests[1]).toEqual({ method: 'PUT', path: `${project}/merge_requests/4`,
      body: { title: `Draft: ${updated.title}`, description: updated.body } });
    expect(repos.sh(['show', `${BRANCH}:deploy/web.yaml`], repos.origin)).toBe(manifest(C).trim());
  });

  it('maps 409 "already exists" to an update of the existing merge request', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITLAB, 'GET', `${project}/merge_requests`, 200, [], mrQuery);
    on(GITLAB, 'POST', `${project}/merge_requests`, 409, { message: ['Another open merge request already exists for this source branch: !5'] });
    on(GITLAB, 'GET', `${project}/merge_requests`, 200, [mr(5, 'old', 'old')], mrQuery);
    on(GITLAB, 'PUT', `${project}/merge_requests/5`, 200, mr(5, 'new', 'new'));
    const result = await flow(repos, [update(A, B)], B, { forge: gitlab, labels: [] });
    expect(result).toMatchObject({ action: 'updated', number: 5 });
  });

  it('says which token was rejected', async () => {
    const repos = makeRepos({ 'deploy/web.yaml': manifest(A) });
    on(GITLAB, 'GET', `${project}/merge_requests`, 401, { message: '401 Unauthorized' }, mrQuery);
    const error = await flow(repos, [update(A, B)], B, { forge: gitlab }).catch((e: unknown) => e);
    expect((error as PinError).message).toMatch(/^GitLab API GET .* answered 401: the token from GITLAB_TOKEN was rejected/);
    expect(inspect(error)).not.toContain('glpat-secret-value');
  });
});
