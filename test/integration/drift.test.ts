import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockFile } from '../../src/lock/schema.js';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { deleteTag, moveTag, seedImage } from '../harness/seed.js';
import type { ImageKind, SeededImage } from '../harness/types.js';
import { dockerConfigFor, runCli, tempDir, writeTree } from '../helpers/cli.js';
import { parseWorkflowCommand } from '../helpers/workflow-commands.js';

// `digestpin drift` against the real token-auth registry: lock a tree, then move two tags
// (one to a new single manifest, one from a single manifest to an index), delete one,
// revoke bob's access to one repository, and check what drift reports and how it exits.

interface DriftJson {
  checked: number;
  unchanged: number;
  moved: Array<{
    reference: string; lockedDigest: string; currentDigest: string; files: string[];
    kindChange?: string; platformsChanged?: string[];
    explanation?: { summary: string; oldAvailable: boolean; old?: Record<string, string>; new?: Record<string, string> };
  }>;
  vanished: Array<{ reference: string; lockedDigest: string; files: string[]; code: string; message: string }>;
  errors: Array<{ reference: string; code: string; message: string; files: string[] }>;
}

const reg = registryFromContext('token');
const prefix = uniqueRepository('drift');
const NOW = new Date('2026-11-21T06:00:00Z');

/** SEEDS are the six locked tags; the role says what the test does to each after pinning. */
const SEEDS = {
  api: { repository: `${prefix}/api`, tag: '2.3', kind: 'docker-manifest', version: '2.3.0', revision: '1a2b3c4d5e6f708192a3b4c5d6e7f80910111213', created: '2026-11-19T10:00:00Z' },
  web: { repository: `${prefix}/web`, tag: '1.0', kind: 'oci-manifest', version: '1.0.0', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334', created: '2026-11-18T09:00:00Z' },
  worker: { repository: `${prefix}/worker`, tag: 'stable', kind: 'oci-manifest', version: '0.9.1', revision: 'f0e1d2c3b4a5968778695a4b3c2d1e0f00112233', created: '2026-11-17T08:00:00Z' },
  secret: { repository: `${prefix}/secret`, tag: 'v1', kind: 'docker-manifest', version: '1.0.0', revision: '0123456789abcdef0123456789abcdef01234567', created: '2026-11-16T07:00:00Z' },
  multi: { repository: `${prefix}/multi`, tag: 'v4', kind: 'oci-index', version: '4.0.0', revision: '89abcdef0123456789abcdef0123456789abcdef', created: '2026-11-15T06:00:00Z' },
  list: { repository: `${prefix}/list`, tag: 'v5', kind: 'docker-list', version: '5.0.0', revision: 'fedcba9876543210fedcba9876543210fedcba98', created: '2026-11-14T05:00:00Z' },
} satisfies Record<string, { repository: string; tag: string; kind: ImageKind; version: string; revision: string; created: string }>;

const MOVED_API = { version: '2.3.0', revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', created: '2026-11-20T10:00:00Z' };
const MOVED_WEB = { version: '1.0.1', revision: 'b2c3d4e5f60718293a4b5c6d7e8f900112233445', created: '2026-11-20T11:00:00Z' };

const ref = (name: keyof typeof SEEDS): string => `${reg.host}/${SEEDS[name].repository}:${SEEDS[name].tag}`;

let tree: string;
let registryArgs: string[];
const seeded: Partial<Record<keyof typeof SEEDS, SeededImage>> = {};
const after: Partial<Record<'api' | 'web', SeededImage>> = {};

/** manifests is the tree that gets pinned: Kubernetes workloads of several kinds. */
function manifests(): Record<string, string> {
  return {
    'deploy/api.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: api}', 'spec:', '  template:', '    spec:', '      containers:',
      `        - name: api`, `          image: ${ref('api')}`, `        - name: sidecar`, `          image: ${ref('multi')}`, '',
    ].join('\n'),
    'deploy/web.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:',
      '      initContainers:', `        - name: migrate`, `          image: ${ref('api')}`,
      '      containers:', `        - name: web`, `          image: "${ref('web')}"`, '',
    ].join('\n'),
    'deploy/jobs.yaml': [
      'apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: nightly}', 'spec:', '  schedule: "0 3 * * *"', '  jobTemplate:',
      '    spec:', '      template:', '        spec:', '          restartPolicy: OnFailure', '          containers:',
      `            - name: worker`, `              image: '${ref('worker')}'`, '---',
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: vault}', 'spec:', '  containers:', `    - name: secret`, `      image: ${ref('secret')}`, '',
    ].join('\n'),
    'deploy/tools.yaml': [
      'apiVersion: apps/v1', 'kind: DaemonSet', 'metadata: {name: tools}', 'spec:', '  template:', '    spec:', '      containers:',
      `        - name: tools`, `          image: ${ref('list')}`, '',
    ].join('\n'),
  };
}

