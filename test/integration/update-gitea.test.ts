import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { seedImage } from '../harness/seed.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';
import { startGiteaStandIn } from '../helpers/gitea-stand-in.js';
import { isolatedGitEnv } from '../pr/git-fixture.js';

// `digestpin update --pr --versions` on Gitea/Forgejo, end to end: the real registry, real git
// (a bare repository served through a fake ssh under a `gitea.example` remote, so the forge is
// detected from the remote), and a stand-in Gitea API on 127.0.0.1 that records every request.
// Groups from .digestpin.yaml give one pull request per group; a second run changes nothing.

const reg = registryFromContext('anonymous');
const ARGS = ['--insecure-registry', reg.host];
const TOKEN = 'gitea-token-must-not-leak-0123456789';
const FAKE_SSH = '#!/bin/sh\ncd "$FAKE_FORGE_ROOT" || exit 1\nfor last; do :; done\nexec sh -c "$last"\n';
const NOW = new Date('2026-12-01T00:00:00Z');

afterAll(() => reg.close());

describe('digestpin update --pr on Gitea/Forgejo (stand-in API on loopback)', () => {
  it('opens one pull request per group with versions, labels, reviewers and assignees, idempotently', async () => {
    const prefix = uniqueRepository('gitea');
    const app = `${reg.host}/${prefix}/app`;
    const db = `${reg.host}/${prefix}/db`;
    const seed = async (repo: string, tag: string) =>
      (await seedImage(reg, { repository: `${prefix}/${repo}`, tag, kind: 'oci-manifest', version: tag, dispatcher: reg.dispatcher })).digest;
    const d = { app123: await seed('app', '1.2.3'), app130: await seed('app', '1.3.0'), app200: await seed('app', '2.0.0'), db152: await seed('db', '15.2'), db153: await seed('db', '15.3') };

    const root = await tempDir('digestpin-gitea-');
    await fs.writeFile(path.join(root, 'fake-ssh'), FAKE_SSH, { mode: 0o755 });
    const env = { ...isolatedGitEnv(root), GIT_SSH_COMMAND: path.join(root, 'fake-ssh'), GIT_SSH_VARIANT: 'simple', FAKE_FORGE_ROOT: root, GITEA_TOKEN: TOKEN, DIGESTPIN_FORGE_ALLOW_HTTP: '1' };
    const git = (args: string[], cwd = path.join(root, 'work')) => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const remote = 'git@gitea.example:acme/shop.git';
    git(['init', '--quiet', '--bare', '--initial-branch=main', 'acme/shop.git'], root);
    const seedDir = path.join(root, 'seed');
    git(['init', '--quiet', '--initial-branch=main', seedDir], root);
    const files = {
      'deploy/app.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${app}:1.2.3@${d.app123}\n    - image: ${db}:15.2@${d.db152}\n`,
      '.digestpin.yaml': [
        'updates:', '  versions: minor', '  labels: [dependencies]', '  reviewers: [alice]', '  assignees: [bob]',
        '  rules:', `    - images: ["${app}"]`, '      group: app', '',
      ].join('\n'),
    };
    await writeTree(seedDir, files);
    git(['add', '--all'], seedDir);
    git(['commit', '--quiet', '-m', 'images'], seedDir);
    git(['push', '--quiet', remote, 'main'], seedDir);
    git(['clone', '--quiet', remote, 'work'], root);
    const work = path.join(root, 'work');

    const gitea = await startGiteaStandIn('acme/shop');
    try {
      const run = () => runCli(['update', ...ARGS, '--no-lock', '--pr', '--api-url', gitea.apiUrl, '.'], { cwd: work, env, now: () => NOW });
      const first = await run();
      expect(first.stderr, first.stderr).not.toContain('warning');
      expect(first.stdout, first.stderr).not.toContain('nothing to do');
      expect(first.code).toBe(0);
      expect(first.stdout).toBe([
        'created pull request #1: http://gitea.example/acme/shop/pulls/1 (1 image(s))',
        'created pull request #2: http://gitea.example/acme/shop/pulls/2 (1 image(s))', '',
      ].join('\n'));
      // Ungrouped first (the default branch), then the groups.
      expect(gitea.pulls.map((p) => [p.number, p.head, p.base])).toEqual([[1, 'digestpin/update-digests', 'main'], [2, 'digestpin/app', 'main']]);
      const [dbPull, appPull] = gitea.pulls;
      expect(appPull!.title).toBe(`chore(deps): update ${app} from 1.2.3 to 1.3.0`);
      expect(appPull!.body).toContain(`| \`${app}\` | \`1.2.3\` → \`1.3.0\` | minor |`);
      expect(dbPull!.title).toBe(`chore(deps): update ${db} from 15.2 to 15.3`);
      for (const p of gitea.pulls) expect([p.labels, p.reviewers, p.assignees]).toEqual([['dependencies'], ['alice'], ['bob']]);
      // Each branch carries only its group's edit.
      const origin = path.join(root, 'acme/shop.git');
      expect(git(['show', 'digestpin/app:deploy/app.yaml'], origin)).toBe(`apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${app}:1.3.0@${d.app130}\n    - image: ${db}:15.2@${d.db152}`);
      expect(git(['show', 'digestpin/update-digests:deploy/app.yaml'], origin)).toBe(`apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${app}:1.2.3@${d.app123}\n    - image: ${db}:15.3@${d.db153}`);
      expect(gitea.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
        'GET /api/v1/repos/acme/shop/pulls', 'POST /api/v1/repos/acme/shop/pulls', 'POST /api/v1/repos/acme/shop/issues/1/labels',
        'POST /api/v1/repos/acme/shop/pulls/1/requested_reviewers', 'PATCH /api/v1/repos/acme/shop/issues/1',
        'GET /api/v1/repos/acme/shop/pulls', 'POST /api/v1/repos/acme/shop/pulls', 'POST /api/v1/repos/acme/shop/issues/2/labels',
        'POST /api/v1/repos/acme/shop/pulls/2/requested_reviewers', 'PATCH /api/v1/repos/acme/shop/issues/2',
      ]);
      for (const c of gitea.calls) expect(c.authorization).toBe(`token ${TOKEN}`);
      expect(first.stdout + first.stderr).not.toContain(TOKEN);

      // Same registry state, same tree: nothing is pushed and no pull request is edited.
      gitea.calls.length = 0;
      const second = await run();
      expect(second.code).toBe(0);
      expect(second.stdout).toBe([
        'pull request already up to date: http://gitea.example/acme/shop/pulls/1',
        'pull request already up to date: http://gitea.example/acme/shop/pulls/2', '',
      ].join('\n'));
      expect(gitea.calls.map((c) => c.method)).toEqual(['GET', 'GET']);
      expect(gitea.pulls).toHaveLength(2);
    } finally {
      await gitea.close();
    }
  });
});
