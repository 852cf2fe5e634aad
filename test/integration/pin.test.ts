import { execFile, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import type { RegistryMode } from '../harness/types.js';
import { dockerConfigFor, runCli, tempDir, writeTree, readTreeBytes } from '../helpers/cli.js';

// `digestpin pin` end to end against the real distribution registry (issue 4): a tree of
// every supported file kind is pinned byte-exactly, the lock is exact and deterministic,
// and every failure mode writes nothing. Expected files are the inputs with exact
// substrings replaced, so any other byte that moves fails the comparison.

const run = promisify(execFile);
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const NOW = new Date('2026-03-04T05:06:07.000Z');
const LATER = new Date('2027-01-01T00:00:00.000Z');
const LOCK = 'digestpin.lock.json';

/** Refs names the seeded tags the tree uses (shared seeds of the global setup). */
interface Refs { oci: string; docker: string; multi: string; list: string; nginx: string }

function refsFor(host: string): Refs {
  return { oci: `${host}/app/oci:v1`, docker: `${host}/app/docker:v1`, multi: `${host}/app/multi:v1`,
    list: `${host}/app/list:v1`, nginx: `${host}/library/nginx:1.25` };
}

/** treeFor builds the input tree: Deployments with quotes and comments, CRLF, no final newline, kustomize, Dockerfile, compose, values. */
function treeFor(host: string, r: Refs, nginxDigest: string): Record<string, string> {
  return {
    'deploy/web.yaml': `# The web tier: only image scalars change.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    note: "image: ${r.oci} stays as written"
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: '${r.docker}'   # single-quoted, comment kept
          args: ["--image=${r.docker}"]
      containers:
        - name: web
          image: "${r.multi}" # double-quoted
        - name: sidecar
          image: ${r.oci}
---
# a CronJob in the same file
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: ${r.list}
          restartPolicy: OnFailure
`,
    'deploy/crlf.yaml': ['apiVersion: apps/v1', 'kind: StatefulSet', 'metadata:', '  name: db', 'spec:', '  template:',
      '    spec:', '      containers:', '        - name: db', `          image: ${r.oci}`, '          ports: [{containerPort: 5432}]', ''].join('\r\n'),
    'deploy/no-eol.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
    - name: pinned
      image: ${r.nginx}@${nginxDigest}
    - name: tools
      image: ${r.docker}`,
    'kustomize/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  # set by the release pipeline
  - name: app
    newName: ${host}/app/multi
    newTag: v1
`,
    'kustomize/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: app
        - name: helper
          image: ${r.oci}
`,
    Dockerfile: `FROM ${r.docker} AS build\nRUN make\nFROM --platform=linux/amd64 ${r.oci}\nCOPY --from=build /out /app\n`,
    'compose.yaml': `services:
  web:
    image: ${r.list}
    ports: ["8080:80"]
  worker:
    image: \${REGISTRY:-ghcr.io}/acme/worker:\${TAG}
  local:
    build: .
`,
    'chart/values.yaml': `## Bitnami-style image map
image:
  registry: ${host}
  repository: app/docker
  tag: v1
  digest: ""
  pullPolicy: IfNotPresent
`,
  };
}

/** replaceOnce replaces `from` by `to`, asserting `from` occurs exactly once (so the expectation is unambiguous). */
function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `expected exactly one ${JSON.stringify(from)}`).toBe(1);
  return text.replace(from, () => to);
}

/** expectedTree is the input tree with exactly the image scalars (and the kustomize/values digest fields) changed. */
function expectedTree(input: Record<string, string>, r: Refs, digest: (ref: string) => string, digestOnly = false): Record<string, string> {
  const p = (ref: string) => `${digestOnly ? ref.slice(0, ref.lastIndexOf(':')) : ref}@${digest(ref)}`;
  const edits: Record<string, Array<[string, string]>> = {
    'deploy/web.yaml': [[`image: '${r.docker}'`, `image: '${p(r.docker)}'`], [`image: "${r.multi}"`, `image: "${p(r.multi)}"`],
      [`image: ${r.oci}\n`, `image: ${p(r.oci)}\n`], [`image: ${r.list}\n`, `image: ${p(r.list)}\n`]],
    'deploy/crlf.yaml': [[`image: ${r.oci}\r\n`, `image: ${p(r.oci)}\r\n`]],
    'deploy/no-eol.yaml': [[`image: ${r.docker}`, `image: ${p(r.docker)}`]],
    'kustomize/kustomization.yaml': [['    newTag: v1\n', `    newTag: v1\n    digest: ${digest(r.multi)}\n`]],
    'kustomize/deployment.yaml': [[`image: ${r.oci}\n`, `image: ${p(r.oci)}\n`]],
    Dockerfile: [[`FROM ${r.docker} AS`, `FROM ${p(r.docker)} AS`], [`linux/amd64 ${r.oci}\n`, `linux/amd64 ${p(r.oci)}\n`]],
    'compose.yaml': [[`image: ${r.list}\n`, `image: ${p(r.list)}\n`]],
    'chart/values.yaml': [['digest: ""', `digest: "${digest(r.docker)}"`]],
  };
  const out: Record<string, string> = {};
  for (const [file, text] of Object.entries(input)) out[file] = (edits[file] ?? []).reduce((t, [a, b]) => replaceOnce(t, a, b), text);
  return out;
}

/** texts decodes a snapshot for readable diffs. */
function texts(snap: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...snap].map(([k, v]) => [k, v.toString('utf8')]));
}

/** canonicalJson renders JSON with sorted keys, 2-space indent and a trailing newline (the lock's documented format). */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => (Array.isArray(v) ? v.map(sort) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v);
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** lineCol is the 1-based `line:col` of a UTF-16 offset. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** locationOf is the 1-based `line:col` of the first `needle` in text. */
function locationOf(text: string, needle: string): string {
  return lineCol(text, text.indexOf(needle));
}

describe.each<RegistryMode>(['htpasswd', 'anonymous'])('digestpin pin against the %s registry', (mode) => {
  const reg = registryFromContext(mode);
  afterAll(() => reg.close());
  const r = refsFor(reg.host);
  const seed = (ref: string) => {
    const repo = ref.slice(reg.host.length + 1, ref.lastIndexOf(':'));
    return reg.image(repo, ref.slice(ref.lastIndexOf(':') + 1));
  };
  const digest = (ref: string) => seed(ref).digest;
  const input = treeFor(reg.host, r, digest(r.nginx));
  const pinned = expectedTree(input, r, digest);

  async function registryArgs(): Promise<string[]> {
    const [user, password] = Object.entries(reg.users)[0] ?? [];
    if (!reg.caFile || !user || !password) return ['--insecure-registry', reg.host];
    return ['--ca-file', reg.caFile, '--docker-config', await dockerConfigFor(reg.host, user, password)];
  }

  async function setup(extra: Record<string, string> = {}): Promise<{ dir: string; args: string[]; pin: (...a: string[]) => ReturnType<typeof runCli> }> {
    const dir = await writeTree(await tempDir(), { ...input, ...extra });
    const args = await registryArgs();
    return { dir, args, pin: (...a) => runCli(['pin', ...a, ...args], { cwd: dir, now: () => NOW }) };
  }

  /** expectedLock is the exact lock after pinning the tree at NOW. */
  function expectedLock(): Record<string, unknown> {
    const entry = (ref: string, files: string[]) => {
      const s = seed(ref);
      const platforms = s.platforms && Object.fromEntries(s.platforms.map((p) => [p.platform, p.digest]));
      return { digest: s.digest, mediaType: s.mediaType, ...(platforms ? { platforms } : {}), files, firstSeen: NOW.toISOString() };
    };
    return {
      lockfileVersion: 1,
      images: {
        [r.docker]: entry(r.docker, ['Dockerfile', 'chart/values.yaml', 'deploy/no-eol.yaml', 'deploy/web.yaml']),
        [r.list]: entry(r.list, ['compose.yaml', 'deploy/web.yaml']),
        [r.multi]: entry(r.multi, ['deploy/web.yaml', 'kustomize/kustomization.yaml']),
        [r.oci]: entry(r.oci, ['Dockerfile', 'deploy/crlf.yaml', 'deploy/web.yaml', 'kustomize/deployment.yaml']),
        // Already pinned in the file: recorded from the text, without a registry call (so no mediaType).
        [r.nginx]: { digest: digest(r.nginx), files: ['deploy/no-eol.yaml'], firstSeen: NOW.toISOString() },
      },
    };
  }

  it('rewrites exactly the image scalars, writes an exact lock, keeps file modes, and a second run changes nothing', async () => {
    const { dir, pin } = await setup();
    await fs.chmod(path.join(dir, 'deploy/web.yaml'), 0o640);
    const first = await pin();
    expect(first.stderr).toContain('12 reference(s) in 8 file(s) pinned; 4 unique tag(s) checked; lock written to digestpin.lock.json');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`pinned deploy/web.yaml:${locationOf(input['deploy/web.yaml']!, r.multi)} ${r.multi} -> sha256:${digest(r.multi).slice(7, 19)}\n`);
    const after = await readTreeBytes(dir);
    const { [LOCK]: lockText, ...files } = texts(after);
    expect(files).toEqual(pinned);
    expect(lockText).toBe(canonicalJson(expectedLock()));
    expect((await fs.stat(path.join(dir, 'deploy/web.yaml'))).mode & 0o777).toBe(0o640);

    // A later run (other clock) finds everything pinned: files and lock byte-identical, firstSeen kept.
    const second = await runCli(['pin', ...(await registryArgs())], { cwd: dir, now: () => LATER });
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(second.stderr).toContain('0 reference(s) in 0 file(s) pinned; 0 unique tag(s) checked');
    expect(await readTreeBytes(dir)).toEqual(after);
    const check = await runCli(['pin', '--check', ...(await registryArgs())], { cwd: dir, now: () => LATER });
    expect(check.code).toBe(0);
    expect(await readTreeBytes(dir)).toEqual(after);
  });

  it('builds the pinned kustomization with kubectl kustomize to name:tag@<seeded digest>', async (ctx) => {
    if (!hasKubectl) {
      console.log('kubectl not found on PATH: skipping the kubectl kustomize build check');
      ctx.skip();
    }
    const { dir, pin } = await setup();
    expect((await pin()).code).toBe(0);
    const { stdout } = await run('kubectl', ['kustomize', path.join(dir, 'kustomize')]);
    const images = stdout.split('\n').filter((l) => l.includes('image:')).map((l) => l.trim().replace(/^- /, ''));
    expect(images.sort()).toEqual([`image: ${r.multi}@${digest(r.multi)}`, `image: ${r.oci}@${digest(r.oci)}`].sort());
  });

  it('--check on an unpinned tree exits 1, reports what would change and writes nothing', async () => {
    const { dir, pin } = await setup();
    const before = await readTreeBytes(dir);
    const result = await pin('--check');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('would pin '))).toHaveLength(12);
    expect(result.stdout).toContain(`would pin Dockerfile:1:6 ${r.docker} -> sha256:${digest(r.docker).slice(7, 19)}`);
    expect(await readTreeBytes(dir)).toEqual(before);
  });

  it.skipIf(!hasGit)('--diff prints a unified diff that git apply turns into the pinned tree, and writes nothing', async () => {
    const { dir, pin } = await setup();
    const before = await readTreeBytes(dir);
    const result = await pin('--diff');
    expect(result.code).toBe(1);
    expect(await readTreeBytes(dir)).toEqual(before);
    expect(result.stdout.match(/^--- a\/.*$/gm)).toEqual(Object.keys(pinned).filter((f) => pinned[f] !== input[f]).sort().map((f) => `--- a/${f}`));
    await fs.writeFile(path.join(dir, 'pin.patch'), result.stdout);
    await run('git', ['apply', '--whitespace=nowarn', 'pin.patch'], { cwd: dir });
    await fs.rm(path.join(dir, 'pin.patch'));
    expect(texts(await readTreeBytes(dir))).toEqual(pinned);
  });

  it('--digest-only drops the tag from image scalars; kustomize and values digest fields are written as usual', async () => {
    const { dir, pin } = await setup();
    expect((await pin('--digest-only', '--no-lock')).code).toBe(0);
    expect(texts(await readTreeBytes(dir))).toEqual(expectedTree(input, r, digest, true));
  });

  it('--json reports written files, every pinned occurrence with its digest, and the scan', async () => {
    const { dir, pin } = await setup();
    const result = await pin('--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, any>;
    expect(Object.keys(report).sort()).toEqual(['blockedFiles', 'failures', 'files', 'ignoredFiles', 'lockChanged', 'occurrences', 'unreadableFiles', 'written']);
    expect(report).toMatchObject({ written: true, lockChanged: true, blockedFiles: [], failures: [], ignoredFiles: [] });
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(Object.keys(pinned).filter((f) => pinned[f] !== input[f]).sort());
    const entries = report.files.flatMap((f: { pinned: unknown[] }) => f.pinned) as Array<Record<string, any>>;
    expect(entries).toHaveLength(12);
    for (const e of entries) {
      expect(input[e.file]!.slice(e.start, e.end)).toBe(e.raw);
      expect(e.digest).toBe(digest(e.reference));
      expect(`${e.line}:${e.column}`).toBe(lineCol(input[e.file]!, e.start));
    }
    expect(report.occurrences).toHaveLength(15);
    const again = JSON.parse((await pin('--json')).stdout) as Record<string, unknown>;
    expect(again).toMatchObject({ lockChanged: false, files: [], failures: [] });
    expect(await fs.readFile(path.join(dir, LOCK), 'utf8')).toBe(canonicalJson(expectedLock()));
  });

  it('list --json gives each occurrence its status before and after pinning', async () => {
    const { dir, pin } = await setup();
    const list = async () => {
      const result = await runCli(['list', '--json'], { cwd: dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as Array<Record<string, string>>).map((o) => `${o.file} ${o.status}${o.skipReason ? ` (${o.skipReason.split(':')[0]})` : ''} ${o.raw}`);
    };
    const before = await list();
    expect(before.filter((l) => l.includes(' skipped '))).toEqual([
      'compose.yaml skipped (variable) ${REGISTRY:-ghcr.io}/acme/worker:${TAG}',
      'kustomize/deployment.yaml skipped (kustomize-images) app',
    ]);
    expect(before.filter((l) => l.includes(' pinned '))).toEqual([`deploy/no-eol.yaml pinned ${r.nginx}@${digest(r.nginx)}`]);
    expect(before.filter((l) => l.includes(' unpinned '))).toHaveLength(12);
    expect((await pin()).code).toBe(0);
    const after = await list();
    expect(after.filter((l) => l.includes(' unpinned '))).toEqual([]);
    expect(after.filter((l) => l.includes(' pinned '))).toHaveLength(13);
    expect(after.filter((l) => l.includes(' skipped '))).toHaveLength(2);
  });

  it('pin - reads stdin and writes the pinned text to stdout only', async () => {
    const dir = await tempDir();
    const stdin = input['deploy/web.yaml']!;
    const result = await runCli(['pin', '-', ...(await registryArgs())], { cwd: dir, stdin, now: () => NOW });
    expect(result.code).toBe(0);
    expect(await fs.readdir(dir)).toEqual([]);
    expect(result.stdout).toBe(pinned['deploy/web.yaml']);
  });

  it('pin - with an unknown tag exits 2 and prints nothing on stdout', async () => {
    const dir = await tempDir();
    const stdin = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${reg.host}/app/oci:does-not-exist\n`;
    const result = await runCli(['pin', '-', ...(await registryArgs())], { cwd: dir, stdin });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`${reg.host}/app/oci:does-not-exist`);
  });

  const broken = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n    - name: ok\n      image: ${r.oci}\n    - name: missing\n      image: ${reg.host}/app/oci:does-not-exist\n`;

  it('an unknown tag fails the run (exit 2) naming the reference and file:line, and writes nothing', async () => {
    const { dir, pin } = await setup({ 'deploy/broken.yaml': broken });
    const before = await readTreeBytes(dir);
    const result = await pin();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${reg.host}/app/oci:does-not-exist (deploy/broken.yaml:10:14): `);
    expect(result.stderr).toContain('MANIFEST_UNKNOWN');
    expect(result.stderr).toContain('nothing was written');
    expect(await readTreeBytes(dir)).toEqual(before);
    const json = JSON.parse((await pin('--json')).stdout) as Record<string, any>;
    expect(json).toMatchObject({ written: false, lockChanged: false,
      failures: [{ reference: `${reg.host}/app/oci:does-not-exist`, canonical: `${reg.host}/app/oci:does-not-exist`, code: 'MANIFEST_UNKNOWN' }] });
    expect(await readTreeBytes(dir)).toEqual(before);
  });

  it('--keep-going writes every file whose references resolved, leaves the failing file untouched, exits 2', async () => {
    const { dir, pin } = await setup({ 'deploy/broken.yaml': broken });
    const result = await pin('--keep-going');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('skipped deploy/broken.yaml: a reference in it failed to resolve');
    const { [LOCK]: lockText, ...files } = texts(await readTreeBytes(dir));
    expect(files).toEqual({ ...pinned, 'deploy/broken.yaml': broken });
    expect(lockText).toBe(canonicalJson(expectedLock()));
  });

  it('malformed YAML in one file fails the run with file:line:col (exit 2), writing nothing', async () => {
    const bad = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n     image: x:1\n';
    const { dir, pin } = await setup({ 'deploy/bad.yaml': bad });
    const before = await readTreeBytes(dir);
    const result = await pin();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^digestpin: deploy\/bad\.yaml:5:11: .+ \[YAML_SYNTAX\]\n$/);
    expect(await readTreeBytes(dir)).toEqual(before);
  });
});
