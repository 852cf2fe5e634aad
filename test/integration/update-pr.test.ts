import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockFile } from '../../src/lock/schema.js';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { moveTag, seedImage } from '../harness/seed.js';
import type { SeededImage } from '../harness/types.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';
import { isolatedGitEnv } from '../pr/git-fixture.js';

// `digestpin update --pr` end to end: the real anonymous registry, real git (a bare `origin`
// in a temp dir) and the forge API mocked at the HTTP layer (undici MockAgent; only the
// loopback registry may be reached). The remote reads as `git@github.com:acme/shop.git` so
// the forge is detected from it, while a fake ssh (GIT_SSH_COMMAND) serves the bare
// repository from the temp dir. (`url.<base>.insteadOf` would not do: `git remote get-url`
// expands it, and the forge would then be detected from a local path.)

const reg = registryFromContext('anonymous');
const ARGS = ['--insecure-registry', reg.host];
const TOKEN = 'ghp_UpdatePrTokenMustNotLeak0123456789';
const GL_TOKEN = 'glpat-UpdatePrTokenMustNotLeak01234';
const GITHUB = 'https://api.github.com';
const GITLAB = 'https://gitlab.example.com';
const BRANCH = 'digestpin/update-digests';
const PULLS = '/repos/acme/shop/pulls';
const FIND = { head: `acme:${BRANCH}`, state: 'open', per_page: '100' };
const PINNED_AT = new Date('2026-11-20T00:00:00Z');
const NOW = new Date('2026-11-21T06:00:00Z');
const FILES = ['Dockerfile', 'deploy/app.yaml', 'overlays/prod/kustomization.yaml'];
const TITLE = 'chore(deps): update image digests';

// Runs the remote's git command (`git-upload-pack 'acme/shop.git'`) in $FAKE_FORGE_ROOT.
const FAKE_SSH = '#!/bin/sh\ncd "$FAKE_FORGE_ROOT" || exit 1\nfor last; do :; done\nexec sh -c "$last"\n';

const LABELS = {
  api: { version: '2.3.0', revision: '1a2b3c4d5e6f708192a3b4c5d6e7f80910111213', created: '2026-11-19T10:00:00Z' },
  apiMoved: { version: '2.3.0', revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', created: '2026-11-20T10:00:00Z' },
  apiMovedAgain: { version: '2.3.1', revision: '0badc0ffee0badc0ffee0badc0ffee0badc0ffee', created: '2026-11-21T05:00:00Z' },
  front: { version: '2.0.0', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334', created: '2026-11-18T09:00:00Z' },
  frontMoved: { version: '2.0.1', revision: 'b2c3d4e5f60718293a4b5c6d7e8f900112233445', created: '2026-11-20T11:00:00Z' },
};

/** Repo is one test's world: seeded images, a bare origin with the pinned tree on main, a clone. */
interface Repo {
  root: string;
  origin: string;
  work: string;
  env: Record<string, string | undefined>;
  prefix: string;
  seeds: { api: SeededImage; front: SeededImage };
  /** pinned holds the committed files (and lock) as `digestpin pin` wrote them. */
  pinned: Record<string, string>;
  /** git runs git in `cwd` (default: the clone) and returns trimmed stdout. */
  git: (args: string[], cwd?: string) => string;
}

const short = (digest: string, n = 12): string => digest.slice(7, 7 + n);

async function makeRepo(host = 'github.com'): Promise<Repo> {
  const root = await tempDir('digestpin-update-pr-');
  const prefix = uniqueRepository('update-pr');
  const seeds = {
    api: await seedImage(reg, { repository: `${prefix}/api`, tag: '2.3', kind: 'docker-manifest', ...LABELS.api, dispatcher: reg.dispatcher }),
    front: await seedImage(reg, { repository: `${prefix}/front`, tag: 'v2', kind: 'oci-index', ...LABELS.front, dispatcher: reg.dispatcher }),
  };
  await fs.writeFile(path.join(root, 'fake-ssh'), FAKE_SSH, { mode: 0o755 });
  const env = {
    ...isolatedGitEnv(root), GIT_SSH_COMMAND: path.join(root, 'fake-ssh'), GIT_SSH_VARIANT: 'simple', FAKE_FORGE_ROOT: root,
  };
  const git = (args: string[], cwd = path.join(root, 'work')) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const remote = `git@${host}:acme/shop.git`;
  const seed = path.join(root, 'seed');
  git(['init', '--quiet', '--bare', '--initial-branch=main', 'acme/shop.git'], root);
  git(['init', '--quiet', '--initial-branch=main', seed], root);
  const image = (s: SeededImage) => `${reg.host}/${s.repository}`;
  await writeTree(seed, {
    'Dockerfile': `FROM ${image(seeds.api)}:2.3\nRUN true\n`,
    'deploy/app.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n    - name: api\n      image: ${image(seeds.api)}:2.3 # api\n`,
    'overlays/prod/kustomization.yaml': `resources:\n  - ../../deploy\nimages:\n  - name: ${image(seeds.front)}\n    newTag: v2\n`,
  });
  const pin = await runCli(['pin', ...ARGS, '.'], { cwd: seed, now: () => PINNED_AT });
  expect(pin.code, pin.stderr).toBe(0);
  git(['add', '--all'], seed);
  git(['commit', '--quiet', '-m', 'pinned images'], seed);
  git(['push', '--quiet', remote, 'main'], seed);
  git(['clone', '--quiet', remote, 'work'], root);
  const work = path.join(root, 'work');
  const pinned: Record<string, string> = {};
  for (const file of [...FILES, 'digestpin.lock.json']) pinned[file] = await fs.readFile(path.join(work, file), 'utf8');
  return { root, origin: path.join(root, 'acme/shop.git'), work, env, prefix, seeds, pinned, git };
}

// ---- the mocked forge API -------------------------------------------------------------

interface Call {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  headers: Record<string, string>;
}

let agent: MockAgent;
const calls: Call[] = [];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  agent.enableNetConnect(/^127\.0\.0\.1:\d+$/); // the registry only
  calls.length = 0;
});

afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

afterAll(() => reg.close());

function headersOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs: Array<[string, unknown]> = Array.isArray(raw)
    ? Array.from({ length: raw.length / 2 }, (_, i) => [String(raw[2 * i]), raw[2 * i + 1]])
    : Object.entries((raw ?? {}) as Record<string, unknown>);
  for (const [k, v] of pairs) out[k.toLowerCase()] = String(v);
  return out;
}

/** api expects one call and answers it; `data` may depend on the request body. */
function api(origin: string, method: string, pathname: string, status: number,
  data: object | ((body: Record<string, unknown>) => object), query?: Record<string, string>): void {
  agent.get(origin).intercept({ method, path: pathname, ...(query ? { query } : {}) }).reply((opts) => {
    const body = opts.body === undefined || opts.body === null ? undefined : JSON.parse(String(opts.body)) as Record<string, unknown>;
    calls.push({ method: opts.method, path: opts.path, body, headers: headersOf(opts.headers) });
    const answer = typeof data === 'function' ? data(body ?? {}) : data;
    return { statusCode: status, data: JSON.stringify(answer), responseOptions: { headers: { 'content-type': 'application/json' } } };
  });
}

const pull = (number: number, title: string, body: string) => ({
  number, html_url: `https://github.com/acme/shop/pull/${number}`, title, body, head: { ref: BRANCH }, base: { ref: 'main' },
});

function updatePr(repo: Repo, args: string[] = [], env: Record<string, string> = { GITHUB_TOKEN: TOKEN }) {
  return runCli(['update', '--pr', ...ARGS, ...args], { cwd: repo.work, env: { ...repo.env, ...env }, dispatcher: agent, now: () => NOW });
}

// ---- assertions on git state ----------------------------------------------------------

function originGit(repo: Repo, args: string[]): string {
  return repo.git(['--git-dir', repo.origin, ...args], repo.root);
}

