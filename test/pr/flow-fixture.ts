// Shared pieces of the pull-request flow tests: digests, a manifest, a recording MockAgent
// (network disabled, no pending interceptors allowed) and a flow runner with GitHub defaults.
import { MockAgent } from 'undici';
import { afterEach, beforeEach } from 'vitest';
import { createGitHubForge } from '../../src/pr/github.js';
import { openOrUpdatePullRequest, type OpenPullRequestOptions } from '../../src/pr/pull-request.js';
import type { ImageUpdate } from '../../src/pr/types.js';
import { writeTree, type GitRepos } from './git-fixture.js';

export const A = `sha256:${'a1'.repeat(32)}`;
export const B = `sha256:${'b2'.repeat(32)}`;
export const C = `sha256:${'c3'.repeat(32)}`;
export const TOKEN = 'ghp_FlowTokenMustNotLeak0123456789';
export const GITHUB = 'https://api.github.com';
export const BRANCH = 'digestpin/update-digests';

/** manifest is a one-container pod pinned to `digest`. */
export const manifest = (digest: string) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25@${digest}\n`;

/** update is the ImageUpdate for nginx:1.25 moving from one digest to another. */
export const update = (from: string, to: string): ImageUpdate => ({
  reference: 'docker.io/library/nginx:1.25', image: 'nginx', tag: '1.25', oldDigest: from, newDigest: to,
  files: ['deploy/web.yaml'], explanation: 'rebuilt: created 2026-11-19 → 2026-11-20',
});

/** RecordedRequest is one API call a mock answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

/** requests are the calls answered in the current test, in order. */
export const requests: RecordedRequest[] = [];
/** logs are the flow's log lines in the current test. */
export const logs: string[] = [];
let agent: MockAgent | undefined;

/** resetRequests forgets the recorded calls. */
export function resetRequests(): void {
  requests.length = 0;
}

/** useMockApi installs a fresh MockAgent per test and returns a getter for it. */
export function useMockApi(): () => MockAgent {
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    resetRequests();
    logs.length = 0;
  });
  afterEach(async () => {
    agent?.assertNoPendingInterceptors();
    await agent?.close();
  });
  return () => {
    if (agent === undefined) throw new Error('useMockApi: no test is running');
    return agent;
  };
}

/** on registers one mocked API call that records the request it answers. */
export function on(origin: string, method: string, path: string, status: number, data: unknown,
  query?: Record<string, string>): void {
  if (agent === undefined) throw new Error('on: call useMockApi() first');
  agent.get(origin).intercept({ method, path, ...(query === undefined ? {} : { query }) }).reply((opts) => {
    requests.push({ method: opts.method, path: opts.path, body: opts.body === undefined ? undefined : JSON.parse(String(opts.body)) });
    return { statusCode: status, data: JSON.stringify(data), responseOptions: { headers: { 'content-type': 'application/json' } } };
  });
}

/** flow runs openOrUpdatePullRequest on the fixture repos; commitFiles writes `writeDigest`. */
export function flow(repos: GitRepos, updates: ImageUpdate[], writeDigest: string, extra: Partial<OpenPullRequestOptions> = {}) {
  return openOrUpdatePullRequest({
    updates,
    git: repos.git,
    forge: () => createGitHubForge({ apiUrl: GITHUB, owner: 'acme', repo: 'app', token: TOKEN, dispatcher: agent }),
    author: { name: 'digestpin', email: 'bot@example.com' },
    labels: ['dependencies'],
    reviewers: ['alice'],
    commitFiles: async () => writeTree(repos.work, { 'deploy/web.yaml': manifest(writeDigest), 'digestpin.lock': `${writeDigest}\n` }),
    log: (line) => logs.push(line),
    ...extra,
  });
}
