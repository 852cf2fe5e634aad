// A small wrapper over the `git` CLI: argv arrays (no shell), injected cwd and env, and
// PinError('GIT') failures that name the command and git's stderr with credentials removed.
import { execFile } from 'node:child_process';
import { PinError } from '../errors.js';
import type { GitAuthor } from './types.js';
import { redact, secretsFromEnv } from './redact.js';

/** GitOptions configures a Git wrapper. */
export interface GitOptions {
  /** cwd is the working tree (or any directory inside it). */
  cwd: string;
  /** env is the environment git runs with; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** gitPath is the git executable; defaults to `git` on PATH. */
  gitPath?: string;
  /** secrets are extra strings scrubbed from error messages (tokens from env are always scrubbed). */
  secrets?: string[];
  /** timeoutMs bounds each git invocation (network operations included); default 5 minutes. */
  timeoutMs?: number;
}

/** GitPosition is where HEAD was: a branch, or a detached commit. */
export interface GitPosition {
  branch?: string;
  commit: string;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_STDERR = 2000;

/** Git runs git commands in one working tree. */
export class Git {
  readonly cwd: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly gitPath: string;
  private readonly secrets: string[];
  private readonly timeoutMs: number;

  constructor(options: GitOptions) {
    this.cwd = options.cwd;
    const base = options.env ?? process.env;
    // Never prompt for credentials (a CI job would hang), and keep messages in English.
    this.env = { ...base, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
    this.gitPath = options.gitPath ?? 'git';
    this.secrets = [...(options.secrets ?? []), ...secretsFromEnv(base)];
    this.timeoutMs = options.timeoutMs ?? 300_000;
  }

  /** run executes `git <args>` and returns stdout; any non-zero exit throws PinError('GIT'). */
  async run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<string> {
    const result = await this.exec(args, extraEnv);
    if (result.code !== 0) throw this.failure(args, result);
    return result.stdout;
  }

  /** currentBranch returns the checked-out branch name, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    const result = await this.exec(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    if (result.code === 1) return undefined; // detached HEAD (e.g. GitLab CI checkouts)
    if (result.code !== 0) throw this.failure(['symbolic-ref', '--quiet', '--short', 'HEAD'], result);
    return result.stdout.trim();
  }

  /** position records the current branch (or detached commit) so it can be restored later. */
  async position(): Promise<GitPosition> {
    const commit = (await this.run(['rev-parse', '--verify', 'HEAD'])).trim();
    const branch = await this.currentBranch();
    return branch === undefined ? { commit } : { branch, commit };
  }

  /** remoteUrl returns the fetch URL of `remote` (it may embed credentials: never log it raw). */
  async remoteUrl(remote: string): Promise<string> {
    return (await this.run(['remote', 'get-url', '--', remote])).trim();
  }

  /** defaultBranch returns the remote's default branch from refs/remotes/<remote>/HEAD, else by asking the remote. */
  async defaultBranch(remote: string): Promise<string> {
    const local = await this.exec(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`]);
    const prefix = `refs/remotes/${remote}/`;
    if (local.code === 0 && local.stdout.trim().startsWith(prefix)) return local.stdout.trim().slice(prefix.length);
    // Clones made by CI often lack origin/HEAD; `ls-remote --symref` prints `ref: refs/heads/main\tHEAD`.
    const out = await this.run(['ls-remote', '--symref', '--', remote, 'HEAD']);
    const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
    if (match?.[1] === undefined) {
      throw new PinError('GIT', `cannot determine the default branch of remote ${remote}; pass the base branch explicitly`);
    }
    return match[1];
  }

  /** fetchBranch fetches `branch` from `remote` into refs/remotes/<remote>/<branch>. */
  async fetchBranch(remote: string, branch: string): Promise<void> {
    await this.run(['fetch', '--quiet', '--no-tags', '--', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
  }

  /** remoteBranchHead asks the remote for the commit of `branch`; undefined if it does not exist there. */
  async remoteBranchHead(remote: string, branch: string): Promise<string | undefined> {
    const out = await this.run(['ls-remote', '--heads', '--', remote, `refs/heads/${branch}`]);
    const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
    return line?.split('\t')[0];
  }

  /** createOrResetBranch checks out `name`, creating it or resetting it to `startPoint` (no upstream). */
  async createOrResetBranch(name: string, startPoint: string): Promise<void> {
    await this.run(['checkout', '--quiet', '--no-track', '-B', name, startPoint, '--']);
  }

  /** changedPaths lists modified, staged and untracked (not ignored) paths. */
  async changedPaths(): Promise<string[]> {
    const out = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
    const fields = out.split('\0');
    const paths: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      const entry = fields[i] ?? '';
      if (entry.length < 4) continue;
      paths.push(entry.slice(3));
      // Renames and copies carry the original path as the next NUL-separated field.
      if (/^[RC]|^.[RC]/.test(entry)) i++;
    }
    return paths;
  }

  /** hasChanges reports whether the working tree or index differs from HEAD (untracked files count). */
  async hasChanges(): Promise<boolean> {
    return (await this.changedPaths()).length > 0;
  }

  /** commitAll stages everything and commits; returns the new commit, or undefined if nothing changed. */
  async commitAll(message: string, author?: GitAuthor): Promise<string | undefined> {
    await this.run(['add', '--all']);
    const staged = await this.exec(['diff', '--cached', '--quiet']);
    if (staged.code === 0) return undefined;
    if (staged.code !== 1) throw this.failure(['diff', '--cached', '--quiet'], staged);
    // An explicit author wins over the environment and config; it is also the committer.
    const identity = author === undefined ? undefined : {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email,
    };
    // --no-verify: repository hooks (lint, husky) are not meant for a bot commit of digests.
    // --cleanup=whitespace keeps lines starting with '#'.
    const args = ['commit', '--quiet', '--no-verify', '--cleanup=whitespace', '-m', message];
    const result = await this.exec(args, identity);
    if (result.code !== 0) {
      const noIdentity = /ident|tell me who you are/i.test(result.stderr);
      throw this.failure(args, result, noIdentity ? 'set the commit author, or git config user.name and user.email' : undefined);
    }
    return (await this.run(['rev-parse', '--verify', 'HEAD'])).trim();
  }

  /** sameCommitContent reports whether two commits have the same tree, parents and message. */
  async sameCommitContent(a: string, b: string): Promise<boolean> {
    const show = (rev: string) => this.run(['show', '--no-patch', '--format=%T%n%P%n%B', rev, '--']);
    const [left, right] = await Promise.all([show(a), show(b)]);
    return left === right;
  }

  /**
   * pushForceWithLease pushes the local `branch` to `remote`, overwriting it only if the remote
   * still has `expected` (from ls-remote when omitted; `null` means "must not exist yet").
   * An explicit lease works in fresh single-branch CI clones, which have no remote-tracking ref.
   */
  async pushForceWithLease(remote: string, branch: string, expected?: string | null): Promise<void> {
    const lease = expected === undefined ? (await this.remoteBranchHead(remote, branch)) ?? null : expected;
    const args = [
      'push', '--quiet', '--no-verify', '--porcelain',
      `--force-with-lease=refs/heads/${branch}:${lease ?? ''}`,
      '--', remote, `refs/heads/${branch}:refs/heads/${branch}`,
    ];
    const result = await this.exec(args);
    if (result.code === 0) return;
    // --porcelain reports each rejected ref on stdout as a line starting with '!'.
    const refLines = result.stdout.split('\n').filter((l) => l.startsWith('!'));
    const rejected = refLines.some((l) => /stale info|rejected/.test(l));
    const hint = rejected ? `branch ${branch} on ${remote} changed while digestpin was running; run again` : undefined;
    throw this.failure(args, { ...result, stderr: [result.stderr.trim(), ...refLines].join('\n') }, hint);
  }

  /** restoreBranch checks out a recorded position again, discarding changes to tracked files. */
  async restoreBranch(position: GitPosition): Promise<void> {
    if (position.branch !== undefined) await this.run(['checkout', '--quiet', '--force', position.branch, '--']);
    else await this.run(['checkout', '--quiet', '--force', '--detach', position.commit, '--']);
  }

  /** discardChanges resets tracked files and removes untracked, non-ignored files. */
  async discardChanges(): Promise<void> {
    await this.run(['reset', '--quiet', '--hard']);
    await this.run(['clean', '--quiet', '--force', '-d']);
  }

  private exec(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult> {
    const argv = ['-c', 'core.quotePath=false', ...args];
    const env = extraEnv === undefined ? this.env : { ...this.env, ...extraEnv };
    return new Promise((resolve, reject) => {
      execFile(this.gitPath, argv, {
        cwd: this.cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: this.timeoutMs,
      }, (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'number') return resolve({ code, stdout, stderr });
        reject(this.spawnFailure(args, error, code));
      });
    });
  }

  private spawnFailure(args: string[], error: Error & { killed?: boolean }, code: string | undefined): PinError {
    const command = this.describe(args);
    if (code === 'ENOENT') return new PinError('GIT', `${command}: git executable "${this.gitPath}" not found`, { cause: error });
    if (error.killed === true) return new PinError('GIT', `${command} timed out after ${this.timeoutMs} ms`);
    return new PinError('GIT', `${command} failed: ${redact(error.message, this.secrets)}`);
  }

  private failure(args: string[], result: RunResult, hint?: string): PinError {
    let stderr = redact(result.stderr.trim(), this.secrets);
    if (stderr.length > MAX_STDERR) stderr = `…${stderr.slice(-MAX_STDERR)}`;
    const parts = [`${this.describe(args)} failed (exit ${result.code})`];
    if (stderr !== '') parts.push(stderr);
    if (hint !== undefined) parts.push(hint);
    return new PinError('GIT', parts.join(': '));
  }

  private describe(args: string[]): string {
    // Commit messages and other long arguments would drown the actual error.
    const shown = args.map((a) => (a.includes('\n') || a.length > 120 ? '<…>' : a));
    return redact(`git ${shown.join(' ')}`, this.secrets);
  }
}
