import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockFile } from '../../src/lock/schema.js';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { moveTag, seedImage } from '../harness/seed.js';
import type { ImageKind, SeededImage } from '../harness/types.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// `digestpin update` against the real anonymous registry: pin a tree (name:tag@sha256 in
// manifests and a Dockerfile, a kustomization newTag + digest, a digest-only reference),
// move two tags, and check that update rewrites exactly those digests and nothing else.

interface UpdateJson {
  written: boolean;
  lockChanged: boolean;
  files: Array<{ file: string; pinned: Array<{ file: string; line: number; raw: string; reference: string; digest: string; status: string }> }>;
  blockedFiles: string[];
  failures: unknown[];
  occurrences: Array<{ file: string; raw: string; reference?: string; status: string }>;
  ignoredFiles: unknown[];
}

const reg = registryFromContext('anonymous');
const prefix = uniqueRepository('update');
const ARGS = ['--insecure-registry', reg.host];
const PINNED_AT = new Date('2026-11-20T00:00:00Z');
const NOW = new Date('2026-11-21T06:00:00Z');

/** SEEDS are the images of the tree; api and front move after pinning, web and tool do not. */
const SEEDS = {
  api: { repository: `${prefix}/api`, tag: '2.3', kind: 'docker-manifest', version: '2.3.0' },
  web: { repository: `${prefix}/web`, tag: '1.0', kind: 'oci-manifest', version: '1.0.0' },
  front: { repository: `${prefix}/front`, tag: 'v2', kind: 'oci-index', version: '2.0.0' },
  tool: { repository: `${prefix}/tool`, tag: 'v1', kind: 'oci-manifest', version: '1.0.0' },
} satisfies Record<string, { repository: string; tag: string; kind: ImageKind; version: string }>;

const name = (seed: keyof typeof SEEDS): string => `${reg.host}/${SEEDS[seed].repository}`;
const key = (seed: keyof typeof SEEDS): string => `${name(seed)}:${SEEDS[seed].tag}`;

const FILES = ['deploy/app.yaml', 'deploy/web.yaml', 'Dockerfile', 'overlays/prod/kustomization.yaml'];

let pinnedTree: string;
const seeded: Partial<Record<keyof typeof SEEDS, SeededImage>> = {};
const moved: Partial<Record<'api' | 'front', SeededImage>> = {};
/** pinned holds every file (and the lock) as `digestpin pin` left it. */
const pinned: Record<string, string> = {};

/** sources is the unpinned tree; comments, quoting and spacing must survive both pin and update. */
function sources(toolDigest: string): Record<string, string> {
  return {
    'deploy/app.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: app}', 'spec:', '  template:', '    spec:',
      '      containers:', '        - name: api', `          image: ${key('api')}   # the API`,
      '        - name: tool', `          image: ${name('tool')}@${seeded.tool!.digest}`, '',
    ].join('\n'),
    'deploy/web.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:',
      '      initContainers:', '        - name: migrate', `          image: '${key('api')}'`,
      '      containers:', '        - name: web', `          image: "${key('web')}"`, '',
    ].join('\n'),
    'Dockerfile': [`FROM ${key('api')} AS base`, 'RUN true', `FROM --platform=linux/amd64 ${key('web')}`, 'COPY --from=base /x /x', ''].join('\n'),
    'overlays/prod/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - ../../deploy', 'images:',
      `  - name: ${name('front')}`, '    newTag: v2', '  # web stays on 1.0', `  - name: ${name('web')}`, '    newTag: "1.0"', '',
    ].join('\n'),
  };
}

/** copyPinned copies the pinned tree (and its lock) to a fresh temp dir for one test. */
async function copyPinned(): Promise<string> {
  const dir = await tempDir('digestpin-update-');
  await fs.cp(pinnedTree, dir, { recursive: true });
  return dir;
}

async function read(dir: string, file: string): Promise<string> {
  return fs.readFile(path.join(dir, file), 'utf8');
}

async function readLock(dir: string): Promise<LockFile> {
  return JSON.parse(await read(dir, 'digestpin.lock.json')) as LockFile;
}

/** expectedAfter is the pinned text with the given digests swapped: what a byte-exact update writes. */
function expectedAfter(file: string, which: Array<'api' | 'front'>): string {
  let text = pinned[file]!;
  for (const seed of which) text = text.replaceAll(seeded[seed]!.digest, moved[seed]!.digest);
  return text;
}

function update(dir: string, args: string[] = []) {
  return runCli(['update', ...ARGS, ...args], { cwd: dir, now: () => NOW });
}

