import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree, type CliResult } from '../helpers/cli.js';
import { serveManifest, sha256Of, sha512Of, startScriptedRegistry, type ScriptedRegistry } from '../helpers/scripted-registry.js';

// Trust review (issue 11 items 5-8, 10, 21; issue 14 item 7): what a hostile or sloppy registry
// answers, served by a small Node server on 127.0.0.1, must never reach output, the lock or a
// platform check unverified, and drift's exit code must never call an unmade check a success.

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ESC = '\u001b';

let reg: ScriptedRegistry;
beforeAll(async () => {
  reg = await startScriptedRegistry();
});
afterAll(async () => reg.stop());
beforeEach(() => {
  reg.routes.clear();
  reg.seen.length = 0;
});

const flags = ['--retries', '0', '--timeout', '5'];
const run = (argv: string[], cwd?: string): Promise<CliResult> => runCli([...argv, ...flags], cwd ? { cwd } : {});

/** image is a small OCI image manifest (never fetched further). */
const image = (seed: string): string => JSON.stringify({
  schemaVersion: 2, mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Of(`cfg-${seed}`), size: 2 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Of(`layer-${seed}`), size: 2 }],
});

type Entry = { os: string; architecture: string; variant?: string; digest?: string };

/** index builds an index; entries default their digest to the sha256 of their platform text. */
function index(entries: Entry[], options: { mediaType?: boolean } = {}): string {
  return JSON.stringify({
    schemaVersion: 2,
    ...(options.mediaType === false ? {} : { mediaType: OCI_INDEX }),
    manifests: entries.map((e) => ({
      mediaType: OCI_MANIFEST, size: 2, digest: e.digest ?? sha256Of(`${e.os}/${e.architecture}/${e.variant ?? ''}`),
      platform: { os: e.os, architecture: e.architecture, ...(e.variant !== undefined ? { variant: e.variant } : {}) },
    })),
  });
}

/** OFFICIAL is shaped like a Docker official image index (arm64 with variant v8, arm v5/v7, attestations). */
const OFFICIAL: Entry[] = [
  { os: 'linux', architecture: 'amd64' }, { os: 'unknown', architecture: 'unknown' },
  { os: 'linux', architecture: 'arm', variant: 'v5' }, { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: '386' },
  { os: 'linux', architecture: 'ppc64le' }, { os: 'linux', architecture: 's390x' },
];
const childOf = (os: string, arch: string, variant = ''): string => sha256Of(`${os}/${arch}/${variant}`);

const pod = (ref: string): string => ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', `    - name: c`, `      image: ${ref}`, ''].join('\n');