async function drift(args: string[], cwd = tree) {
  return runCli(['drift', ...registryArgs, ...args], { cwd, now: () => NOW });
}

async function driftJson(args: string[] = [], cwd = tree): Promise<{ code: number; report: DriftJson; stderr: string }> {
  const result = await drift(['--format', 'json', ...args], cwd);
  return { code: result.code, report: JSON.parse(result.stdout) as DriftJson, stderr: result.stderr };
}

/** lockCopy writes a copy of the tree's lock (optionally only some entries) to a temp dir beside the tree. */
async function lockCopy(keep?: (key: string) => boolean): Promise<string> {
  const lock = JSON.parse(await fs.readFile(path.join(tree, 'digestpin.lock.json'), 'utf8')) as LockFile;
  if (keep) lock.images = Object.fromEntries(Object.entries(lock.images).filter(([key]) => keep(key)));
  const file = path.join(await tempDir('digestpin-drift-lock-'), 'digestpin.lock.json');
  await fs.writeFile(file, `${JSON.stringify(lock, null, 2)}\n`);
  return file;
}

beforeAll(async () => {
  tree = await fs.mkdtemp(path.join(os.tmpdir(), 'digestpin-drift-'));
  // dockerConfigFor's dir is not removed by a test hook here (beforeAll): afterAll removes it.
  registryArgs = ['--ca-file', reg.caFile!, '--docker-config', await dockerConfigFor(reg.host, 'bob', reg.users.bob!)];
  for (const [name, seed] of Object.entries(SEEDS)) seeded[name as keyof typeof SEEDS] = await seedImage(reg, { ...seed, dispatcher: reg.dispatcher });
  await writeTree(tree, manifests());
  const pinned = await runCli(['pin', ...registryArgs, '.'], { cwd: tree, now: () => new Date('2026-11-20T00:00:00Z') });
  expect(pinned.stderr).toContain('lock written to digestpin.lock.json');
  expect(pinned.code).toBe(0);

  after.api = await moveTag(reg, SEEDS.api.repository, SEEDS.api.tag, 'docker-manifest', MOVED_API);
  after.web = await moveTag(reg, SEEDS.web.repository, SEEDS.web.tag, 'oci-index', MOVED_WEB);
  await deleteTag(reg, SEEDS.worker.repository, seeded.worker!.digest);
  await reg.admin().denyRepository('bob', SEEDS.secret.repository);
});

afterAll(async () => {
  await reg.admin().allowRepository('bob', SEEDS.secret.repository).catch(() => undefined);
  await fs.rm(tree, { recursive: true, force: true });
  await fs.rm(registryArgs[3]!, { recursive: true, force: true });
  await reg.close();
});

