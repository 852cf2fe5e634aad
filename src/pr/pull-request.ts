// The bot flow: one branch, one commit, one pull request that is created once and then
// refreshed (branch force-pushed with a lease, title/body replaced) on every later run.
import { PinError, errorMessage } from '../errors.js';
import { normalizeUpdates, renderBody, renderCommitMessage, renderTitle } from './body.js';
import type { Git, GitPosition } from './git.js';
import { ForgeApiError } from './http.js';
import type { Forge, GitAuthor, ImageUpdate, PrLogger, PullRequest } from './types.js';

/** DEFAULT_PR_BRANCH is the branch the bot pushes to unless configured otherwise. */
export const DEFAULT_PR_BRANCH = 'digestpin/update-digests';

/** PrGit is the part of Git the flow uses (a structural type so tests may substitute it). */
export type PrGit = Pick<Git, 'position' | 'changedPaths' | 'defaultBranch' | 'fetchBranch' | 'createOrResetBranch'
  | 'commitAll' | 'remoteBranchHead' | 'sameCommitContent' | 'pushForceWithLease' | 'restoreBranch' | 'discardChanges'>;

/** OpenPullRequestOptions configures openOrUpdatePullRequest. */
export interface OpenPullRequestOptions {
  /** updates are the references whose digest moved (empty or no-op: nothing happens). */
  updates: readonly ImageUpdate[];
  git: PrGit;
  /** forge, or a factory called only when the API is needed (not for dry runs or no-ops). */
  forge: Forge | (() => Forge | Promise<Forge>);
  branch?: string;
  /** base is the target branch; default: the remote's default branch. */
  base?: string;
  remote?: string;
  author?: GitAuthor;
  labels?: string[];
  reviewers?: string[];
  /** assignees are users to assign a new pull request to. */
  assignees?: string[];
  draft?: boolean;
  dryRun?: boolean;
  /** reproduceCommand is shown in the body; default `digestpin update --diff`. */
  reproduceCommand?: string;
  /** commitFiles writes the updated files; it is called after the PR branch is checked out. */
  commitFiles: () => Promise<void>;
  log: PrLogger;
}

/** PullRequestResult says what happened, with the rendered texts. */
export interface PullRequestResult {
  action: 'created' | 'updated' | 'unchanged' | 'dry-run';
  number?: number;
  url?: string;
  branch: string;
  base?: string;
  title: string;
  commitMessage: string;
  body: string;
  /** warnings are non-fatal problems (labels or reviewers that could not be set). */
  warnings: string[];
}

interface Context {
  options: OpenPullRequestOptions;
  branch: string;
  remote: string;
  base: string;
  texts: { title: string; commitMessage: string; body: string };
  warnings: string[];
}

/** openOrUpdatePullRequest commits the updates to the bot branch, pushes it and opens or refreshes its PR. */
export async function openOrUpdatePullRequest(options: OpenPullRequestOptions): Promise<PullRequestResult> {
  const branch = options.branch ?? DEFAULT_PR_BRANCH;
  const remote = options.remote ?? 'origin';
  const updates = normalizeUpdates(options.updates);
  if (updates.length === 0) {
    options.log('no pinned digest moved; nothing to do');
    return { action: 'unchanged', branch, title: '', commitMessage: '', body: '', warnings: [] };
  }
  const texts = {
    title: renderTitle(updates),
    commitMessage: renderCommitMessage(updates),
    body: renderBody(updates, { reproduceCommand: options.reproduceCommand }),
  };
  if (options.dryRun === true) return dryRun(options, branch, remote, texts);

  const { git } = options;
  const start = await git.position();
  await ensureClean(git);
  const base = options.base ?? await git.defaultBranch(remote);
  if (base === branch) throw new PinError('USAGE', `the pull request branch ${branch} cannot also be the base branch`);
  const ctx: Context = { options, branch, remote, base, texts, warnings: [] };
  // Ask the forge first: a rejected or expired token must fail before anything is pushed.
  const forge = typeof options.forge === 'function' ? await options.forge() : options.forge;
  const existing = await forge.findOpenPullRequest(branch);

  let failed = false;
  let state: BranchState;
  try {
    state = await commitAndPush(ctx);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await restore(git, start, failed, options.log);
  }
  if (state === 'empty') {
    options.log(`${base} already has these digests; nothing to commit`);
    return { action: 'unchanged', branch, base, ...texts, warnings: [] };
  }
  return upsertPullRequest(ctx, forge, existing, state === 'pushed');
}

type BranchState = 'pushed' | 'up-to-date' | 'empty';

