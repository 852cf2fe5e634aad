import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { collectFiles } from '../../src/pipeline/collect.js';
import { scanFiles } from '../../src/pipeline/scan.js';
import { parseReference } from '../../src/reference/index.js';
import { filesUnder, pinTreeWithStub, REAL_WORLD, realWorldCases } from './real-world-pairs.js';
import { stubDigest } from './helpers.js';

// Issue 12 (read every real-world file the way the Kubernetes toolchain reads it) and
// issue 11 item 14 (a digest inside a tag value is the pin). Each fixtures/finders/realworld-*
// case is a tree: input/ pinned through the pipeline with the stub registry must equal
// expected/ byte for byte, and pinning expected/ again changes nothing.

/** summary lists a tree's occurrences as `file:line kind status(reason) text`. */
async function summary(name: string): Promise<string[]> {
  const dir = path.join(REAL_WORLD, name, 'input');
  const scanned = await scanFiles(filesUnder(dir).map((f) => path.join(dir, f)), dir, {});
  return scanned.flatMap((f) => f.occurrences.map((o) => {
    const status = o.skipReason ? `${o.status}(${o.skipReason})` : o.status;
    return `${f.display}:${o.line} ${o.kind} ${status} ${o.span.raw}`;
  }));
}

describe('real-world fixture trees (input → expected, byte for byte, idempotent)', () => {
  it.each(realWorldCases())('%s', async (name) => {
    const expectedDir = path.join(REAL_WORLD, name, 'expected');
    const pinned = await pinTreeWithStub(path.join(REAL_WORLD, name, 'input'));
    expect([...pinned.keys()]).toEqual(filesUnder(expectedDir));
    for (const [file, text] of pinned) expect(text, file).toBe(readFileSync(path.join(expectedDir, file), 'utf8'));
    for (const [file, text] of await pinTreeWithStub(expectedDir)) expect(text, `${file} (second run)`).toBe(readFileSync(path.join(expectedDir, file), 'utf8'));
  });
});

describe('what each real-world class yields', () => {
  it('Argo: lenient multi-line quoted/flow scalars read; templateDefaults, inline steps/dag, executor plugins; never resource.manifest', async () => {
    const found = await summary('realworld-argo');
    expect(found).toEqual([
      'workflow-template.yaml:9 crd:WorkflowTemplate unpinned python:3.11',
      'workflow-template.yaml:27 crd:CronWorkflow skipped(argo-parameter) {{=sprig.trim(workflow.parameters.image)}}',
      'workflow-template.yaml:31 crd:CronWorkflow unpinned alpine:3.19',
      'workflow-template.yaml:41 crd:ExecutorPlugin unpinned quay.io/argoproj/argo-executor-plugin:v1.0',
      'workflow.yaml:11 crd:Workflow unpinned busybox:1.36',
      'workflow.yaml:17 crd:Workflow unpinned python:3.12-alpine',
      'workflow.yaml:24 crd:Workflow unpinned alpine:3.19',
      'workflow.yaml:42 crd:Workflow unpinned python:3.11',
      'workflow.yaml:49 crd:Workflow unpinned alpine:3.19',
      'workflow.yaml:58 crd:Workflow skipped(argo-parameter) {{inputs.parameters.image}}',
      'workflow.yaml:63 crd:Workflow unpinned nginx:1.25',
      'workflow.yaml:66 crd:Workflow unpinned busybox:1.36',
      'workflow.yaml:69 crd:Workflow unpinned redis:7.2',
    ]);
  });

  it('a Helm-like {{ }} in one scalar of a non-template file hides nothing else', async () => {
    expect(await summary('realworld-helm-like-scalar')).toEqual([
      'manifest.yaml:12 container skipped(helm-template) {{ .Values.image }}',
      'manifest.yaml:14 container unpinned nginx:1.25',
      'manifest.yaml:16 container skipped(argo-parameter) {{inputs.parameters.image}}',
      'manifest.yaml:18 container unpinned busybox:1.36',
    ]);
  });

  it('kind cluster configs: nodes[].image (kind.x-k8s.io only)', async () => {
    expect(await summary('realworld-kind')).toEqual([
      'kind-config.yaml:7 kind-node unpinned kindest/node:v1.31.0',
      'kind-config.yaml:9 kind-node unpinned "kindest/node:v1.31.0"'.replace(/"/g, ''),
    ]);
  });

  it('skaffold build artifacts and Tilt docker_build images are build outputs, skipped', async () => {
    expect(await summary('realworld-skaffold-tilt')).toEqual([
      'k8s/deployment.yaml:12 initContainer skipped(skaffold-artifact: built as "loadgen" by skaffold.yaml) loadgen',
      'k8s/deployment.yaml:15 container skipped(skaffold-artifact: built as "frontend" by skaffold.yaml) frontend',
      'k8s/deployment.yaml:17 container skipped(skaffold-artifact: built as "ghcr.io/acme/worker" by skaffold.yaml) ghcr.io/acme/worker:dev',
      'k8s/deployment.yaml:19 container unpinned redis:7.2',
      'tilt/deploy.yaml:8 container skipped(tilt-build: built as "api" by tilt/Tiltfile) api',
      'tilt/deploy.yaml:10 container unpinned envoyproxy/envoy:v1.31.0',
    ]);
  });

  it('Helm split name/tag keys are listed; a digest in a tag is the pin (issue 11 item 14)', async () => {
    expect(await summary('realworld-helm-split')).toEqual([
      'values.yaml:3 helm-image-split skipped(chart has no digest field (imageTag beside the name)) grafana/loki',
      'values.yaml:6 helm-image-split unpinned docker.io/library/busybox',
      'values.yaml:10 helm-image-split unpinned quay.io/oauth2-proxy/oauth2-proxy',
      'values.yaml:16 helm-image pinned ghcr.io/acme/app',
      'values.yaml:21 helm-image pinned ghcr.io/acme/nodigestkey',
      'values.yaml:25 helm-image skipped(digest in both tag and digest field) ghcr.io/acme/both',
    ]);
  });

  it('Dockerfile name conventions: *.dockerfile, *.containerfile, Dockerfile.*, *.Dockerfile', async () => {
    const files = (await summary('realworld-dockerfile-names')).filter((s) => s.includes('unpinned')).map((s) => s.split(':')[0]);
    expect(files).toEqual(['Dockerfile.dev', 'app.dockerfile', 'build.containerfile', 'web.Dockerfile']);
  });
});

describe('file collection', () => {
  it('collects Dockerfiles by Renovate and hadolint conventions, any case, and Tiltfiles', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'digestpin-names-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const names = ['app.dockerfile', 'build.containerfile', 'Dockerfile.dev', 'web.Dockerfile', 'ci.Containerfile', 'sub/Dockerfile', 'tilt/Tiltfile', 'notes.txt', 'Dockerfile.dockerignore'];
    for (const name of names) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), 'FROM alpine:3.19\n');
    }
    const found = (await collectFiles([dir], { cwd: dir })).map((f) => path.relative(dir, f).split(path.sep).join('/'));
    expect(found.filter((f) => f !== 'Dockerfile.dockerignore')).toEqual(['Dockerfile.dev', 'app.dockerfile', 'build.containerfile', 'ci.Containerfile', 'sub/Dockerfile', 'tilt/Tiltfile', 'web.Dockerfile']);
  });
});