function remoteBranches(repo: Repo): string[] {
  return originGit(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']).split('\n').sort();
}

/** expectWorkUntouched checks the clone is back on a clean main (or detached at it) with the pinned files. */
async function expectWorkUntouched(repo: Repo, detached = false): Promise<void> {
  if (detached) {
    expect(() => repo.git(['symbolic-ref', '--quiet', 'HEAD'])).toThrow();
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(originGit(repo, ['rev-parse', 'main']));
  } else {
    expect(repo.git(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
  }
  expect(repo.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
  for (const [file, text] of Object.entries(repo.pinned)) expect(await fs.readFile(path.join(repo.work, file), 'utf8')).toBe(text);
}

/** expectBranch checks origin's bot branch: one commit on main with exactly the swapped digests. */
function expectBranch(repo: Repo, swaps: Array<[string, string]>): string {
  const head = originGit(repo, ['rev-parse', BRANCH]);
  expect(originGit(repo, ['rev-parse', `${BRANCH}^`])).toBe(originGit(repo, ['rev-parse', 'main']));
  expect(originGit(repo, ['diff', '--name-only', 'main', BRANCH]).split('\n')).toEqual([...FILES, 'digestpin.lock.json'].sort());
  for (const file of FILES) {
    let expected = repo.pinned[file]!;
    for (const [from, to] of swaps) expected = expected.replaceAll(from, to);
    expect(`${originGit(repo, ['show', `${BRANCH}:${file}`])}\n`).toBe(expected);
  }
  expect(originGit(repo, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', BRANCH]))
    .toBe('digestpin[bot] <digestpin-bot@users.noreply.github.com>|digestpin[bot] <digestpin-bot@users.noreply.github.com>');
  return head;
}

function branchLock(repo: Repo): LockFile {
  return JSON.parse(originGit(repo, ['show', `${BRANCH}:digestpin.lock.json`])) as LockFile;
}

/** row is the expected markdown table row for one image. */
function row(repo: Repo, seed: 'api' | 'front', from: string, to: string, files: string[], why: string): string {
  const image = `${reg.host}/${repo.seeds[seed].repository}`;
  const tag = seed === 'api' ? '2.3' : 'v2';
  return `| \`${image}\` | \`${tag}\` | \`${short(from)}\` → \`${short(to)}\` | ${files.map((f) => `\`${f}\``).join('<br>')} | ${why} |`;
}

const API_WHY = 'rebuilt: created 2026-11-19T10:00:00Z → 2026-11-20T10:00:00Z, revision 1a2b3c4d5e6f → 9f8e7d6c5b4a';
const FRONT_WHY = 'new version: version 2.0.0 → 2.0.1, created 2026-11-18T09:00:00Z → 2026-11-20T11:00:00Z, revision a1b2c3d4e5f6 → b2c3d4e5f607';

async function moveBoth(repo: Repo): Promise<{ api: SeededImage; front: SeededImage }> {
  return {
    api: await moveTag(reg, repo.seeds.api.repository, '2.3', 'docker-manifest', LABELS.apiMoved),
    front: await moveTag(reg, repo.seeds.front.repository, 'v2', 'oci-index', LABELS.frontMoved),
  };
}

/** expectCreateFlow registers lookup (none open) + create + labels + reviewers. */
function expectCreateFlow(number = 7): void {
  api(GITHUB, 'GET', PULLS, 200, [], FIND);
  api(GITHUB, 'POST', PULLS, 201, (b) => pull(number, String(b.title), String(b.body)));
  api(GITHUB, 'POST', `/repos/acme/shop/issues/${number}/labels`, 200, [{ name: 'dependencies' }]);
  api(GITHUB, 'POST', `${PULLS}/${number}/requested_reviewers`, 201, pull(number, TITLE, ''));
}

describe('digestpin update --pr on GitHub (API mocked, real git and registry)', () => {
  it('opens a pull request from a one-commit branch with the new digests, the lock and a reviewable body', async () => {
    const repo = await makeRepo();
    const moved = await moveBoth(repo);
    expectCreateFlow();
    const result = await updatePr(repo, ['--label', 'dependencies', '--reviewer', 'alice', '--reviewer', '@acme/platform']);
    expect(result.stderr).not.toContain('warning');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('created pull request #7: https://github.com/acme/shop/pull/7 (2 image(s))\n');

    expect(calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      `GET ${PULLS}`, `POST ${PULLS}`, 'POST /repos/acme/shop/issues/7/labels', `POST ${PULLS}/7/requested_reviewers`,
    ]);
    for (const c of calls) {
      expect(c.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(c.headers['accept']).toBe('application/vnd.github+json');
    }
    const create = calls[1]!.body!;
    expect(create).toMatchObject({ title: TITLE, head: BRANCH, base: 'main', draft: false });
    const body = String(create.body);
    expect(body).toContain('<!-- digestpin:update-digests -->');
    expect(body).toContain('| Image | Tag | Digest | Files | Why |');
    expect(body).toContain(row(repo, 'api', repo.seeds.api.digest, moved.api.digest, ['Dockerfile', 'deploy/app.yaml'], API_WHY));
    expect(body).toContain(row(repo, 'front', repo.seeds.front.digest, moved.front.digest, ['overlays/prod/kustomization.yaml'], FRONT_WHY));
    expect(body).toContain(`# ${reg.host}/${repo.seeds.api.repository}:2.3\n- ${repo.seeds.api.digest}\n+ ${moved.api.digest}\n`);
    expect(body).toContain('### How to reproduce');
    expect(body).toContain('```sh\ndigestpin update --diff .\n```');
    expect(calls[2]!.body).toEqual({ labels: ['dependencies'] });
    expect(calls[3]!.body).toEqual({ reviewers: ['alice'], team_reviewers: ['platform'] });

    expectBranch(repo, [[repo.seeds.api.digest, moved.api.digest], [repo.seeds.front.digest, moved.front.digest]]);
    expect(originGit(repo, ['log', '-1', '--format=%B', BRANCH])).toBe([
      TITLE, '',
      `- ${reg.host}/${repo.seeds.api.repository}:2.3: ${short(repo.seeds.api.digest)} → ${short(moved.api.digest)}`, `  ${API_WHY}`,
      `- ${reg.host}/${repo.seeds.front.repository}:v2: ${short(repo.seeds.front.digest)} → ${short(moved.front.digest)}`, `  ${FRONT_WHY}`,
    ].join('\n'));
    const lock = branchLock(repo);
    const apiKey = `${reg.host}/${repo.seeds.api.repository}:2.3`;
    expect(lock.images[apiKey]).toMatchObject({
      digest: moved.api.digest, files: ['Dockerfile', 'deploy/app.yaml'], firstSeen: NOW.toISOString(),
      history: [{ digest: repo.seeds.api.digest, firstSeen: PINNED_AT.toISOString(), replaced: NOW.toISOString() }],
    });
    expect(lock.images[`${reg.host}/${repo.seeds.front.repository}:v2`]!.digest).toBe(moved.front.digest);
    await expectWorkUntouched(repo);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it('a second move updates the same pull request (PATCH, no new POST) and force-pushes the branch', async () => {
    const repo = await makeRepo();
    const moved = await moveBoth(repo);
    expectCreateFlow();
    expect((await updatePr(repo, ['--label', 'dependencies', '--reviewer', 'alice'])).code).toBe(0);
    const first = originGit(repo, ['rev-parse', BRANCH]);
    const opened = calls[1]!.body!;

    const again = await moveTag(reg, repo.seeds.api.repository, '2.3', 'docker-manifest', LABELS.apiMovedAgain);
    calls.length = 0;
    api(GITHUB, 'GET', PULLS, 200, [pull(7, String(opened.title), String(opened.body))], FIND);
    api(GITHUB, 'PATCH', `${PULLS}/7`, 200, (b) => pull(7, String(b.title), String(b.body)));
    const result = await updatePr(repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('updated pull request #7: https://github.com/acme/shop/pull/7 (2 image(s))\n');
    expect(calls.map((c) => c.method)).toEqual(['GET', 'PATCH']);
    const patch = calls[1]!.body!;
    expect(Object.keys(patch).sort()).toEqual(['body', 'title']);
    expect(patch.title).toBe(TITLE);
    const apiWhy = 'new version: version 2.3.0 → 2.3.1, created 2026-11-19T10:00:00Z → 2026-11-21T05:00:00Z, revision 1a2b3c4d5e6f → 0badc0ffee0b';
    expect(String(patch.body)).toContain(row(repo, 'api', repo.seeds.api.digest, again.digest, ['Dockerfile', 'deploy/app.yaml'], apiWhy));
    expect(String(patch.body)).not.toContain(short(moved.api.digest));

    const second = expectBranch(repo, [[repo.seeds.api.digest, again.digest], [repo.seeds.front.digest, moved.front.digest]]);
    expect(second).not.toBe(first);
    expect(() => originGit(repo, ['merge-base', '--is-ancestor', first, BRANCH])).toThrow(); // rewritten, not stacked
    expect(branchLock(repo).images[`${reg.host}/${repo.seeds.api.repository}:2.3`]!.digest).toBe(again.digest);
    await expectWorkUntouched(repo);
  });

  it('a re-run with nothing new neither pushes nor edits the open pull request', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    expectCreateFlow();
    expect((await updatePr(repo, ['--label', 'dependencies', '--reviewer', 'alice'])).code).toBe(0);
    const head = originGit(repo, ['rev-parse', BRANCH]);
    const opened = calls[1]!.body!;
    calls.length = 0;
    api(GITHUB, 'GET', PULLS, 200, [pull(7, String(opened.title), String(opened.body))], FIND);
    const result = await updatePr(repo, ['--label', 'dependencies']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('pull request already up to date: https://github.com/acme/shop/pull/7\n');
    expect(calls.map((c) => c.method)).toEqual(['GET']);
    expect(originGit(repo, ['rev-parse', BRANCH])).toBe(head);
    await expectWorkUntouched(repo);
  });

  it('with no moved digest it makes no API call, pushes nothing and says so', async () => {
    const repo = await makeRepo();
    const result = await updatePr(repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no digest moved; nothing to do\n');
    expect(calls).toEqual([]);
    expect(remoteBranches(repo)).toEqual(['main']);
    await expectWorkUntouched(repo);
  });

  it('a 422 "already exists" on create updates the pull request found afterwards', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    api(GITHUB, 'GET', PULLS, 200, [], FIND);
    api(GITHUB, 'POST', PULLS, 422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${BRANCH}.` }],
    });
    api(GITHUB, 'GET', PULLS, 200, [pull(9, 'an older title', 'an older body')], FIND);
    api(GITHUB, 'PATCH', `${PULLS}/9`, 200, (b) => pull(9, String(b.title), String(b.body)));
    const result = await updatePr(repo, ['--draft']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('updated pull request #9: https://github.com/acme/shop/pull/9 (2 image(s))\n');
    expect(calls.map((c) => c.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
    expect(calls[1]!.body).toMatchObject({ head: BRANCH, base: 'main', draft: true });
    expect(calls[3]!.body!.title).toBe(TITLE);
    expect(remoteBranches(repo)).toEqual([BRANCH, 'main']);
    await expectWorkUntouched(repo);
  });

  it('a 422 "already exists" with no open pull request to find is a clear error (exit 2)', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    api(GITHUB, 'GET', PULLS, 200, [], FIND);
    api(GITHUB, 'POST', PULLS, 422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${BRANCH}.` }],
    });
    api(GITHUB, 'GET', PULLS, 200, [], FIND);
    const result = await updatePr(repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`GitHub API POST ${GITHUB}${PULLS} answered 422: request rejected: Validation Failed; A pull request already exists for acme:${BRANCH}.`);
    expect(result.stderr).toContain(`no open pull request from branch ${BRANCH} was found`);
    expect(result.stderr).toMatch(/\[FORGE_API\]\n$/);
    await expectWorkUntouched(repo);
  });

  it('an expired token (401) exits 2 with a clear error that never shows the token', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    api(GITHUB, 'GET', PULLS, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }, FIND);
    const result = await updatePr(repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answered 401: the token from GITHUB_TOKEN was rejected (invalid, expired or revoked): Bad credentials');
    expect(result.stderr).toMatch(/\[FORGE_API\]\n$/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 20));
    expect(calls).toHaveLength(1);
    // The forge is asked before anything is pushed: a rejected token leaves no orphan branch.
    expect(remoteBranches(repo)).toEqual(['main']);
    await expectWorkUntouched(repo);
  });

  it('without a token it fails before touching the API, naming the variable to set', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    const result = await updatePr(repo, [], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no GitHub token: set GITHUB_TOKEN or GH_TOKEN');
    expect(calls).toEqual([]);
    await expectWorkUntouched(repo);
  });

  it('--dry-run prints branch, commit message and body; no API call, no push, no token needed', async () => {
    const repo = await makeRepo();
    const moved = await moveBoth(repo);
    const result = await updatePr(repo, ['--dry-run'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^branch: ${BRANCH}\ntitle: ${TITLE.replace(/[()]/g, '\\$&')}\n\ncommit message:\n${TITLE.replace(/[()]/g, '\\$&')}\n`));
    expect(result.stdout).toContain(`\n\nbody:\n<!-- digestpin:update-digests -->\n`);
    expect(result.stdout).toContain(row(repo, 'api', repo.seeds.api.digest, moved.api.digest, ['Dockerfile', 'deploy/app.yaml'], API_WHY));
    expect(result.stdout).toContain(row(repo, 'front', repo.seeds.front.digest, moved.front.digest, ['overlays/prod/kustomization.yaml'], FRONT_WHY));
    expect(calls).toEqual([]);
    expect(remoteBranches(repo)).toEqual(['main']);
    expect(() => repo.git(['rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`])).toThrow();
    await expectWorkUntouched(repo);
  });

  it('--dry-run prints the description once', async () => {
    const repo = await makeRepo();
    await moveBoth(repo);
    const result = await updatePr(repo, ['--dry-run'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('### How to reproduce');
    expect(result.stderr).not.toContain('### How to reproduce');
  });

  it('lists repository-relative files when run from a symlink to the checkout', async () => {
    const repo = await makeRepo();
    const moved = await moveBoth(repo);
    const link = path.join(repo.root, 'link');
    await fs.symlink(repo.work, link);
    const result = await runCli(['update', '--pr', '--dry-run', ...ARGS], { cwd: link, env: repo.env, dispatcher: agent, now: () => NOW });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(row(repo, 'front', repo.seeds.front.digest, moved.front.digest, ['overlays/prod/kustomization.yaml'], FRONT_WHY));
  });
});