async function lockOf(dir: string): Promise<{ images: Record<string, { digest: string; mediaType?: string; platforms?: Record<string, string> }> }> {
  return JSON.parse(await fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8'));
}

/** expectNoInjection: no raw control character, no forged workflow command, no crafted digest outside a quoted error value. */
function expectNoInjection(text: string): void {
  expect(text).not.toContain(ESC);
  expect(text).not.toContain('\u0007');
  expect(text).not.toContain('\u009b');
  expect(text).not.toMatch(/^::error::/m);
  expect(text).not.toMatch(/[^"]sha256:\.\.\//);
}

describe('item 5: index descriptors are validated', () => {
  const CRAFTED: Array<[string, Entry]> = [
    ['a path-traversal digest', { os: 'linux', architecture: 'arm64', digest: 'sha256:../../etc/passwd' }],
    ['a digest of the wrong length', { os: 'linux', architecture: 'arm64', digest: `sha256:${'a'.repeat(63)}` }],
    ['an unknown algorithm', { os: 'linux', architecture: 'arm64', digest: `md5:${'a'.repeat(32)}` }],
    ['an ESC sequence in the os', { os: `linux${ESC}[31m`, architecture: 'arm64' }],
    ['a workflow command in the architecture', { os: 'linux', architecture: 'arm64\n::error::pwned' }],
    ['a BEL in the variant', { os: 'linux', architecture: 'arm64', variant: 'v8\u0007' }],
  ];

  it.each(CRAFTED)('resolve --platform --json: %s is INVALID_MANIFEST, nothing crafted printed', async (_name, entry) => {
    serveManifest(reg, 'app', 'v1', index([{ os: 'linux', architecture: 'amd64' }, entry]));
    const out = await run(['resolve', '--json', '--platform', 'linux/arm64', `${reg.host}/app:v1`]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('[INVALID_MANIFEST]');
    expect(out.stderr).toContain('manifests[1]');
    expect(out.stdout).toBe('[]\n');
    expectNoInjection(out.stdout + out.stderr);
  });

  it('pin --require-platforms: a crafted entry never satisfies the check, and nothing is written', async () => {
    serveManifest(reg, 'app', 'v1', index([{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', digest: 'sha256:../../etc/passwd' }]));
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    const out = await run(['pin', '.', '--require-platforms', 'linux/amd64,linux/arm64'], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('INVALID_MANIFEST');
    expect(await fs.readFile(path.join(dir, 'pod.yaml'), 'utf8')).toBe(pod(`${reg.host}/app:v1`));
    await expect(fs.access(path.join(dir, 'digestpin.lock.json'))).rejects.toThrow();
    expectNoInjection(out.stdout + out.stderr);
  });

  it('pin: a crafted platform never reaches the lock', async () => {
    serveManifest(reg, 'app', 'v1', index([{ os: 'linux', architecture: 'amd64' }, { os: `linux${ESC}]0;owned\u0007`, architecture: 'arm64' }]));
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    const out = await run(['pin', '.'], dir);
    expect(out.code).toBe(2);
    await expect(fs.access(path.join(dir, 'digestpin.lock.json'))).rejects.toThrow();
    expectNoInjection(out.stdout + out.stderr);
  });

  it.each(['text', 'json', 'markdown', 'sarif', 'github'])('drift --format %s: a tag moved to a crafted index is an error, nothing crafted printed', async (format) => {
    const dir = await tempDir();
    const ok = serveManifest(reg, 'app', 'v1', index([{ os: 'linux', architecture: 'amd64' }]));
    expect((await run(['pin', '.'], await writeTree(dir, { 'pod.yaml': pod(`${reg.host}/app:v1`) }))).code).toBe(0);
    const crafted = serveManifest(reg, 'app', 'v1', index([{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: `arm64\n::error::pwned${ESC}[2J` }]));
    expect(crafted).not.toBe(ok);
    const out = await run(['drift', '--format', format, '--no-explain'], dir);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('invalid platform architecture');
    if (format === 'json') expect(JSON.parse(out.stdout)).toMatchObject({ moved: [], notChecked: 1, errors: [{ code: 'INVALID_MANIFEST' }] });
    expectNoInjection(out.stdout + out.stderr);
  });
});

describe('item 6: the body, not a HEAD Content-Type, says whether an image is an index', () => {
  it('resolve --platform: an index whose HEAD claims a single manifest still yields the platform digest', async () => {
    const digest = serveManifest(reg, 'app', 'v1', index(OFFICIAL), { headContentType: OCI_MANIFEST });
    const out = await run(['resolve', '--platform', 'linux/amd64', `${reg.host}/app:v1`]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(`${reg.host}/app:v1 ${digest}\n${reg.host}/app:v1 linux/amd64 ${childOf('linux', 'amd64')}\n`);
  });

  it('pin --require-platforms: passes for a lying HEAD, and the lock lists the platforms', async () => {
    const digest = serveManifest(reg, 'app', 'v1', index(OFFICIAL), { headContentType: OCI_MANIFEST });
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    const out = await run(['pin', '.', '--require-platforms', 'linux/amd64,linux/arm64'], dir);
    expect(out.stderr).not.toContain('error');
    expect(out.code).toBe(0);
    const entry = (await lockOf(dir)).images[`${reg.host}/app:v1`]!;
    expect(entry).toMatchObject({ digest, mediaType: OCI_INDEX });
    expect(entry.platforms?.['linux/arm64/v8']).toBe(childOf('linux', 'arm64', 'v8'));
  });

  it('drift --require-platforms reads the body of an entry locked without platforms (pin trusted a lying HEAD)', async () => {
    serveManifest(reg, 'app', 'v1', index(OFFICIAL), { headContentType: OCI_MANIFEST });
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    const out = await run(['drift', '--require-platforms', 'linux/amd64,linux/arm64', '--fail-on', 'moved,vanished,error'], dir);
    expect(out.stdout).toMatch(/^UNCHANGED /);
    expect(out.code).toBe(0);
  });

  it('an index without mediaType served as a single manifest is recorded as an index with its platforms', async () => {
    const body = index([{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { mediaType: false });
    const digest = serveManifest(reg, 'app', 'v1', body, { contentType: OCI_MANIFEST, headDigest: 'none' });
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    expect((await lockOf(dir)).images[`${reg.host}/app:v1`]).toMatchObject({ digest, mediaType: OCI_INDEX, platforms: { 'linux/amd64': childOf('linux', 'amd64'), 'linux/arm64': childOf('linux', 'arm64') } });
  });
});

describe('item 7: the recorded digest is always the sha256 of the bytes', () => {
  it('pin: a sha512 Docker-Content-Digest on HEAD is replaced by the sha256 of the body', async () => {
    const body = image('one');
    const digest = serveManifest(reg, 'app', 'v1', body, { headDigest: sha512Of(body) });
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    const out = await run(['pin', '.'], dir);
    expect(out.code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'pod.yaml'), 'utf8')).toBe(pod(`${reg.host}/app:v1@${digest}`));
    expect((await lockOf(dir)).images[`${reg.host}/app:v1`]!.digest).toBe(digest);
  });

  it('drift: a sha512 answer for an unchanged image is not a move, and --update-lock keeps sha256', async () => {
    const body = image('one');
    const digest = serveManifest(reg, 'app', 'v1', body);
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    serveManifest(reg, 'app', 'v1', body, { headDigest: sha512Of(body) });
    const out = await run(['drift', '--update-lock', '--format', 'json'], dir);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ checked: 1, unchanged: 1, moved: [] });
    expect((await lockOf(dir)).images[`${reg.host}/app:v1`]!.digest).toBe(digest);
  });
});

describe('item 8: drift --update-lock records only a digest the registry can serve', () => {
  it.each([
    ['an index', OCI_INDEX],
    ['a single manifest', OCI_MANIFEST],
  ])('HEAD says a new digest for %s that GET by digest cannot serve: error, lock unchanged, exit 2', async (_name, headType) => {
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    serveManifest(reg, 'app', 'v1', image('one'));
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    const before = await fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8');
    const ghost = sha256Of('never served');
    reg.routes.set(`HEAD /v2/app/manifests/v1`, { headers: { 'content-type': headType, 'docker-content-digest': ghost }, body: image('two') });
    const out = await run(['drift', '--update-lock', '--no-explain'], dir);
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/^ERROR /m);
    expect(out.stdout).toContain(ghost.slice(0, 19));
    expect(await fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8')).toBe(before);
  });

  it('a move the registry serves is verified by GET and recorded', async () => {
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    serveManifest(reg, 'app', 'v1', image('one'));
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    const next = serveManifest(reg, 'app', 'v1', image('two'));
    const out = await run(['drift', '--update-lock', '--no-explain'], dir);
    expect(out.code).toBe(1);
    expect(reg.seen).toContain(`GET /v2/app/manifests/${next}`);
    expect((await lockOf(dir)).images[`${reg.host}/app:v1`]!.digest).toBe(next);
  });
});

describe('item 21: drift never calls an unmade check a success', () => {
  async function lockedTree(): Promise<string> {
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/app:v1`) });
    serveManifest(reg, 'app', 'v1', image('one'));
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    reg.routes.clear();
    reg.routes.set('ANY /v2/app/manifests/v1', { status: 403, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"DENIED","message":"expired"}]}' });
    return dir;
  }

  it.each([
    ['--fail-on moved,vanished', ['--fail-on', 'moved,vanished'], 2],
    ['--fail-on none', ['--fail-on', 'none'], 2],
    ['--allow-errors', ['--fail-on', 'moved,vanished', '--allow-errors'], 0],
    ['--allow-errors --fail-on error', ['--fail-on', 'error', '--allow-errors'], 1],
  ])('every check failing, %s: exit %j', async (_name, args, code) => {
    const out = await run(['drift', ...args], await lockedTree());
    expect(out.code).toBe(code);
    expect(out.stdout).toContain('NOT CHECKED: 1 of 1 locked tag(s) could not be checked');
    expect(out.stderr).toContain('1 of 1 locked tag(s) could not be checked');
  });

  it('markdown, sarif and github say how many checks were not made', async () => {
    const dir = await lockedTree();
    expect((await run(['drift', '--format', 'markdown'], dir)).stdout).toContain('> **NOT CHECKED: 1 of 1');
    expect(JSON.parse((await run(['drift', '--format', 'sarif'], dir)).stdout).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect((await run(['drift', '--format', 'github'], dir)).stdout).toMatch(/^::error title=digestpin drift%3A checks not made::NOT CHECKED: 1 of 1/m);
  });

  it('an empty lock is a warning and exit 2, unless --allow-empty', async () => {
    const dir = await writeTree(await tempDir(), { 'digestpin.lock.json': `${JSON.stringify({ lockfileVersion: 1, images: {} }, null, 2)}\n` });
    const out = await run(['drift'], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('nothing to check');
    expect((await run(['drift', '--allow-empty'], dir)).code).toBe(0);
  });
});

describe('issue 14 item 7: platforms normalised as containerd does', () => {
  it('the README example --require-platforms linux/amd64,linux/arm64 passes on an official-image-shaped index', async () => {
    serveManifest(reg, 'library/app', '1', index(OFFICIAL));
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/library/app:1`) });
    const out = await run(['pin', '.', '--require-platforms', 'linux/amd64,linux/arm64,linux/arm', '--check'], dir);
    expect(out.stderr).not.toContain('PLATFORM_MISSING');
    expect(out.code).toBe(1);
  });

  it.each([
    ['linux/arm64', childOf('linux', 'arm64', 'v8')],
    ['linux/aarch64', childOf('linux', 'arm64', 'v8')],
    ['linux/x86_64', childOf('linux', 'amd64')],
    ['linux/arm', childOf('linux', 'arm', 'v7')],
    ['linux/i386', childOf('linux', '386')],
  ])('resolve --platform %s finds the entry', async (platform, child) => {
    serveManifest(reg, 'library/app', '1', index(OFFICIAL));
    const out = await run(['resolve', '--platform', platform, `${reg.host}/library/app:1`]);
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n')[1]).toBe(`${reg.host}/library/app:1 ${platform} ${child}`);
  });

  it('drift --require-platforms linux/arm64 is satisfied by a locked linux/arm64/v8', async () => {
    serveManifest(reg, 'library/app', '1', index(OFFICIAL));
    const dir = await writeTree(await tempDir(), { 'pod.yaml': pod(`${reg.host}/library/app:1`) });
    expect((await run(['pin', '.'], dir)).code).toBe(0);
    const out = await run(['drift', '--require-platforms', 'linux/amd64,linux/arm64', '--fail-on', 'moved,vanished,error'], dir);
    expect(out.stdout).toMatch(/^UNCHANGED /);
    expect(out.code).toBe(0);
  });
});