/** ensureClean refuses to start on a dirty tree: `commitAll` stages everything, so strays would be committed. */
async function ensureClean(git: PrGit): Promise<void> {
  const dirty = await git.changedPaths();
  if (dirty.length === 0) return;
  const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, … (${dirty.length} in all)` : '');
  throw new PinError('GIT', `the working tree has uncommitted or untracked changes (${shown}); `
    + 'commit, stash or ignore them first so the pull request contains only digestpin\'s edits');
}

async function commitAndPush(ctx: Context): Promise<BranchState> {
  const { git, log } = ctx.options;
  const { remote, branch, base } = ctx;
  await git.fetchBranch(remote, base);
  log(`resetting branch ${branch} to ${remote}/${base}`);
  await git.createOrResetBranch(branch, `refs/remotes/${remote}/${base}`);
  await ctx.options.commitFiles();
  const commit = await git.commitAll(ctx.texts.commitMessage, ctx.options.author);
  if (commit === undefined) return 'empty';
  const remoteHead = await git.remoteBranchHead(remote, branch);
  if (remoteHead !== undefined) {
    // Same base, tree and message as the last run: pushing again would only churn the PR (and CI).
    await git.fetchBranch(remote, branch);
    if (await git.sameCommitContent(commit, remoteHead)) {
      log(`branch ${branch} on ${remote} is already up to date`);
      return 'up-to-date';
    }
  }
  await git.pushForceWithLease(remote, branch, remoteHead ?? null);
  log(`pushed ${branch} to ${remote}`);
  return 'pushed';
}

async function restore(git: PrGit, start: GitPosition, failed: boolean, log: PrLogger): Promise<void> {
  try {
    // The tree was clean at the start, so anything left over is ours.
    if (failed) await git.discardChanges();
    await git.restoreBranch(start);
  } catch (error) {
    if (!failed) throw error;
    log(`warning: could not return to ${start.branch ?? start.commit}: ${errorMessage(error)}`);
  }
}

async function upsertPullRequest(ctx: Context, forge: Forge, existing: PullRequest | undefined, pushed: boolean): Promise<PullRequestResult> {
  const { options, branch, base, texts } = ctx;
  if (existing !== undefined) return refresh(ctx, forge, existing, pushed);
  let created: PullRequest;
  try {
    created = await forge.createPullRequest({ title: texts.title, body: texts.body, head: branch, base, draft: options.draft });
  } catch (error) {
    if (!(error instanceof ForgeApiError && error.conflict)) throw error;
    // Another run opened it between our lookup and create (or the lookup missed it): update that one.
    const again = await forge.findOpenPullRequest(branch);
    if (again === undefined) {
      throw new PinError('FORGE_API', `${error.message}; but no open pull request from branch ${branch} was found `
        + '(it may come from a fork, or have just been closed): close it or choose another branch', { cause: error });
    }
    return refresh(ctx, forge, again, true);
  }
  options.log(`opened pull request #${created.number}: ${created.url}`);
  await bestEffort(ctx, 'add labels', () => forge.addLabels(created.number, options.labels ?? []));
  await bestEffort(ctx, 'request reviewers', () => forge.requestReviewers(created.number, options.reviewers ?? []));
  if (options.assignees?.length) await bestEffort(ctx, 'add assignees', () => forge.addAssignees(created.number, options.assignees ?? []));
  return { action: 'created', number: created.number, url: created.url, branch, base, ...texts, warnings: ctx.warnings };
}

async function refresh(ctx: Context, forge: Forge, pr: PullRequest, pushed: boolean): Promise<PullRequestResult> {
  const { options, branch, base, texts } = ctx;
  const summary = { number: pr.number, url: pr.url, branch, base, ...texts };
  if (pr.base !== base) ctx.warnings.push(`pull request #${pr.number} targets ${pr.base}, not ${base}`);
  if (!pushed && pr.title === texts.title && pr.body === texts.body) {
    options.log(`pull request #${pr.number} is already up to date: ${pr.url}`);
    return { action: 'unchanged', ...summary, warnings: ctx.warnings };
  }
  const updated = await forge.updatePullRequest(pr.number, { title: texts.title, body: texts.body });
  options.log(`updated pull request #${updated.number}: ${updated.url}`);
  await bestEffort(ctx, 'add labels', () => forge.addLabels(pr.number, options.labels ?? []));
  return { action: 'updated', ...summary, url: updated.url, warnings: ctx.warnings };
}

/** bestEffort runs a follow-up call whose failure must not hide the PR that already exists. */
async function bestEffort(ctx: Context, what: string, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const warning = `could not ${what}: ${errorMessage(error)}`;
    ctx.warnings.push(warning);
    ctx.options.log(`warning: ${warning}`);
  }
}

function dryRun(options: OpenPullRequestOptions, branch: string, remote: string,
  texts: Context['texts']): PullRequestResult {
  const target = options.base ?? `the default branch of ${remote}`;
  // The texts are in the result for the caller to print; the log only says what would happen.
  options.log(`dry run: would commit to branch ${branch} (from ${target}), push it to ${remote} and open or update its pull request`);
  return { action: 'dry-run', branch, ...(options.base === undefined ? {} : { base: options.base }), ...texts, warnings: [] };
}