// ---- the real toolchain: kubectl kustomize must build what digestpin wrote ----

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

/** requireKubectl fails (never skips) when kubectl is missing, naming how to install it. */
function requireKubectl(): void {
  if (KUBECTL.status !== 0) throw new Error('kubectl is required for these tests: apt-get install -y kubectl (or see https://kubernetes.io/docs/tasks/tools/)');
}

/** kustomizeImages builds a directory with `kubectl kustomize` and lists every `image` string value in the output. */
function kustomizeImages(dir: string): string[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const images: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'image' && typeof value === 'string') images.push(value);
      else walk(value);
    }
  };
  for (const doc of parseAllDocuments(run.stdout)) walk(doc.toJS());
  return images;
}

/** pinnedCopy copies a case's input to a temp dir and pins it there through the pipeline (stub registry). */
async function pinnedCopy(name: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'digestpin-realworld-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(REAL_WORLD, name, 'input'), dir, { recursive: true });
  for (const [file, text] of await pinTreeWithStub(dir)) writeFileSync(path.join(dir, file), text);
  return dir;
}

const pin = (ref: string): string => `${ref}@${stubDigest(parseReference(ref))}`;

describe('kubectl kustomize builds every pinned kustomization fixture', () => {
  it('Argo workflows with lenient YAML build, and every literal image comes out digest-pinned', async () => {
    requireKubectl();
    const images = kustomizeImages(await pinnedCopy('realworld-argo'));
    const literal = images.filter((i) => !i.includes('{{'));
    expect(literal.length).toBe(11);
    for (const image of literal) expect(image, image).toMatch(/^[^@]+@sha256:[a-f0-9]{64}$/);
    expect(images.filter((i) => i.includes('{{'))).toEqual(['{{=sprig.trim(workflow.parameters.image)}}', '{{inputs.parameters.image}}']);
  });

  it('Renovate-style newTag "tag@sha256" builds to one digest, updated in place (issue 11 item 14)', async () => {
    requireKubectl();
    expect(kustomizeImages(await pinnedCopy('realworld-renovate-digest'))).toEqual([
      pin('nginx:1.25'),
      `docker.io/library/redis:7.2@${stubDigest(parseReference('redis:7.2'))}`,
    ]);
  });
});
