import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Dispatcher, MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import { runCli, tempDir, writeTree, readTreeText } from '../helpers/cli.js';

// `digestpin pin --frozen` answers every tag from the lock file and never touches the
// network (issue 4). Proof, twice over: the HTTP dispatcher is an undici MockAgent with
// net connect disabled and no interceptors (any request would throw and fail the run)
// that also counts dispatch calls; and trees name a registry host that cannot exist
// (`.invalid`, RFC 2606), where a non-frozen run fails with a network error.

const LOCK = 'digestpin.lock.json';
const NOW = new Date('2026-03-04T05:06:07.000Z');
const LATER = new Date('2027-01-01T00:00:00.000Z');
const NOWHERE = 'registry.invalid:5000';

/** CountingMockAgent is a MockAgent that records every request handed to it. */
class CountingMockAgent extends MockAgent {
  readonly seen: string[] = [];

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.seen.push(`${options.method} ${String(options.origin)}${options.path}`);
    return super.dispatch(options, handler);
  }
}

/** offline returns a dispatcher under which any HTTP request fails; `seen` must stay empty. */
function offline(): CountingMockAgent {
  const agent = new CountingMockAgent();
  agent.disableNetConnect();
  return agent;
}

function pod(name: string, ...images: string[]): string {
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n${containers}`;
}

/** canonicalJson renders JSON the way the lock is written: sorted keys, 2-space indent, trailing newline. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => (Array.isArray(v) ? v.map(sort) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v);
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

describe('digestpin pin --frozen on a tree pinned against the real registry', () => {
  const reg = registryFromContext('anonymous');
  afterAll(() => reg.close());
  const args = ['--insecure-registry', reg.host];
  const oci = `${reg.host}/app/oci:v1`;
  const multi = `${reg.host}/app/multi:v1`;
  const nginx = `${reg.host}/library/nginx:1.25`;
  const d = (repo: string, tag = 'v1') => reg.image(repo, tag).digest;

  /** pinnedTree pins a small tree with the real registry and returns its directory. */
  async function pinnedTree(): Promise<string> {
    const dir = await writeTree(await tempDir(), {
      'deploy/app.yaml': pod('app', oci, multi),
      'deploy/tools.yaml': pod('tools', `${nginx}@${d('library/nginx', '1.25')}`),
    });
    const first = await runCli(['pin', ...args], { cwd: dir, now: () => NOW });
    expect(first.code).toBe(0);
    return dir;
  }

  it('pin --frozen and pin --frozen --check make zero HTTP requests and change nothing', async () => {
    const dir = await pinnedTree();
    const before = await readTreeText(dir);
    const agent = offline();
    const frozen = await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent, now: () => LATER });
    expect(frozen.code).toBe(0);
    const check = await runCli(['pin', '--frozen', '--check'], { cwd: dir, dispatcher: agent, now: () => LATER });
    expect(check.code).toBe(0);
    const json = await runCli(['pin', '--frozen', '--json'], { cwd: dir, dispatcher: agent, now: () => LATER });
    expect(JSON.parse(json.stdout)).toMatchObject({ lockChanged: false, files: [], failures: [] });
    expect(agent.seen).toEqual([]);
    expect(await readTreeText(dir)).toEqual(before);
    // Control: the same kind of agent does see (and refuse) the requests of a non-frozen run.
    await writeTree(dir, { 'more/new.yaml': pod('more', `${reg.host}/app/docker:v1`) });
    const control = offline();
    const online = await runCli(['pin', '--check', '--retries', '0', ...args], { cwd: dir, dispatcher: control });
    expect(online.code).toBe(2);
    expect(control.seen[0]).toMatch(new RegExp(`^GET https?://${reg.host.replace(/\./g, '\\.')}/v2/$`));
    await Promise.all([agent.close(), control.close()]);
  });

  it('pins new unpinned references that are in the lock from the lock only', async () => {
    const dir = await pinnedTree();
    const lockBefore = JSON.parse(await fs.readFile(path.join(dir, LOCK), 'utf8'));
    const added = pod('more', multi, `"${oci}"`);
    await writeTree(dir, { 'more/new.yaml': added });
    const agent = offline();
    const check = await runCli(['pin', '--frozen', '--check'], { cwd: dir, dispatcher: agent, now: () => LATER });
    expect(check.code).toBe(1);
    expect(await fs.readFile(path.join(dir, 'more/new.yaml'), 'utf8')).toBe(added);
    const result = await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent, now: () => LATER });
    expect(result.code).toBe(0);
    expect(agent.seen).toEqual([]);
    expect(await fs.readFile(path.join(dir, 'more/new.yaml'), 'utf8'))
      .toBe(pod('more', `${multi}@${d('app/multi')}`, `"${oci}@${d('app/oci')}"`));
    const lock = JSON.parse(await fs.readFile(path.join(dir, LOCK), 'utf8'));
    for (const key of [oci, multi]) {
      // Same digest: firstSeen, mediaType and platforms are kept; only the file list grows.
      expect(lock.images[key]).toEqual({ ...lockBefore.images[key], files: ['deploy/app.yaml', 'more/new.yaml'] });
    }
    expect(lock.images[multi].platforms).toEqual(Object.fromEntries(reg.image('app/multi', 'v1').platforms!.map((p) => [p.platform, p.digest])));
    await agent.close();
  });

  it('does not add an empty mediaType to lock entries that were recorded without one', async () => {
    const dir = await pinnedTree();
    expect(JSON.parse(await fs.readFile(path.join(dir, LOCK), 'utf8')).images[nginx]).not.toHaveProperty('mediaType');
    await writeTree(dir, { 'more/nginx.yaml': pod('nginx', nginx) });
    const agent = offline();
    expect((await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent, now: () => LATER })).code).toBe(0);
    expect(agent.seen).toEqual([]);
    expect(JSON.parse(await fs.readFile(path.join(dir, LOCK), 'utf8')).images[nginx]).not.toHaveProperty('mediaType');
  });

  it('fails with LOCK_MISSING when there is no lock file, writing nothing', async () => {
    const dir = await writeTree(await tempDir(), { 'deploy/app.yaml': pod('app', oci) });
    const agent = offline();
    const result = await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^digestpin: lock file .*digestpin\.lock\.json not found .*\[LOCK_MISSING\]\n$/);
    expect(agent.seen).toEqual([]);
    expect(await readTreeText(dir)).toEqual({ 'deploy/app.yaml': pod('app', oci) });
  });
});

