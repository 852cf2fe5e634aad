import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// One meaning per flag name (issue 14 item 9): --include/--exclude are file globs in every
// command; image-name filters are --image/--exclude-image on update and drift; --json and
// --format json are accepted by every command that prints a report. Offline: a MockAgent
// answers only the images a filter keeps, so a request for any other one fails the run.

const HOST = 'registry.example.test';
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const MEDIA = 'application/vnd.oci.image.manifest.v1+json';
let agent: MockAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** registryFor answers /v2/ and HEAD for the given repositories only (digest unchanged). */
function registryFor(repos: Record<string, string>): MockAgent {
  const mock = new MockAgent();
  agent = mock;
  mock.disableNetConnect();
  const origin = mock.get(`https://${HOST}`);
  origin.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}').persist();
  for (const [repo, digest] of Object.entries(repos)) {
    origin.intercept({ path: `/v2/${repo}/manifests/1`, method: 'HEAD' }).reply(200, '', { headers: { 'docker-content-digest': digest, 'content-type': MEDIA } }).persist();
  }
  return mock;
}

const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${image}\n`;

async function tree(): Promise<string> {
  const lock = {
    lockfileVersion: 1,
    images: {
      [`${HOST}/app:1`]: { digest: A, mediaType: MEDIA, files: ['a/x.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' },
      [`${HOST}/other:1`]: { digest: B, mediaType: MEDIA, files: ['b/y.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' },
    },
  };
  return writeTree(await tempDir(), {
    'a/x.yaml': pod(`${HOST}/app:1@${A}`),
    'b/y.yaml': pod(`${HOST}/other:1@${B}`),
    'digestpin.lock.json': `${JSON.stringify(lock, null, 2)}\n`,
  });
}

describe('--include/--exclude are file globs, --image filters image names', () => {
  it('update --include only scans the matching files', async () => {
    const result = await runCli(['update', '--check', '--retries', '0', '--include', 'a/**'], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(result.stderr).not.toMatch(/other/);
    expect(result.code).toBe(0);
  });

  it('update --exclude skips the matching files', async () => {
    const result = await runCli(['update', '--check', '--retries', '0', '--exclude', 'b/**'], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(result.code).toBe(0);
  });

  it('update --image keeps only the matching image names; --exclude-image drops them', async () => {
    const kept = await runCli(['update', '--check', '--retries', '0', '--image', `${HOST}/app:*`], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(kept.code).toBe(0);
    await agent?.close();
    const dropped = await runCli(['update', '--check', '--retries', '0', '--exclude-image', `${HOST}/other:*`], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(dropped.code).toBe(0);
  });

  it('drift --include checks only lock entries used in the matching files', async () => {
    const result = await runCli(['drift', '--json', '--retries', '0', '--include', 'a/**'], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ checked: 1, unchanged: 1 });
  });

  it('drift --image / --exclude-image filter lock entries by image name', async () => {
    const kept = await runCli(['drift', '--format', 'json', '--retries', '0', '--image', `${HOST}/other:*`], { cwd: await tree(), dispatcher: registryFor({ other: B }) });
    expect(JSON.parse(kept.stdout)).toMatchObject({ checked: 1, unchanged: 1 });
    await agent?.close();
    const dropped = await runCli(['drift', '--json', '--retries', '0', '--exclude-image', `${HOST}/other:*`], { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(JSON.parse(dropped.stdout)).toMatchObject({ checked: 1, unchanged: 1 });
  });
});

describe('--json and --format json on every reporting command', () => {
  it.each([
    ['list', ['list', '--format', 'json', '.']],
    ['lint', ['lint', '--json', '.']],
    ['pin', ['pin', '--frozen', '--check', '--format', 'json', '.']],
    ['update', ['update', '--check', '--format', 'json', '--include', 'a/**', '.']],
  ])('%s prints JSON', async (_name, argv) => {
    const result = await runCli(argv, { cwd: await tree(), dispatcher: registryFor({ app: A }) });
    expect(() => JSON.parse(result.stdout), result.stdout + result.stderr).not.toThrow();
    expect(result.code).toBe(0);
  });

  it('resolve --format json prints JSON', async () => {
    const result = await runCli(['resolve', '--format', 'json', `${HOST}/app:1`], { cwd: await tempDir(), dispatcher: registryFor({ app: A }) });
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ digest: A })]);
  });

  it('--json with a different --format is a usage error', async () => {
    const result = await runCli(['lint', '--json', '--format', 'sarif', '.'], { cwd: await tree() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--json .*--format sarif.* \[USAGE\]\n$/);
  });

  it('--format on list accepts only text or json', async () => {
    const result = await runCli(['list', '--format', 'yaml', '.'], { cwd: await tree() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[USAGE\]\n$/);
  });
});
