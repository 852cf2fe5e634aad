// GitLab REST v4 merge requests (https://docs.gitlab.com/api/merge_requests/).
import type { Dispatcher } from 'undici';
import { ForgeApiError, ForgeClient } from './http.js';
import type { Forge, NewPullRequest, PullRequest } from './types.js';

/** GitLabForgeOptions locates one project on gitlab.com or a self-hosted GitLab. */
export interface GitLabForgeOptions {
  /** apiUrl is https://gitlab.com/api/v4 or https://HOST/api/v4. */
  apiUrl: string;
  /** projectPath is the full path with subgroups, e.g. `group/sub/project`. */
  projectPath: string;
  token: string;
  /** tokenSource names where the token came from, for messages; default GITLAB_TOKEN. */
  tokenSource?: string;
  dispatcher?: Dispatcher;
}

interface GitLabMergeRequest {
  iid: number;
  web_url: string;
  title: string;
  description: string | null;
  source_branch: string;
  target_branch: string;
  draft?: boolean;
}

// GitLab marks drafts by a title prefix (https://docs.gitlab.com/user/project/merge_requests/drafts/).
const DRAFT_PREFIX = /^(?:\[draft\]|\(draft\)|draft:|draft\s-\s)\s*/i;

/** createGitLabForge returns a Forge for one GitLab project. */
export function createGitLabForge(options: GitLabForgeOptions): Forge {
  return new GitLabForge(options);
}

class GitLabForge implements Forge {
  readonly kind = 'gitlab' as const;
  private readonly client: ForgeClient;
  private readonly project: string;
  /** drafts remembers which MRs were drafts, so an update keeps the `Draft:` prefix. */
  private readonly drafts = new Set<number>();

  constructor(options: GitLabForgeOptions) {
    // The project id may be the URL-encoded full path (slashes as %2F).
    this.project = `/projects/${encodeURIComponent(options.projectPath)}`;
    this.client = new ForgeClient({
      forge: 'GitLab',
      apiUrl: options.apiUrl,
      headers: { 'private-token': options.token, accept: 'application/json' },
      tokenSource: options.tokenSource ?? 'GITLAB_TOKEN',
      repository: options.projectPath,
      permissionHint: 'it needs the `api` scope and at least the Developer role on the project',
      conflictPattern: /already exists/i,
      secrets: [options.token],
      dispatcher: options.dispatcher,
    });
  }

  async findOpenPullRequest(branch: string): Promise<PullRequest | undefined> {
    const query = new URLSearchParams({ source_branch: branch, state: 'opened', per_page: '100' });
    const list = await this.client.send<GitLabMergeRequest[]>('GET', `${this.project}/merge_requests?${query.toString()}`);
    const match = list.filter((mr) => mr.source_branch === branch).sort((a, b) => a.iid - b.iid)[0];
    return match === undefined ? undefined : this.toPullRequest(match);
  }

  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    const mr = await this.client.send<GitLabMergeRequest>('POST', `${this.project}/merge_requests`, {
      source_branch: request.head,
      target_branch: request.base,
      title: request.draft === true ? `Draft: ${request.title}` : request.title,
      description: request.body,
      remove_source_branch: true,
    });
    return this.toPullRequest(mr);
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    const title = this.drafts.has(number) ? `Draft: ${change.title}` : change.title;
    const mr = await this.client.send<GitLabMergeRequest>('PUT', `${this.project}/merge_requests/${number}`, {
      title,
      description: change.body,
    });
    return this.toPullRequest(mr);
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.client.send('PUT', `${this.project}/merge_requests/${number}`, { add_labels: labels.join(',') });
  }

  async requestReviewers(number: number, reviewers: string[]): Promise<void> {
    const names = reviewers.map((r) => r.trim().replace(/^@/, '')).filter((r) => r !== '');
    if (names.length === 0) return;
    const ids: number[] = [];
    for (const name of names) ids.push(await this.userId(name));
    await this.client.send('PUT', `${this.project}/merge_requests/${number}`, { reviewer_ids: ids });
  }

  async addAssignees(number: number, assignees: string[]): Promise<void> {
    const names = assignees.map((r) => r.trim().replace(/^@/, '')).filter((r) => r !== '');
    if (names.length === 0) return;
    const ids: number[] = [];
    for (const name of names) ids.push(await this.userId(name));
    await this.client.send('PUT', `${this.project}/merge_requests/${number}`, { assignee_ids: ids });
  }

  private async userId(username: string): Promise<number> {
    const query = new URLSearchParams({ username });
    const users = await this.client.send<Array<{ id: number }>>('GET', `/users?${query.toString()}`);
    const id = users[0]?.id;
    if (id === undefined) throw new ForgeApiError(`GitLab user ${username} not found (reviewers must be user names)`, 404);
    return id;
  }

  private toPullRequest(mr: GitLabMergeRequest): PullRequest {
    const draft = mr.draft === true || DRAFT_PREFIX.test(mr.title);
    if (draft) this.drafts.add(mr.iid);
    else this.drafts.delete(mr.iid);
    return {
      number: mr.iid,
      url: mr.web_url,
      title: draft ? mr.title.replace(DRAFT_PREFIX, '') : mr.title,
      body: mr.description ?? '',
      head: mr.source_branch,
      base: mr.target_branch,
    };
  }
}