describe('digestpin pin --frozen against a registry host that does not exist', () => {
  const app = `${NOWHERE}/team/app:v1`;
  const base = `${NOWHERE}/team/base:3.19`;
  const appDigest = `sha256:${'a1'.repeat(32)}`;
  const baseDigest = `sha256:${'b2'.repeat(32)}`;
  const lock = canonicalJson({
    lockfileVersion: 1,
    images: {
      [app]: { digest: appDigest, mediaType: 'application/vnd.oci.image.index.v1+json', firstSeen: '2025-01-01T00:00:00.000Z',
        files: ['Dockerfile', 'deploy/app.yaml'], platforms: { 'linux/amd64': `sha256:${'c3'.repeat(32)}`, 'linux/arm64': `sha256:${'d4'.repeat(32)}` } },
      [base]: { digest: baseDigest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', firstSeen: '2025-01-01T00:00:00.000Z', files: ['Dockerfile'] },
    },
  });
  const tree = { 'deploy/app.yaml': pod('app', app), Dockerfile: `FROM ${base} AS build\nFROM ${app}\n`, [LOCK]: lock };

  it('pins the tree from the lock alone, with zero HTTP requests (a non-frozen run cannot reach the host)', async () => {
    const dir = await writeTree(await tempDir(), tree);
    const online = await runCli(['pin', '--check', '--retries', '0', '--timeout', '2'], { cwd: dir });
    expect(online.code).toBe(2);
    // One line for the unreachable registry, naming every reference it affected.
    expect(online.stderr).toMatch(new RegExp(`^digestpin: registry .*affects \\d+ reference\\(s\\): .*${app.replace(/[.]/g, '\\.')} \\(`, 'm'));
    expect(online.stderr).toMatch(/NETWORK|TIMEOUT/);
    const agent = offline();
    const result = await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent, now: () => NOW });
    expect(result.code).toBe(0);
    expect(agent.seen).toEqual([]);
    // Without any injected dispatcher too (the real network stack): still nothing to ask.
    expect((await runCli(['pin', '--frozen', '--check'], { cwd: dir, now: () => LATER })).code).toBe(0);
    expect(await readTreeText(dir)).toEqual({
      'deploy/app.yaml': pod('app', `${app}@${appDigest}`),
      Dockerfile: `FROM ${base}@${baseDigest} AS build\nFROM ${app}@${appDigest}\n`,
      [LOCK]: lock,
    });
    await agent.close();
  });

  it('a reference missing from the lock fails with LOCK_MISSING naming it and where it is used; nothing written', async () => {
    const other = `${NOWHERE}/team/other:v2`;
    const dir = await writeTree(await tempDir(), { ...tree, 'deploy/other.yaml': pod('other', other) });
    const before = await readTreeText(dir);
    const agent = offline();
    const result = await runCli(['pin', '--frozen'], { cwd: dir, dispatcher: agent });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${other} (deploy/other.yaml:8:14): ${other} is not in `);
    expect(result.stderr).toContain('LOCK_MISSING');
    expect(result.stderr).toContain('nothing was written');
    expect(result.stderr).not.toContain(app);
    expect(agent.seen).toEqual([]);
    expect(await readTreeText(dir)).toEqual(before);
    const json = JSON.parse((await runCli(['pin', '--frozen', '--json'], { cwd: dir, dispatcher: agent })).stdout);
    expect(json.failures).toEqual([expect.objectContaining({ reference: other, code: 'LOCK_MISSING' })]);
    expect(agent.seen).toEqual([]);
    await agent.close();
  });
});
