import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinError, PinError } from '../../src/errors.js';
import { Git } from '../../src/pr/git.js';
import { makeRepos, writeTree } from './git-fixture.js';

describe('Git', () => {
  it('reports the current branch, and undefined on a detached HEAD', async () => {
    const { git, sh } = makeRepos({ 'a.txt': 'a\n' });
    expect(await git.currentBranch()).toBe('main');
    sh(['checkout', '--quiet', '--detach']);
    expect(await git.currentBranch()).toBeUndefined();
    expect((await git.position()).commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('finds the default branch from origin/HEAD, and by asking the remote when it is missing', async () => {
    const { git, sh } = makeRepos({ 'a.txt': 'a\n' });
    expect(await git.defaultBranch('origin')).toBe('main');
    sh(['remote', 'set-head', 'origin', '--delete']);
    expect(await git.defaultBranch('origin')).toBe('main');
  });

  it('lists modified, untracked and renamed paths', async () => {
    const { git, work, sh } = makeRepos({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    expect(await git.hasChanges()).toBe(false);
    writeFileSync(join(work, 'a.txt'), 'changed\n');
    writeTree(work, { 'new dir/ü.txt': 'x\n' });
    sh(['mv', 'b.txt', 'c.txt']);
    expect((await git.changedPaths()).sort()).toEqual(['a.txt', 'c.txt', 'new dir/ü.txt']);
  });

  it('commits everything with an explicit author, and returns undefined when nothing changed', async () => {
    const { git, work, sh } = makeRepos({ 'a.txt': 'a\n' });
    expect(await git.commitAll('nothing')).toBeUndefined();
    writeTree(work, { 'a.txt': 'b\n', 'lock.json': '{}\n' });
    const message = 'chore: subject\n\n# kept, not a comment\n';
    const sha = await git.commitAll(message, { name: 'digestpin bot', email: 'bot@example.com' });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(sh(['log', '-1', '--format=%an <%ae>|%cn|%B'])).toBe('digestpin bot <bot@example.com>|digestpin bot|chore: subject\n\n# kept, not a comment');
    expect(await git.hasChanges()).toBe(false);
  });

  it('explains a missing commit identity', async () => {
    const { env, work } = makeRepos({ 'a.txt': 'a\n' });
    const anonymous = { ...env, GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '', GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '' };
    writeTree(work, { 'a.txt': 'b\n' });
    await expect(new Git({ cwd: work, env: anonymous }).commitAll('x'))
      .rejects.toThrow(/^git commit .* failed \(exit 128\): .*ident.*: set the commit author/s);
  });

  it('creates a branch that does not exist on the remote yet, then force-pushes over it with a lease', async () => {
    const { git, work, sh, origin } = makeRepos({ 'a.txt': 'a\n' });
    await git.createOrResetBranch('bot/x', 'refs/remotes/origin/main');
    writeTree(work, { 'a.txt': 'one\n' });
    const first = await git.commitAll('one');
    expect(await git.remoteBranchHead('origin', 'bot/x')).toBeUndefined();
    await git.pushForceWithLease('origin', 'bot/x');
    expect(sh(['rev-parse', 'bot/x'], origin)).toBe(first);

    // A fresh run resets the branch to main: the new commit replaces the old one (not a fast-forward).
    await git.createOrResetBranch('bot/x', 'refs/remotes/origin/main');
    writeTree(work, { 'a.txt': 'two\n' });
    const second = await git.commitAll('two');
    await git.pushForceWithLease('origin', 'bot/x');
    expect(sh(['rev-parse', 'bot/x'], origin)).toBe(second);
    expect(sh(['rev-list', '--count', 'main..bot/x'], origin)).toBe('1');
  });

  it('refuses to overwrite a remote branch that moved since it was read', async () => {
    const { git, work, sh, origin } = makeRepos({ 'a.txt': 'a\n' });
    await git.createOrResetBranch('bot/x', 'refs/remotes/origin/main');
    writeTree(work, { 'a.txt': 'mine\n' });
    await git.commitAll('mine');
    // Somebody else created the branch meanwhile, but we believe it does not exist (lease: absent).
    sh(['branch', 'bot/x', 'main'], origin);
    const error = await git.pushForceWithLease('origin', 'bot/x', null).catch((e: unknown) => e);
    expect(isPinError(error, 'GIT')).toBe(true);
    expect((error as PinError).message).toMatch(/^git push .*--force-with-lease=refs\/heads\/bot\/x: .* failed \(exit 1\)/);
    expect((error as PinError).message).toContain('changed while digestpin was running');
  });

  it('compares commits by tree, parents and message', async () => {
    const { git, work } = makeRepos({ 'a.txt': 'a\n' });
    await git.createOrResetBranch('one', 'main');
    writeTree(work, { 'a.txt': 'x\n' });
    const a = (await git.commitAll('same'))!;
    await git.createOrResetBranch('two', 'main');
    writeTree(work, { 'a.txt': 'x\n' });
    const b = (await git.commitAll('same', { name: 'Other', email: 'o@example.com' }))!;
    await git.createOrResetBranch('three', 'main');
    writeTree(work, { 'a.txt': 'x\n' });
    const c = (await git.commitAll('different message'))!;
    expect(await git.sameCommitContent(a, b)).toBe(true);
    expect(await git.sameCommitContent(a, c)).toBe(false);
  });

  it('restores a branch or a detached commit, and discards leftovers', async () => {
    const { git, work, sh } = makeRepos({ 'a.txt': 'a\n' });
    sh(['checkout', '--quiet', '--detach']);
    const start = await git.position();
    await git.createOrResetBranch('bot/x', 'main');
    writeTree(work, { 'a.txt': 'dirty\n', 'new.txt': 'n\n' });
    await git.discardChanges();
    await git.restoreBranch(start);
    expect(await git.currentBranch()).toBeUndefined();
    expect(sh(['rev-parse', 'HEAD'])).toBe(start.commit);
    expect(readFileSync(join(work, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await git.hasChanges()).toBe(false);
  });

  it('names the command and stderr on failure, without credentials from URLs or the environment', async () => {
    const { env, work, sh } = makeRepos({ 'a.txt': 'a\n' });
    const secret = 'ghp_S3cretTokenValue1234567890';
    sh(['remote', 'add', 'leaky', `https://x-access-token:${secret}@127.0.0.1:9/acme/app.git`]);
    const git = new Git({ cwd: work, env: { ...env, GITHUB_TOKEN: secret } });
    const error = await git.remoteBranchHead('leaky', 'main').catch((e: unknown) => e);
    expect(isPinError(error, 'GIT')).toBe(true);
    const message = (error as PinError).message;
    expect(message).toMatch(/^git ls-remote --heads -- leaky refs\/heads\/main failed \(exit 128\): /);
    expect(message).not.toContain(secret);
    expect(await git.remoteUrl('leaky')).toContain(secret); // raw on purpose: callers must not log it
  });

  it('reports a missing git executable clearly', async () => {
    const git = new Git({ cwd: '/', gitPath: '/nonexistent/git' });
    await expect(git.currentBranch()).rejects.toThrow(/git executable "\/nonexistent\/git" not found/);
  });
});
