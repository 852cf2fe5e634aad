import { inspect } from 'node:util';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubForge, splitReviewers } from '../../src/pr/github.js';
import { ForgeApiError } from '../../src/pr/http.js';
import type { Forge } from '../../src/pr/types.js';

const TOKEN = 'ghp_NeverPrintThisToken0123456789abcdef';
const API = 'https://api.github.com';

let agent: MockAgent;
let forge: Forge;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  forge = createGitHubForge({ apiUrl: API, owner: 'acme', repo: 'app', token: TOKEN, dispatcher: agent });
});

afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const pull = (number: number, extra: Record<string, unknown> = {}) => ({
  number, html_url: `https://github.com/acme/app/pull/${number}`, title: 't', body: null,
  head: { ref: 'digestpin/update-digests' }, base: { ref: 'main' }, ...extra,
});

describe('GitHub forge', () => {
  it('sends the REST v3 headers and finds the open PR by owner:branch', async () => {
    let headers: Record<string, string> = {};
    agent.get(API).intercept({
      path: '/repos/acme/app/pulls',
      method: 'GET',
      query: { head: 'acme:digestpin/update-digests', state: 'open', per_page: '100' },
    }).reply((opts) => {
      headers = opts.headers as Record<string, string>;
      return { statusCode: 200, data: [pull(3, { head: { ref: 'other' } }), pull(12), pull(5)] };
    });
    const found = await forge.findOpenPullRequest('digestpin/update-digests');
    expect(found).toEqual({ number: 5, url: 'https://github.com/acme/app/pull/5', title: 't', body: '',
      head: 'digestpin/update-digests', base: 'main' });
    expect(headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'digestpin',
    });
  });

  it('creates, updates, labels and requests users and teams', async () => {
    const bodies: unknown[] = [];
    const record = (status: number, data: object) => (opts: { body?: unknown }) => {
      bodies.push(JSON.parse(String(opts.body)));
      return { statusCode: status, data };
    };
    const api = agent.get(API);
    api.intercept({ path: '/repos/acme/app/pulls', method: 'POST' }).reply(record(201, pull(7)));
    api.intercept({ path: '/repos/acme/app/pulls/7', method: 'PATCH' }).reply(record(200, pull(7, { title: 'new' })));
    api.intercept({ path: '/repos/acme/app/issues/7/labels', method: 'POST' }).reply(record(200, []));
    api.intercept({ path: '/repos/acme/app/pulls/7/requested_reviewers', method: 'POST' }).reply(record(201, pull(7)));
    await forge.createPullRequest({ title: 'T', body: 'B', head: 'h', base: 'main' });
    expect((await forge.updatePullRequest(7, { title: 'new', body: 'B2' })).title).toBe('new');
    await forge.addLabels(7, ['dependencies']);
    await forge.addLabels(7, []);
    await forge.requestReviewers(7, ['@alice', 'acme/platform', 'bob']);
    await forge.requestReviewers(7, []);
    expect(bodies).toEqual([
      { title: 'T', body: 'B', head: 'h', base: 'main', draft: false },
      { title: 'new', body: 'B2' },
      { labels: ['dependencies'] },
      { reviewers: ['alice', 'bob'], team_reviewers: ['platform'] },
    ]);
  });

  type ErrorRow = [string, number, object, Record<string, string>, RegExp, boolean];
  const rows: ErrorRow[] = [
    ['expired token', 401, { message: 'Bad credentials' }, {},
      /answered 401: the token from GITHUB_TOKEN was rejected \(invalid, expired or revoked\): Bad credentials$/, false],
    ['rate limit', 403, { message: 'API rate limit exceeded for installation ID 1.' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795046400' },
      /answered 403: rate limit exceeded \(resets at 2026-11-19T00:00:00.000Z\): API rate limit exceeded/, false],
    ['secondary rate limit', 429, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' },
      /answered 429: rate limit exceeded \(retry after 60 s\)/, false],
    ['missing permission', 403, { message: 'Resource not accessible by integration' }, { 'x-ratelimit-remaining': '4999' },
      /answered 403: permission denied for the token from GITHUB_TOKEN: Resource not accessible by integration; it needs write access/, false],
    ['unknown repository', 404, { message: 'Not Found' }, {},
      /answered 404: repository acme\/app not found or the token from GITHUB_TOKEN lacks access to it: Not Found$/, false],
    ['already exists', 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom',
      message: 'A pull request already exists for acme:digestpin/update-digests.' }] }, {},
    /answered 422: request rejected: Validation Failed; A pull request already exists for acme:digestpin\/update-digests\.$/, true],
    ['invalid field', 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }] }, {},
      /answered 422: request rejected: Validation Failed; PullRequest base invalid$/, false],
    ['server error', 502, {}, {}, /answered 502$/, false],
  ];

  it.each(rows)('maps %s to a clear FORGE_API error', async (_name, status, body, headers, message, conflict) => {
    agent.get(API).intercept({ path: '/repos/acme/app/pulls', method: 'POST' }).reply(status, body, { headers });
    const error = await forge.createPullRequest({ title: 'T', body: 'B', head: 'h', base: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeApiError);
    const e = error as ForgeApiError;
    expect(e.code).toBe('FORGE_API');
    expect(e.status).toBe(status);
    expect(e.conflict).toBe(conflict);
    expect(e.message).toMatch(/^GitHub API POST https:\/\/api\.github\.com\/repos\/acme\/app\/pulls answered /);
    expect(e.message).toMatch(message);
    expect(inspect(e)).not.toContain(TOKEN);
  });

  it('scrubs the token even if the server echoes it', async () => {
    agent.get(API).intercept({ path: '/repos/acme/app/pulls/1', method: 'PATCH' })
      .reply(401, { message: `token ${TOKEN} is expired` });
    const error = (await forge.updatePullRequest(1, { title: 't', body: 'b' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('token *** is expired');
    expect(inspect(error)).not.toContain(TOKEN);
  });

  it('reports an unreachable API without the token', async () => {
    agent.get(API).intercept({ path: '/repos/acme/app/issues/1/labels', method: 'POST' })
      .replyWithError(new Error('connect ECONNREFUSED 127.0.0.1:443'));
    const error = (await forge.addLabels(1, ['x']).catch((e: unknown) => e)) as ForgeApiError;
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/^cannot reach the GitHub API \(POST https:\/\/api\.github\.com\/repos\/acme\/app\/issues\/1\/labels\): /);
    expect(inspect(error)).not.toContain(TOKEN);
  });
});

describe('splitReviewers', () => {
  it('separates users from org/team slugs', () => {
    expect(splitReviewers(['@a', ' b ', 'org/team', '@org/other', ''])).toEqual({ users: ['a', 'b'], teams: ['team', 'other'] });
  });
});