describe('digestpin drift against the token registry', () => {
  it('pinned every tag into the lock with its seeded digest', async () => {
    const lock = JSON.parse(await fs.readFile(path.join(tree, 'digestpin.lock.json'), 'utf8')) as LockFile;
    expect(Object.keys(lock.images).sort()).toEqual(Object.keys(SEEDS).map((n) => ref(n as keyof typeof SEEDS)).sort());
    for (const name of Object.keys(SEEDS) as Array<keyof typeof SEEDS>) expect(lock.images[ref(name)]!.digest).toBe(seeded[name]!.digest);
    expect(lock.images[ref('api')]!.files).toEqual(['deploy/api.yaml', 'deploy/web.yaml']);
  });

  it('reports exactly 2 moved, 1 vanished, 1 error and the rest unchanged (--format json)', async () => {
    const { code, report } = await driftJson();
    // One check (bob lost access) could not be made: never a success, whatever --fail-on says (issue 11 item 21).
    expect(code).toBe(2);
    expect((report as unknown as { notChecked: number }).notChecked).toBe(1);
    expect({ checked: report.checked, unchanged: report.unchanged }).toEqual({ checked: 6, unchanged: 2 });
    expect(report.moved.map((m) => m.reference)).toEqual([ref('api'), ref('web')]);
    const [api, web] = report.moved;
    expect(api).toMatchObject({ lockedDigest: seeded.api!.digest, currentDigest: after.api!.digest, files: ['deploy/api.yaml', 'deploy/web.yaml'] });
    expect(api!.kindChange).toBeUndefined();
    expect(api!.platformsChanged).toBeUndefined();
    expect(web).toMatchObject({ lockedDigest: seeded.web!.digest, currentDigest: after.web!.digest, files: ['deploy/web.yaml'], kindChange: 'manifest-to-index' });
    expect(web!.platformsChanged).toEqual(['linux/amd64', 'linux/arm64']);
    expect(report.vanished).toEqual([
      expect.objectContaining({ reference: ref('worker'), lockedDigest: seeded.worker!.digest, files: ['deploy/jobs.yaml'], code: 'MANIFEST_UNKNOWN' }),
    ]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ reference: ref('secret'), files: ['deploy/jobs.yaml'] });
    expect(['UNAUTHORIZED', 'DENIED']).toContain(report.errors[0]!.code);
    expect(report.errors[0]!.message).toContain(SEEDS.secret.repository);
    expect(JSON.stringify(report)).not.toContain(reg.users.bob!);
  });

  it('explains each move with the seeded version, revision and created values', async () => {
    const { report } = await driftJson();
    const [api, web] = report.moved;
    const { api: a, web: w } = SEEDS;
    expect(api!.explanation).toEqual({
      summary: `rebuilt: created ${a.created} → ${MOVED_API.created}, revision ${a.revision.slice(0, 12)} → ${MOVED_API.revision.slice(0, 12)}`,
      old: { version: a.version, revision: a.revision, created: a.created },
      new: MOVED_API,
      oldAvailable: true,
    });
    expect(web!.explanation).toEqual({
      summary: `new version: version ${w.version} → ${MOVED_WEB.version}, created ${w.created} → ${MOVED_WEB.created}, revision ${w.revision.slice(0, 12)} → ${MOVED_WEB.revision.slice(0, 12)}`,
      old: { version: w.version, revision: w.revision, created: w.created },
      new: MOVED_WEB,
      oldAvailable: true,
    });
  });

  it('leaves the explanation out with --no-explain', async () => {
    const { report } = await driftJson(['--no-explain']);
    expect(report.moved).toHaveLength(2);
    for (const m of report.moved) expect(m.explanation).toBeUndefined();
  });

  it.each([
    [[], 2],
    [['--fail-on', 'moved,vanished'], 2],
    [['--fail-on', 'none'], 2],
    [['--allow-errors'], 1],
    [['--allow-errors', '--fail-on', 'moved,vanished'], 1],
    [['--allow-errors', '--fail-on', 'moved'], 1],
    [['--allow-errors', '--fail-on', 'vanished'], 1],
    [['--allow-errors', '--fail-on', 'error'], 1],
    [['--allow-errors', '--fail-on', 'none'], 0],
    [['--allow-errors', '--fail-on', ''], 0],
  ])('exits by --fail-on (2 while a check could not be made, unless --allow-errors): %j → %i', async (args, expected) => {
    expect((await drift(['--format', 'json', '--no-explain', ...args])).code).toBe(expected);
  });

  it.each([
    [['--fail-on', 'moved,bogus'], /--fail-on "bogus" is not one of moved, vanished, error/],
    [['--format', 'yaml'], /--format "yaml" is not one of text, json, markdown, sarif, github/],
    [['--lock', 'missing.lock.json'], /missing\.lock\.json not found .*\[LOCK_MISSING\]/],
  ])('exits 2 on a usage or runtime error: %j', async (args, message) => {
    const result = await drift(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 0 on a lock whose tags are all unchanged, even with --fail-on moved,vanished,error', async () => {
    const lock = await lockCopy((key) => key === ref('multi') || key === ref('list'));
    const { code, report } = await driftJson(['--lock', lock, '--fail-on', 'moved,vanished,error']);
    expect(code).toBe(0);
    expect(report).toEqual({ checked: 2, unchanged: 2, moved: [], vanished: [], errors: [], notChecked: 0 });
  });

  it('filters lock entries with --image and --exclude-image globs on their names', async () => {
    const only = await driftJson(['--image', `${reg.host}/${prefix}/{multi,list}:*`]);
    expect(only.code).toBe(0);
    expect({ checked: only.report.checked, unchanged: only.report.unchanged }).toEqual({ checked: 2, unchanged: 2 });

    const apiOnly = await driftJson(['--image', `**/${prefix}/api:*`]);
    expect(apiOnly.report.checked).toBe(1);
    expect(apiOnly.report.moved.map((m) => m.reference)).toEqual([ref('api')]);

    const rest = await driftJson(['--exclude-image', `**/${prefix}/{api,web}:*`, '--exclude-image', '**/*:stable']);
    expect(rest.report.checked).toBe(3);
    expect(rest.report.moved).toEqual([]);
    expect(rest.report.vanished).toEqual([]);
    expect(rest.report.errors.map((e) => e.reference)).toEqual([ref('secret')]);
    expect(rest.code).toBe(2);
  });

  it('--update-lock records the moved digests with history; the next drift reports 0 moved', async () => {
    const lockFile = await lockCopy();
    const before = JSON.parse(await fs.readFile(lockFile, 'utf8')) as LockFile;
    const first = await drift(['--lock', lockFile, '--update-lock', '--no-explain', '--allow-errors']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('recorded 2 moved tag(s)');
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8')) as LockFile;
    expect(lock.images[ref('api')]).toMatchObject({
      digest: after.api!.digest, mediaType: after.api!.mediaType, firstSeen: NOW.toISOString(),
      history: [{ digest: seeded.api!.digest, firstSeen: before.images[ref('api')]!.firstSeen, replaced: NOW.toISOString() }],
    });
    expect(lock.images[ref('web')]).toMatchObject({
      digest: after.web!.digest, mediaType: after.web!.mediaType,
      platforms: Object.fromEntries(after.web!.platforms!.map((p) => [p.platform, p.digest])),
      history: [{ digest: seeded.web!.digest, replaced: NOW.toISOString() }],
    });
    for (const name of ['worker', 'secret', 'multi', 'list'] as const) expect(lock.images[ref(name)]).toEqual(before.images[ref(name)]);

    const { code, report } = await driftJson(['--lock', lockFile, '--allow-errors']);
    expect({ moved: report.moved.length, vanished: report.vanished.length, errors: report.errors.length, unchanged: report.unchanged }).toEqual({ moved: 0, vanished: 1, errors: 1, unchanged: 4 });
    expect(code).toBe(1);
    expect((await drift(['--lock', lockFile, '--fail-on', 'moved', '--allow-errors'])).code).toBe(0);
    expect((await drift(['--lock', lockFile, '--fail-on', 'moved'])).code).toBe(2);
  });
});

describe('digestpin drift output formats', () => {
  it('text: one aligned row per tag and a summary line', async () => {
    const { stdout, code } = await drift([]);
    expect(code).toBe(2);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines.at(-2)).toBe('checked 6: 2 unchanged, 2 moved, 1 vanished, 1 error(s)');
    expect(lines.at(-1)).toBe('NOT CHECKED: 1 of 6 locked tag(s) could not be checked (see the errors); this run says nothing about them');
    const column = lines[0]!.indexOf(reg.host);
    for (const line of lines.slice(0, 6)) expect(line.indexOf(reg.host)).toBe(column);
    const row = (name: keyof typeof SEEDS) => lines.find((l) => l.includes(` ${ref(name)} `))!;
    expect(row('api')).toMatch(/^MOVED {5}/);
    expect(row('api')).toContain(`${seeded.api!.digest.slice(7, 19)} → ${after.api!.digest.slice(7, 19)} — rebuilt: created`);
    expect(row('web')).toContain('— manifest to index; platforms changed: linux/amd64, linux/arm64; new version: version 1.0.0 → 1.0.1');
    expect(row('worker')).toMatch(/^VANISHED /);
    expect(row('secret')).toMatch(/^ERROR {5}/);
    expect(row('multi')).toMatch(new RegExp(`^UNCHANGED ${ref('multi').replace(/[.]/g, '\\.')} +${seeded.multi!.digest.slice(7, 19)}$`));
  });

  it('markdown: a heading, the summary and a table of the problems only', async () => {
    const { stdout } = await drift(['--format', 'markdown']);
    const lines = stdout.trimEnd().split('\n').slice(3);
    expect(stdout.split('\n').slice(0, 3)).toEqual(['## digestpin drift', '', '> [!CAUTION]']);
    expect(lines.slice(0, 5)).toEqual([
      '> **NOT CHECKED: 1 of 6 locked tag(s) could not be checked (see the errors); this run says nothing about them**', '',
      'checked 6: 2 unchanged, 2 moved, 1 vanished, 1 error(s)', '',
      '| status | image | locked | current | files | why |',
    ]);
    expect(lines[5]).toBe('|---|---|---|---|---|---|');
    // Rows follow the lock's (sorted) key order: api, secret, web, worker.
    expect(lines.slice(6).map((l) => l.split(' | ')[0])).toEqual(['| moved', '| error', '| moved', '| vanished']);
    expect(lines[6]).toContain(`| \`${ref('api')}\` | \`${seeded.api!.digest.slice(7, 19)}\` | \`${after.api!.digest.slice(7, 19)}\` | \`deploy/api.yaml\`, \`deploy/web.yaml\` | rebuilt:`);
    for (const line of lines.slice(6)) expect(line.split(/(?<!\\)\|/)).toHaveLength(8);
  });

  it('sarif: a valid SARIF 2.1.0 log with one result per problem', async () => {
    const { stdout } = await drift(['--format', 'sarif']);
    const log = JSON.parse(stdout) as {
      version: string; $schema: string;
      runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('digestpin');
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['digestpin/tag-moved', 'error'], ['digestpin/check-error', 'warning'], ['digestpin/tag-moved', 'error'], ['digestpin/tag-vanished', 'error'],
    ]);
    for (const result of run.results) {
      expect(ruleIds).toContain(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations.length).toBeGreaterThan(0);
      for (const loc of result.locations) expect(loc.physicalLocation.artifactLocation.uri).toMatch(/^deploy\/[a-z]+\.yaml$/);
    }
    expect(run.results[0]!.locations.map((l) => l.physicalLocation.artifactLocation.uri)).toEqual(['deploy/api.yaml', 'deploy/web.yaml']);
  });

  it('github: ::error / ::warning workflow commands with file= and title=, then the summary', async () => {
    const { stdout } = await drift(['--format', 'github']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 4).every((l) => /^::(error|warning) file=/.test(l))).toBe(true);
    // Lock order: api (moved), secret (error → warning), web (moved), worker (vanished).
    expect(lines.slice(0, 4).map(parseWorkflowCommand)).toEqual([
      { command: 'error', props: { file: 'deploy/api.yaml', title: `moved: ${ref('api')}` }, message: expect.stringContaining(`${ref('api')} moved: `) },
      { command: 'warning', props: { file: 'deploy/jobs.yaml', title: `error: ${ref('secret')}` }, message: expect.stringContaining('answered 401') },
      { command: 'error', props: { file: 'deploy/web.yaml', title: `moved: ${ref('web')}` }, message: expect.stringContaining('— manifest to index; platforms changed') },
      { command: 'error', props: { file: 'deploy/jobs.yaml', title: `vanished: ${ref('worker')}` }, message: expect.stringContaining('answered 404') },
    ]);
    expect(lines[4]).toBe('checked 6: 2 unchanged, 2 moved, 1 vanished, 1 error(s)');
    expect(lines[5]).toMatch(/^::error title=digestpin drift%3A checks not made::NOT CHECKED: 1 of 6 /);
  });
});
