/** ImageUpdate is one pinned reference whose tag now resolves to a different digest. */
export interface ImageUpdate {
  /** reference is the fully qualified `name:tag`, e.g. `docker.io/library/nginx:1.25`. */
  reference: string;
  /** image is the name as shown to reviewers, e.g. `nginx` or `ghcr.io/acme/api`. */
  image: string;
  /** tag is the tag whose digest moved. */
  tag: string;
  /** oldDigest is the digest currently pinned (`sha256:…`). */
  oldDigest: string;
  /** newDigest is the digest the tag resolves to now. */
  newDigest: string;
  /** files are the repository-relative paths that pin this reference. */
  files: string[];
  /** explanation says why it moved, e.g. `rebuilt: created 2026-11-19 → 2026-11-20`. */
  explanation?: string;
  /** newTag is the tag it moves to (`update --versions`); absent for a digest-only update. */
  newTag?: string;
  /** kind is how far it moves: `major`, `minor`, `patch`, or `digest` (same tag, new digest). */
  kind?: 'major' | 'minor' | 'patch' | 'digest';
  /** compareUrl links the source changes between the old and new image (GitHub/GitLab sources). */
  compareUrl?: string;
  /** group is the configured update group; ungrouped updates go to the default pull request. */
  group?: string;
}

/** PullRequest is the forge-neutral view of an open pull (GitHub) or merge (GitLab) request. */
export interface PullRequest {
  /** number is the PR number (GitHub) or the MR iid (GitLab). */
  number: number;
  /** url is the web page of the request. */
  url: string;
  title: string;
  body: string;
  /** head is the source branch. */
  head: string;
  /** base is the target branch. */
  base: string;
}

/** NewPullRequest is what createPullRequest needs. */
export interface NewPullRequest {
  title: string;
  body: string;
  head: string;
  base: string;
  draft?: boolean;
}

/** Forge is the minimal pull-request API digestpin needs from GitHub or GitLab. */
export interface Forge {
  /** kind names the forge for messages. */
  readonly kind: ForgeKind;
  /** findOpenPullRequest returns the open request whose source branch is `branch`, if any. */
  findOpenPullRequest(branch: string): Promise<PullRequest | undefined>;
  /** createPullRequest opens a request; a duplicate throws ForgeApiError with `conflict`. */
  createPullRequest(request: NewPullRequest): Promise<PullRequest>;
  /** updatePullRequest replaces the title and body of an existing request. */
  updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest>;
  /** addLabels adds labels (keeping existing ones). */
  addLabels(number: number, labels: string[]): Promise<void>;
  /** requestReviewers asks users (or `org/team` on GitHub) to review. */
  requestReviewers(number: number, reviewers: string[]): Promise<void>;
  /** addAssignees assigns users to the request. */
  addAssignees(number: number, assignees: string[]): Promise<void>;
}

/** ForgeKind is the set of supported forges. */
export type ForgeKind = 'github' | 'gitlab' | 'gitea';

/** GitAuthor is the name and e-mail used for the bot's commits. */
export interface GitAuthor {
  name: string;
  email: string;
}

/** PrLogger receives human-readable progress lines (never secrets). */
export type PrLogger = (line: string) => void;
