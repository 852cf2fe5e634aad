// Gitea / Forgejo REST v1 pull requests (https://docs.gitea.com/api/1.22/ ; Forgejo serves the
// same API). Close to GitHub's: `Authorization: token …`, `/repos/{owner}/{repo}/pulls`, label
// and assignee calls on the issue of the same number. Drafts are a `WIP:` title prefix.
import type { Dispatcher } from 'undici';
import { ForgeClient } from './http.js';
import type { Forge, NewPullRequest, PullRequest } from './types.js';

/** GiteaForgeOptions locates one repository on a Gitea or Forgejo instance. */
export interface GiteaForgeOptions {
  /** apiUrl is https://HOST/api/v1. */
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  /** tokenSource names where the token came from, for messages; default GITEA_TOKEN. */
  tokenSource?: string;
  dispatcher?: Dispatcher;
}

interface GiteaPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  head: { ref: string };
  base: { ref: string };
}

// Gitea's default WORK_IN_PROGRESS_PREFIXES are `WIP:` and `[WIP]`.
const DRAFT_PREFIX = /^(?:wip:|\[wip\])\s*/i;
const PAGE_SIZE = 50;
const MAX_PAGES = 20;

/** createGiteaForge returns a Forge for one Gitea or Forgejo repository. */
export function createGiteaForge(options: GiteaForgeOptions): Forge {
  return new GiteaForge(options);
}

class GiteaForge implements Forge {
  readonly kind = 'gitea' as const;
  private readonly client: ForgeClient;
  private readonly repoPath: string;
  /** drafts remembers which requests were drafts, so an update keeps the `WIP:` prefix. */
  private readonly drafts = new Set<number>();

  constructor(options: GiteaForgeOptions) {
    this.repoPath = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`;
    this.client = new ForgeClient({
      forge: 'Gitea',
      apiUrl: options.apiUrl,
      headers: { authorization: `token ${options.token}`, accept: 'application/json' },
      tokenSource: options.tokenSource ?? 'GITEA_TOKEN',
      repository: `${options.owner}/${options.repo}`,
      permissionHint: 'it needs the write:repository and write:issue scopes and write access to the repository',
      conflictPattern: /already exists/i,
      secrets: [options.token],
      dispatcher: options.dispatcher,
    });
  }

  async findOpenPullRequest(branch: string): Promise<PullRequest | undefined> {
    // The list API has no head filter on older releases: page through the open requests.
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ state: 'open', limit: String(PAGE_SIZE), page: String(page) });
      const pulls = await this.client.send<GiteaPull[]>('GET', `${this.repoPath}/pulls?${query.toString()}`);
      const match = pulls.filter((p) => p.head.ref === branch).sort((a, b) => a.number - b.number)[0];
      if (match !== undefined) return this.toPullRequest(match);
      if (pulls.length < PAGE_SIZE) return undefined;
    }
    return undefined;
  }

  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    const pull = await this.client.send<GiteaPull>('POST', `${this.repoPath}/pulls`, {
      title: request.draft === true ? `WIP: ${request.title}` : request.title,
      body: request.body,
      head: request.head,
      base: request.base,
    });
    return this.toPullRequest(pull);
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    const title = this.drafts.has(number) ? `WIP: ${change.title}` : change.title;
    const pull = await this.client.send<GiteaPull>('PATCH', `${this.repoPath}/pulls/${number}`, { title, body: change.body });
    return this.toPullRequest(pull);
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    // Label names are accepted besides ids since Gitea 1.20 / Forgejo 1.20.
    await this.client.send('POST', `${this.repoPath}/issues/${number}/labels`, { labels });
  }

  async requestReviewers(number: number, reviewers: string[]): Promise<void> {
    const names = clean(reviewers);
    const users = names.filter((n) => !n.includes('/'));
    const teams = names.filter((n) => n.includes('/')).map((n) => n.slice(n.indexOf('/') + 1));
    if (users.length === 0 && teams.length === 0) return;
    await this.client.send('POST', `${this.repoPath}/pulls/${number}/requested_reviewers`, { reviewers: users, team_reviewers: teams });
  }

  async addAssignees(number: number, assignees: string[]): Promise<void> {
    const names = clean(assignees);
    if (names.length === 0) return;
    await this.client.send('PATCH', `${this.repoPath}/issues/${number}`, { assignees: names });
  }

  private toPullRequest(pull: GiteaPull): PullRequest {
    const draft = DRAFT_PREFIX.test(pull.title);
    if (draft) this.drafts.add(pull.number);
    return {
      number: pull.number,
      url: pull.html_url,
      title: pull.title.replace(DRAFT_PREFIX, ''),
      body: pull.body ?? '',
      head: pull.head.ref,
      base: pull.base.ref,
    };
  }
}

function clean(names: string[]): string[] {
  return names.map((n) => n.trim().replace(/^@/, '')).filter((n) => n !== '');
}
