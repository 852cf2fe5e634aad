// GitHub REST v3 pull requests (https://docs.github.com/en/rest/pulls/pulls).
import type { Dispatcher } from 'undici';
import { ForgeClient } from './http.js';
import type { Forge, NewPullRequest, PullRequest } from './types.js';

/** GitHubForgeOptions locates one repository on github.com or GitHub Enterprise Server. */
export interface GitHubForgeOptions {
  /** apiUrl is https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  /** tokenSource names where the token came from, for messages; default GITHUB_TOKEN. */
  tokenSource?: string;
  dispatcher?: Dispatcher;
}

interface GitHubPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  head: { ref: string };
  base: { ref: string };
}

/** createGitHubForge returns a Forge for one GitHub repository. */
export function createGitHubForge(options: GitHubForgeOptions): Forge {
  return new GitHubForge(options);
}

class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  private readonly client: ForgeClient;
  private readonly repoPath: string;

  constructor(private readonly options: GitHubForgeOptions) {
    this.repoPath = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`;
    this.client = new ForgeClient({
      forge: 'GitHub',
      apiUrl: options.apiUrl,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
      tokenSource: options.tokenSource ?? 'GITHUB_TOKEN',
      repository: `${options.owner}/${options.repo}`,
      permissionHint: 'it needs write access to contents and pull requests '
        + '(in GitHub Actions also "Allow GitHub Actions to create and approve pull requests")',
      conflictPattern: /already exists/i,
      secrets: [options.token],
      dispatcher: options.dispatcher,
    });
  }

  async findOpenPullRequest(branch: string): Promise<PullRequest | undefined> {
    // `head` must be `owner:branch`; without the owner GitHub ignores the filter.
    const query = new URLSearchParams({ head: `${this.options.owner}:${branch}`, state: 'open', per_page: '100' });
    const pulls = await this.client.send<GitHubPull[]>('GET', `${this.repoPath}/pulls?${query.toString()}`);
    const match = pulls.filter((p) => p.head.ref === branch).sort((a, b) => a.number - b.number)[0];
    return match === undefined ? undefined : toPullRequest(match);
  }

  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    const pull = await this.client.send<GitHubPull>('POST', `${this.repoPath}/pulls`, {
      title: request.title,
      body: request.body,
      head: request.head,
      base: request.base,
      draft: request.draft ?? false,
    });
    return toPullRequest(pull);
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    const pull = await this.client.send<GitHubPull>('PATCH', `${this.repoPath}/pulls/${number}`, change);
    return toPullRequest(pull);
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    // Pull requests share the issues label API.
    await this.client.send('POST', `${this.repoPath}/issues/${number}/labels`, { labels });
  }

  async requestReviewers(number: number, reviewers: string[]): Promise<void> {
    const { users, teams } = splitReviewers(reviewers);
    if (users.length === 0 && teams.length === 0) return;
    await this.client.send('POST', `${this.repoPath}/pulls/${number}/requested_reviewers`, {
      reviewers: users,
      team_reviewers: teams,
    });
  }

  async addAssignees(number: number, assignees: string[]): Promise<void> {
    const names = assignees.map((a) => a.trim().replace(/^@/, '')).filter((a) => a !== '');
    if (names.length === 0) return;
    // Pull requests share the issues assignee API.
    await this.client.send('POST', `${this.repoPath}/issues/${number}/assignees`, { assignees: names });
  }
}

/** splitReviewers separates `user`/`@user` from `org/team`/`@org/team` (team slugs). */
export function splitReviewers(reviewers: string[]): { users: string[]; teams: string[] } {
  const users: string[] = [];
  const teams: string[] = [];
  for (const raw of reviewers) {
    const name = raw.trim().replace(/^@/, '');
    if (name === '') continue;
    const slash = name.indexOf('/');
    if (slash >= 0) teams.push(name.slice(slash + 1));
    else users.push(name);
  }
  return { users, teams };
}

function toPullRequest(pull: GitHubPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    head: pull.head.ref,
    base: pull.base.ref,
  };
}