beforeAll(async () => {
  pinnedTree = await fs.mkdtemp(path.join(os.tmpdir(), 'digestpin-update-pinned-'));
  for (const [id, seed] of Object.entries(SEEDS)) {
    seeded[id as keyof typeof SEEDS] = await seedImage(reg, { ...seed, created: '2026-11-19T10:00:00Z', dispatcher: reg.dispatcher });
  }
  await writeTree(pinnedTree, sources(seeded.tool!.digest));
  const pin = await runCli(['pin', ...ARGS, '.'], { cwd: pinnedTree, now: () => PINNED_AT });
  expect(pin.stderr).toContain('lock written to digestpin.lock.json');
  expect(pin.code).toBe(0);
  for (const file of [...FILES, 'digestpin.lock.json']) pinned[file] = await read(pinnedTree, file);
  moved.api = await moveTag(reg, SEEDS.api.repository, SEEDS.api.tag, 'docker-manifest', { version: '2.3.0', created: '2026-11-20T10:00:00Z' });
  moved.front = await moveTag(reg, SEEDS.front.repository, SEEDS.front.tag, 'oci-index', { version: '2.0.1', created: '2026-11-20T11:00:00Z' });
});

afterAll(async () => {
  await fs.rm(pinnedTree, { recursive: true, force: true });
  await reg.close();
});

