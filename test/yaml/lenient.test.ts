import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseYaml } from '../../src/yaml/source.js';
import { parseReference } from '../../src/reference/index.js';
import { pinWithStub, stubDigest } from '../finders/helpers.js';

// Issue 12 item 1: YAML that go-yaml (kubectl, kustomize, Argo) accepts is read, and pinned
// byte-exactly. Each case is a YAML construct go-yaml/libyaml tolerate and YAML 1.2 strict
// parsers reject: continuation lines of quoted scalars and flow collections indented less
// than their parent (libyaml's scanner does not check indentation inside flow context or
// quoted scalars). Every case is proven with the real `kubectl kustomize`.

const pod = (containers: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`;

const TOLERATED: Array<[string, string, string[]]> = [
  ['single-quoted flow item, continuation at column 2', pod(`  - name: a\n    image: alpine:3.19\n    args: ['\n  echo hi;\n    ']\n`), ['alpine:3.19']],
  ['double-quoted flow item, continuation at column 0', pod(`  - name: a\n    image: "alpine:3.19"\n    command: ["sh", "-c", "echo hi\n"]\n`), ['alpine:3.19']],
  ['double-quoted with an escaped line break', pod(`  - name: a\n    image: alpine:3.19\n    args: ["a\\\n  b"]\n`), ['alpine:3.19']],
  ['flow sequence items less indented, with a comment inside', pod(`  - name: a\n    image: alpine:3.19\n    args: [\n  "x",  # why\n"y"]\n`), ['alpine:3.19']],
  ['flow mapping container less indented (the image itself inside it)', pod(`  - {name: a,\n image: nginx:1.25}\n  - name: b\n    image: busybox:1.36\n`), ['nginx:1.25', 'busybox:1.36']],
  ['block-context quoted scalar continued at column 0', pod(`  - name: a\n    image: alpine:3.19\n    workingDir: "/a\nb"\n`), ['alpine:3.19']],
  ['several constructs in one document', pod(`  - name: a\n    image: alpine:3.19\n    args: ['\n x']\n    command: [\n"sh"]\n  - name: b\n    image: redis:7.2\n`), ['alpine:3.19', 'redis:7.2']],
];

/** REJECTED are inputs go-yaml rejects too: still YAML_SYNTAX naming file:line:col. */
const REJECTED: Array<[string, string, RegExp]> = [
  ['a sed template (clusterIP: {PREFIX}.16)', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: {PREFIX}.16\n', /^svc\.yaml:6:\d+: /],
  ['a quote never closed', pod(`  - name: a\n    image: alpine:3.19\n    args: ['echo]\n`), /^svc\.yaml:\d+:\d+: /],
  ['a document marker inside a quoted scalar', pod(`  - name: a\n    image: alpine:3.19\n    args: ['a\n---\n']\n`), /^svc\.yaml:\d+:\d+: /],
];

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

/** kustomize builds `files` with the real kubectl; returns the exit status, stderr and container images. */
function kustomize(files: Record<string, string>): { status: number | null; stderr: string; images: string[] } {
  if (KUBECTL.status !== 0) throw new Error('kubectl is required for these tests: apt-get install -y kubectl');
  const dir = mkdtempSync(path.join(tmpdir(), 'digestpin-lenient-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${Object.keys(files).map((f) => `- ${f}`).join('\n')}\n`);
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  const images = run.status === 0
    ? parseAllDocuments(run.stdout).flatMap((d) => ((d.toJS() as { spec?: { containers?: Array<{ image: string }> } }).spec?.containers ?? []).map((c) => c.image))
    : [];
  return { status: run.status, stderr: run.stderr, images };
}

describe('lenient YAML: what go-yaml accepts is read and pinned byte-exactly', () => {
  it.each(TOLERATED)('%s', (_name, text, images) => {
    // go-yaml reads the input as it is …
    expect(kustomize({ 'pod.yaml': text }).images).toEqual(images);
    // … so does digestpin, and only the image scalars change.
    const { found, output } = pinWithStub('pod.yaml', text);
    expect(found.occurrences.map((o) => o.span.raw.replace(/^"|"$/g, ''))).toEqual(images);
    const pinned = images.map((i) => `${i}@${stubDigest(parseReference(i))}`);
    let expected = text;
    for (const [i, image] of images.entries()) expected = expected.replace(image, pinned[i]!);
    expect(output).toBe(expected);
    // kubectl builds the output to the pinned images.
    expect(kustomize({ 'pod.yaml': output }).images).toEqual(pinned);
  });

  it.each(REJECTED)('%s stays an error for digestpin as for go-yaml', (_name, text, where) => {
    expect(() => parseYaml('svc.yaml', text)).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(where) }));
    expect(kustomize({ 'svc.yaml': text }).status).not.toBe(0);
  });

  it('keeps the original line numbers after a flattened construct', () => {
    const text = pod(`  - name: a\n    args: ['\n  one\n  two\n    ']\n    image: alpine:3.19\n`);
    const { found } = pinWithStub('pod.yaml', text);
    expect(found.occurrences.map((o) => [o.line, o.column])).toEqual([[12, 12]]);
  });

  it('never rewrites a scalar that was flattened (its text is not its value)', () => {
    const text = pod(`  - name: a\n    image: 'alpine:\n  3.19'\n`);
    const { found, edits } = pinWithStub('pod.yaml', text);
    expect(found.occurrences.map((o) => o.status)).toEqual(['skipped']);
    expect(edits).toEqual([]);
  });
});
