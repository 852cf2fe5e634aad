// Real git repositories in a temp dir: a bare `origin.git` with `main`, and a clone `work`.
// Git never reads the user's or system config here, so tests behave the same on a fresh machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { Git } from '../../src/pr/git.js';

/** GitRepos is the fixture: paths, the isolated env, a Git for `work` and a raw git runner. */
export interface GitRepos {
  root: string;
  origin: string;
  work: string;
  env: NodeJS.ProcessEnv;
  git: Git;
  /** sh runs git in `cwd` (default: work) and returns trimmed stdout. */
  sh: (args: string[], cwd?: string) => string;
}

/** isolatedGitEnv returns an environment with identity set and no global or system config. */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  };
}

/** makeRepos creates origin + clone with `files` committed on main; removed when the test ends. */
export function makeRepos(files: Record<string, string>): GitRepos {
  const root = mkdtempSync(join(tmpdir(), 'digestpin-pr-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const env = isolatedGitEnv(root);
  const sh = (args: string[], cwd = join(root, 'work')) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const origin = join(root, 'origin.git');
  const seed = join(root, 'seed');
  sh(['init', '--quiet', '--bare', '--initial-branch=main', origin], root);
  sh(['init', '--quiet', '--initial-branch=main', seed], root);
  writeTree(seed, files);
  sh(['add', '--all'], seed);
  sh(['commit', '--quiet', '-m', 'initial'], seed);
  sh(['push', '--quiet', origin, 'main'], seed);
  sh(['clone', '--quiet', origin, join(root, 'work')], root);
  const work = join(root, 'work');
  return { root, origin, work, env, git: new Git({ cwd: work, env }), sh };
}

/** writeTree writes files (creating directories) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