describe('digestpin update against the anonymous registry', () => {
  it('pinned the fixture as expected (name:tag@digest, kustomization newTag + digest)', () => {
    expect(pinned['deploy/app.yaml']).toContain(`image: ${key('api')}@${seeded.api!.digest}   # the API\n`);
    expect(pinned['deploy/app.yaml']).toContain(`image: ${name('tool')}@${seeded.tool!.digest}\n`);
    expect(pinned['Dockerfile']).toContain(`FROM ${key('api')}@${seeded.api!.digest} AS base\n`);
    expect(pinned['overlays/prod/kustomization.yaml']).toContain(`    newTag: v2\n    digest: ${seeded.front!.digest}\n`);
    expect(pinned['overlays/prod/kustomization.yaml']).toContain(`    newTag: "1.0"\n    digest: ${seeded.web!.digest}\n`);
  });

  it('--check exits 1, names the two moved tags and writes nothing', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--check']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4); // api in app.yaml, web.yaml, Dockerfile; front in the kustomization
    expect(lines.filter((l) => l.includes(`${key('api')}@`))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(`${key('front')}@`))).toHaveLength(1);
    for (const line of lines) expect(line).toMatch(/^would update /);
    expect(result.stdout).toContain(`-> sha256:${moved.api!.digest.slice(7, 19)}`);
    expect(result.stdout).toContain(`-> sha256:${moved.front!.digest.slice(7, 19)}`);
    for (const file of [...FILES, 'digestpin.lock.json']) expect(await read(dir, file)).toBe(pinned[file]);
  });

  it('--diff shows only the moved digest lines changing and writes nothing', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--diff']);
    expect(result.code).toBe(1);
    const changed = result.stdout.split('\n').filter((l) => /^[-+](?![-+]{2} [ab]\/)/.test(l));
    const removed = changed.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    const added = changed.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    expect(removed).toHaveLength(4);
    expect(added).toEqual(removed.map((l) => l.replace(seeded.api!.digest, moved.api!.digest).replace(seeded.front!.digest, moved.front!.digest)));
    expect(removed).toContain(`    digest: ${seeded.front!.digest}`);
    expect(added).toContain(`    digest: ${moved.front!.digest}`);
    const headers = result.stdout.split('\n').filter((l) => l.startsWith('+++ ')).map((l) => l.slice(6));
    expect(headers.sort()).toEqual(['Dockerfile', 'deploy/app.yaml', 'deploy/web.yaml', 'overlays/prod/kustomization.yaml']);
    for (const file of [...FILES, 'digestpin.lock.json']) expect(await read(dir, file)).toBe(pinned[file]);
  });

  it('rewrites exactly the moved digests, byte for byte, and records history in the lock', async () => {
    const dir = await copyPinned();
    const result = await update(dir);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(result.stderr).toContain('4 reference(s) in 4 file(s) updated; 3 unique tag(s) checked; lock written to digestpin.lock.json');
    for (const file of FILES) expect(await read(dir, file)).toBe(expectedAfter(file, ['api', 'front']));
    expect(await read(dir, 'overlays/prod/kustomization.yaml')).toContain(`    newTag: v2\n    digest: ${moved.front!.digest}\n`);

    const before = JSON.parse(pinned['digestpin.lock.json']!) as LockFile;
    const lock = await readLock(dir);
    expect(Object.keys(lock.images).sort()).toEqual(Object.keys(before.images).sort());
    for (const seed of ['api', 'front'] as const) {
      expect(lock.images[key(seed)]).toMatchObject({
        digest: moved[seed]!.digest,
        files: before.images[key(seed)]!.files,
        firstSeen: NOW.toISOString(),
        history: [{ digest: seeded[seed]!.digest, firstSeen: PINNED_AT.toISOString(), replaced: NOW.toISOString() }],
      });
    }
    expect(lock.images[key('front')]!.platforms).toEqual(Object.fromEntries(moved.front!.platforms!.map((p) => [p.platform, p.digest])));
    expect(lock.images[key('web')]).toEqual(before.images[key('web')]);
    expect(lock.images[key('api')]!.files).toEqual(['Dockerfile', 'deploy/app.yaml', 'deploy/web.yaml']);
  });

  it('reports the digest-only reference as left alone and never touches it', async () => {
    const dir = await copyPinned();
    const result = await update(dir);
    const toolRef = `${name('tool')}@${seeded.tool!.digest}`;
    expect(result.stderr).toContain(`left alone (digest only, no tag to follow): deploy/app.yaml:11:18 ${toolRef}\n`);
    expect(await read(dir, 'deploy/app.yaml')).toContain(`image: ${toolRef}\n`);
    expect(Object.keys((await readLock(dir)).images).some((k) => k.includes('/tool'))).toBe(false);
  });

  it('--image updates only the matching names; the others keep their digest in files and lock', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--image', '**/api:*']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('3 reference(s) in 3 file(s) updated; 1 unique tag(s) checked');
    for (const file of FILES) expect(await read(dir, file)).toBe(expectedAfter(file, ['api']));
    const lock = await readLock(dir);
    expect(lock.images[key('api')]!.digest).toBe(moved.api!.digest);
    expect(lock.images[key('front')]).toEqual((JSON.parse(pinned['digestpin.lock.json']!) as LockFile).images[key('front')]);
  });

  it('--exclude-image skips the matching names', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--exclude-image', `${name('api')}:*`, '--exclude-image', '**/web:*']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 reference(s) in 1 file(s) updated; 1 unique tag(s) checked');
    for (const file of FILES) expect(await read(dir, file)).toBe(expectedAfter(file, ['front']));
    expect((await readLock(dir)).images[key('api')]!.digest).toBe(seeded.api!.digest);
  });

  it('a second update finds nothing to do (exit 0, nothing rewritten)', async () => {
    const dir = await copyPinned();
    expect((await update(dir)).code).toBe(0);
    const after = Object.fromEntries(await Promise.all([...FILES, 'digestpin.lock.json'].map(async (f) => [f, await read(dir, f)])));
    const again = await runCli(['update', ...ARGS], { cwd: dir, now: () => new Date('2026-11-22T00:00:00Z') });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('0 reference(s) in 0 file(s) updated; 3 unique tag(s) checked\n');
    for (const file of [...FILES, 'digestpin.lock.json']) expect(await read(dir, file)).toBe(after[file]);
    const check = await update(dir, ['--check']);
    expect(check.code).toBe(0);
  });

  it('a tag that no longer resolves blocks all writes; --keep-going writes the rest and exits 2', async () => {
    const dir = await copyPinned();
    const gone = `${reg.host}/${prefix}/gone:v1@${seeded.web!.digest}`;
    await writeTree(dir, { 'deploy/gone.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${gone}\n` });
    const strict = await update(dir);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`digestpin: ${reg.host}/${prefix}/gone:v1 (deploy/gone.yaml:5:14): `);
    expect(strict.stderr).toMatch(/answered 404 \(MANIFEST_UNKNOWN/);
    expect(strict.stderr).toContain('nothing was written');
    for (const file of [...FILES, 'digestpin.lock.json']) expect(await read(dir, file)).toBe(pinned[file]);

    const lenient = await update(dir, ['--keep-going']);
    expect(lenient.code).toBe(2);
    expect(lenient.stderr).toContain('skipped deploy/gone.yaml: a reference in it failed to resolve');
    for (const file of FILES) expect(await read(dir, file)).toBe(expectedAfter(file, ['api', 'front']));
    expect(await read(dir, 'deploy/gone.yaml')).toContain(`image: ${gone}\n`);
  });

  it('--json --check reports the planned rewrites with old references and new digests', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--json', '--check']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as UpdateJson;
    expect(report).toMatchObject({ written: false, lockChanged: true, blockedFiles: [], failures: [], ignoredFiles: [] });
    expect(report.files.map((f) => f.file).sort()).toEqual([...FILES].sort());
    const rewrites = report.files.flatMap((f) => f.pinned);
    expect(rewrites).toHaveLength(4);
    for (const r of rewrites) {
      const seed = r.reference.startsWith(`${key('api')}@`) ? 'api' : 'front';
      expect(r.reference).toBe(`${key(seed)}@${seeded[seed]!.digest}`);
      expect(r.digest).toBe(moved[seed]!.digest);
      expect(r.status).toBe('pinned');
    }
    const tool = report.occurrences.find((o) => o.raw.startsWith(name('tool')));
    expect(tool).toMatchObject({ file: 'deploy/app.yaml', status: 'pinned', reference: `${name('tool')}@${seeded.tool!.digest}` });
    for (const file of FILES) expect(await read(dir, file)).toBe(pinned[file]);
  });

  it('--json without --check writes and says so', async () => {
    const dir = await copyPinned();
    const result = await update(dir, ['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as UpdateJson;
    expect(report).toMatchObject({ written: true, lockChanged: true });
    expect(report.files.flatMap((f) => f.pinned)).toHaveLength(4);
    for (const file of FILES) expect(await read(dir, file)).toBe(expectedAfter(file, ['api', 'front']));
  });
});
