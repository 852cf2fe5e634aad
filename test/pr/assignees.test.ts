// addAssignees on GitHub and GitLab (issue 16: assignees from .digestpin.yaml); Gitea is
// covered end to end by test/integration/update-gitea.test.ts.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubForge } from '../../src/pr/github.js';
import { createGitLabForge } from '../../src/pr/gitlab.js';

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('addAssignees', () => {
  it('GitHub: POSTs the user names to the issue assignees API', async () => {
    let body: unknown;
    agent.get('https://api.github.com').intercept({ path: '/repos/acme/app/issues/7/assignees', method: 'POST' }).reply((opts) => {
      body = JSON.parse(String(opts.body));
      return { statusCode: 201, data: {} };
    });
    const forge = createGitHubForge({ apiUrl: 'https://api.github.com', owner: 'acme', repo: 'app', token: 't', dispatcher: agent });
    await forge.addAssignees(7, ['@bob', ' carol ', '']);
    expect(body).toEqual({ assignees: ['bob', 'carol'] });
    await forge.addAssignees(7, []);
  });

  it('GitLab: looks up user ids and sets assignee_ids on the merge request', async () => {
    const pool = agent.get('https://gitlab.example');
    pool.intercept({ path: '/api/v4/users', method: 'GET', query: { username: 'bob' } }).reply(200, [{ id: 42 }]);
    let body: unknown;
    pool.intercept({ path: '/api/v4/projects/group%2Fapp/merge_requests/3', method: 'PUT' }).reply((opts) => {
      body = JSON.parse(String(opts.body));
      return { statusCode: 200, data: {} };
    });
    const forge = createGitLabForge({ apiUrl: 'https://gitlab.example/api/v4', projectPath: 'group/app', token: 't', dispatcher: agent });
    await forge.addAssignees(3, ['bob']);
    expect(body).toEqual({ assignee_ids: [42] });
  });
});