describe('digestpin update --pr on GitLab (API mocked)', () => {
  it('opens a merge request with --forge gitlab and --api-url, on a configured branch and author', async () => {
    const repo = await makeRepo('gitlab.example.com');
    // As in GitLab CI: a detached HEAD and no refs/remotes/origin/HEAD (the base comes from ls-remote).
    repo.git(['checkout', '--quiet', '--detach']);
    repo.git(['remote', 'set-head', 'origin', '--delete']);
    const moved = await moveBoth(repo);
    const project = '/api/v4/projects/acme%2Fshop/merge_requests';
    const branch = 'bots/digests';
    api(GITLAB, 'GET', project, 200, [], { source_branch: branch, state: 'opened', per_page: '100' });
    api(GITLAB, 'POST', project, 201, (b) => ({
      iid: 3, web_url: 'https://gitlab.example.com/acme/shop/-/merge_requests/3', title: b.title, description: b.description,
      source_branch: b.source_branch, target_branch: b.target_branch,
    }));
    const result = await updatePr(repo, [
      '--forge', 'gitlab', '--api-url', `${GITLAB}/api/v4`, '--branch', branch, '--author', 'CI Bot <ci-bot@example.com>',
    ], { GITLAB_TOKEN: GL_TOKEN });
    expect(result.stderr).not.toContain('warning');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('created pull request #3: https://gitlab.example.com/acme/shop/-/merge_requests/3 (2 image(s))\n');
    expect(calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([`GET ${project}`, `POST ${project}`]);
    for (const c of calls) {
      expect(c.headers['private-token']).toBe(GL_TOKEN);
      expect(c.headers['authorization']).toBeUndefined();
    }
    const create = calls[1]!.body!;
    expect(create).toMatchObject({ source_branch: branch, target_branch: 'main', title: TITLE, remove_source_branch: true });
    expect(String(create.description)).toContain(row(repo, 'api', repo.seeds.api.digest, moved.api.digest, ['Dockerfile', 'deploy/app.yaml'], API_WHY));
    expect(remoteBranches(repo)).toEqual([branch, 'main'].sort());
    expect(originGit(repo, ['log', '-1', '--format=%an <%ae>', branch])).toBe('CI Bot <ci-bot@example.com>');
    expect(originGit(repo, ['show', `${branch}:deploy/app.yaml`])).toContain(`@${moved.api.digest} # api`);
    await expectWorkUntouched(repo, true);
    expect(`${result.stdout}${result.stderr}`).not.toContain(GL_TOKEN);
  });
});
