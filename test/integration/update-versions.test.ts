import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockFile } from '../../src/lock/schema.js';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { seedImage } from '../harness/seed.js';
import type { SeededImage } from '../harness/types.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';
import { isolatedGitEnv } from '../pr/git-fixture.js';

// `digestpin update --versions` against the real anonymous registry: a ladder of tags (patch,
// minor, major, a pre-release, an -alpine family, a non-version tag) is pushed, and the tree's
// tags move to the newest tag each level allows, pinned to that tag's digest in the same edit,
// byte for byte, in manifests, a kustomization, a Dockerfile, compose and Helm values.

const reg = registryFromContext('anonymous');
const repository = uniqueRepository('versions/app');
const other = uniqueRepository('versions/db');
const ARGS = ['--insecure-registry', reg.host];
const NOW = new Date('2026-12-01T00:00:00Z');
const LADDER = ['1.2.3', '1.2.4', '1.3.0', '2.0.0', '2.1.0-rc.1', '1.2.3-alpine', '1.2.5-alpine', '1.4.0-alpine', '2.0.0-alpine', 'latest'];
const image = `${reg.host}/${repository}`;
const db = `${reg.host}/${other}`;
const d: Record<string, SeededImage> = {};
let dbImage: SeededImage;

beforeAll(async () => {
  for (const tag of LADDER) {
    d[tag] = await seedImage(reg, { repository, tag, kind: 'oci-manifest', version: tag, created: '2026-11-01T00:00:00Z', dispatcher: reg.dispatcher });
  }
  dbImage = await seedImage(reg, { repository: other, tag: '15.2', kind: 'oci-manifest', dispatcher: reg.dispatcher });
  await seedImage(reg, { repository: other, tag: '16.0', kind: 'oci-manifest', dispatcher: reg.dispatcher });
});

afterAll(async () => {
  await reg.close();
});

const digest = (tag: string): string => d[tag]!.digest;

/** tree is the project before the update; `at` says which tags it uses. */
function tree(): Record<string, string> {
  return {
    'deploy/app.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: app}', 'spec:', '  template:', '    spec:', '      containers:',
      `        - name: app`, `          image: ${image}:1.2.3@${digest('1.2.3')}   # pinned`,
      `        - name: sidecar`, `          image: "${image}:1.2.3-alpine"`,
      `        - name: edge`, `          image: ${image}:latest@${digest('latest')}`, '',
    ].join('\n'),
    'overlay/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'images:',
      `  - name: ${image}`, '    newTag: "1.2.3"   # kept quoted', `    digest: ${digest('1.2.3')}`, '',
    ].join('\n'),
  };
}

/** extras are the other file kinds `update` edits. */
function extras(): Record<string, string> {
  return {
    'Dockerfile': [`FROM ${image}:1.2.3-alpine@${digest('1.2.3-alpine')} AS build`, 'RUN true', ''].join('\n'),
    'compose.yaml': ['services:', '  app:', `    image: ${image}:1.2.3`, ''].join('\n'),
    'chart/values.yaml': ['image:', `  repository: ${image}`, '  tag: 1.2.3', `  digest: "${digest('1.2.3')}"`, ''].join('\n'),
  };
}

interface Expected {
  plain: string;
  alpine: string;
}

const LEVELS: Array<[level: string, expected: Expected]> = [
  ['patch', { plain: '1.2.4', alpine: '1.2.5-alpine' }],
  ['minor', { plain: '1.3.0', alpine: '1.4.0-alpine' }],
  ['major', { plain: '2.0.0', alpine: '2.0.0-alpine' }],
];

function expectedTree(to: Expected): Record<string, string> {
  return {
    'deploy/app.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: app}', 'spec:', '  template:', '    spec:', '      containers:',
      `        - name: app`, `          image: ${image}:${to.plain}@${digest(to.plain)}   # pinned`,
      `        - name: sidecar`, `          image: "${image}:${to.alpine}@${digest(to.alpine)}"`,
      `        - name: edge`, `          image: ${image}:latest@${digest('latest')}`, '',
    ].join('\n'),
    'overlay/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'images:',
      `  - name: ${image}`, `    newTag: "${to.plain}"   # kept quoted`, `    digest: ${digest(to.plain)}`, '',
    ].join('\n'),
  };
}

async function read(dir: string, file: string): Promise<string> {
  return fs.readFile(path.join(dir, file), 'utf8');
}

