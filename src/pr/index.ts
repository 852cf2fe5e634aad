// Public surface of the pull-request machinery: re-exports only.
export type { ImageUpdate, PullRequest, NewPullRequest, Forge, ForgeKind, GitAuthor, PrLogger } from './types.js';
export { Git, type GitOptions, type GitPosition } from './git.js';
export { ForgeApiError } from './http.js';
export { createForge, detectForge, parseRemoteUrl, type CreateForgeOptions, type DetectForgeOptions, type ForgeTarget,
  type RemoteLocation } from './forge.js';
export { createGitHubForge, type GitHubForgeOptions } from './github.js';
export { createGitLabForge, type GitLabForgeOptions } from './gitlab.js';
export { createGiteaForge, type GiteaForgeOptions } from './gitea.js';
export { PR_MARKER, renderBody, renderCommitMessage, renderTitle, normalizeUpdates, shortDigest,
  type BodyOptions } from './body.js';
export { DEFAULT_PR_BRANCH, openOrUpdatePullRequest, type OpenPullRequestOptions, type PullRequestResult,
  type PrGit } from './pull-request.js';
export { redact, redactUrlCredentials } from './redact.js';