describe('digestpin update --versions against a ladder of tags in the real registry', () => {
  it.each(LEVELS)('--versions %s moves manifests and a kustomization to the newest allowed tag of each family, byte-exact', async (level, to) => {
    const dir = await tempDir('digestpin-versions-');
    await writeTree(dir, tree());
    const result = await runCli(['update', ...ARGS, '--versions', level, '.'], { cwd: dir, now: () => NOW });
    expect(result.stderr).not.toContain('failed');
    expect(result.code).toBe(0);
    for (const [file, text] of Object.entries(expectedTree(to))) expect(await read(dir, file)).toBe(text);
    expect(result.stdout).toContain(`(tag 1.2.3 -> ${to.plain})`);
    expect(result.stdout).toContain(`(tag 1.2.3-alpine -> ${to.alpine})`);
    const lock = JSON.parse(await read(dir, 'digestpin.lock.json')) as LockFile;
    expect(lock.images[`${image}:${to.plain}`]?.digest).toBe(digest(to.plain));
    expect(lock.images[`${image}:${to.alpine}`]?.digest).toBe(digest(to.alpine));
    expect(lock.images[`${image}:1.2.3`]).toBeUndefined();

    // Re-running changes nothing: the tree is at the newest allowed tags.
    const again = await runCli(['update', ...ARGS, '--versions', level, '--check', '.'], { cwd: dir, now: () => NOW });
    expect(again.code).toBe(0);
  });

  it('without --versions (or with --versions digest) tags stay and only moved digests change', async () => {
    const dir = await tempDir('digestpin-versions-');
    await writeTree(dir, tree());
    for (const args of [[], ['--versions', 'digest']]) {
      const result = await runCli(['update', ...ARGS, '--check', '--no-lock', ...args, '.'], { cwd: dir, now: () => NOW });
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('0 reference(s) in 0 file(s) would update');
      expect(result.code).toBe(0);
    }
  });

  it('moves Dockerfile FROM, compose and Helm values (tag and digest keys) too', async () => {
    const dir = await tempDir('digestpin-versions-');
    await writeTree(dir, extras());
    const result = await runCli(['update', ...ARGS, '--versions', 'minor', '.'], { cwd: dir, now: () => NOW });
    expect(result.code).toBe(0);
    expect(await read(dir, 'Dockerfile')).toBe([`FROM ${image}:1.4.0-alpine@${digest('1.4.0-alpine')} AS build`, 'RUN true', ''].join('\n'));
    expect(await read(dir, 'compose.yaml')).toBe(['services:', '  app:', `    image: ${image}:1.3.0@${digest('1.3.0')}`, ''].join('\n'));
    expect(await read(dir, 'chart/values.yaml')).toBe(['image:', `  repository: ${image}`, '  tag: 1.3.0', `  digest: "${digest('1.3.0')}"`, ''].join('\n'));
  });

  it('applies .digestpin.yaml rules by image glob: level, allowed range, ignore', async () => {
    const dir = await tempDir('digestpin-versions-');
    await writeTree(dir, {
      ...tree(),
      'deploy/db.yaml': ['kind: Pod', 'spec:', '  containers:', `    - image: ${db}:15.2@${dbImage.digest}`, ''].join('\n'),
      '.digestpin.yaml': [
        'updates:', '  versions: major', '  rules:',
        `    - images: ["**/${repository.split('/').pop()}"]`, '      allowed: "<2"',
        `    - images: ["${db}"]`, '      ignore: true', '',
      ].join('\n'),
    });
    const result = await runCli(['update', ...ARGS, '.'], { cwd: dir, now: () => NOW });
    expect(result.code).toBe(0);
    expect(await read(dir, 'deploy/app.yaml')).toBe(expectedTree({ plain: '1.3.0', alpine: '1.4.0-alpine' })['deploy/app.yaml']);
    expect(await read(dir, 'deploy/db.yaml')).toContain(`${db}:15.2@${dbImage.digest}`);
  });

  it('--pr --dry-run names old -> new version, kind and digests, one pull request per group', async () => {
    const dir = await tempDir('digestpin-versions-');
    const env = isolatedGitEnv(dir);
    await writeTree(dir, {
      ...tree(),
      '.digestpin.yaml': ['updates:', '  rules:', `    - images: ["${image}"]`, '      versions: minor', '      group: app', ''].join('\n'),
    });
    execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir, env });
    const result = await runCli(['update', ...ARGS, '--pr', '--dry-run', '.'], { cwd: dir, env, now: () => NOW });
    expect(result.stderr).not.toContain('failed');
    expect(result.code).toBe(0);
    const shortOf = (tag: string) => digest(tag).slice(7, 19);
    expect(result.stdout).toContain('branch: digestpin/app\n');
    expect(result.stdout).toContain(`title: chore(deps): update image versions and digests\n`);
    expect(result.stdout).toContain('| Image | Version | Kind | Digest | Files | Why |');
    expect(result.stdout).toContain(`| \`${image}\` | \`1.2.3\` → \`1.3.0\` | minor | \`${shortOf('1.2.3')}\` → \`${shortOf('1.3.0')}\` | \`deploy/app.yaml\`<br>\`overlay/kustomization.yaml\` |`);
    expect(result.stdout).toContain(`| \`${image}\` | \`1.2.3-alpine\` → \`1.4.0-alpine\` | minor | not pinned → \`${shortOf('1.4.0-alpine')}\` | \`deploy/app.yaml\` |`);
    expect(result.stdout).toContain(`- ${image}:1.2.3 → 1.3.0 (minor): ${shortOf('1.2.3')} → ${shortOf('1.3.0')}`);
    expect(result.stdout).toContain(`# ${image}:1.2.3 → 1.3.0\n- ${digest('1.2.3')}\n+ ${digest('1.3.0')}\n`);
    expect(result.stdout).toContain('digestpin update --diff .');
    // A dry run writes nothing.
    for (const [file, text] of Object.entries(tree())) expect(await read(dir, file)).toBe(text);
  });
});
