import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { pinWithStub, stubDigest } from '../finders/helpers.js';
import { CORPUS_ROOT } from './corpus-path.js';

// A corpus kustomization (metrics-server) pinned, then built with the real `kubectl kustomize`
// (kustomize v5: newTag + digest → `name:newTag@sha256:…`, see FACTS.md).
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = KUBECTL.status === 0;

const CORPUS = path.join(CORPUS_ROOT, 'kustomize');

/** tree writes files into a fresh temp dir, removed when the test finishes. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'digestpin-kustomize-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** pinTree pins every file of the tree in place with the stub resolver. */
function pinTree(dir: string, files: string[]): void {
  for (const name of files) {
    const file = path.join(dir, name);
    writeFileSync(file, pinWithStub(name, readFileSync(file, 'utf8')).output);
  }
}

/** builtImages runs `kubectl kustomize` and lists every container image of the output. */
function builtImages(dir: string): string[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  // stderr may carry deprecation warnings (`commonLabels`); only the exit status matters.
  expect(run.status, run.stderr).toBe(0);
  const images: string[] = [];
  for (const doc of parseAllDocuments(run.stdout)) {
    const obj = doc.toJS() as { spec?: { template?: { spec?: Record<string, Array<{ image: string }>> } } };
    const pod = obj.spec?.template?.spec;
    for (const key of ['initContainers', 'containers']) for (const c of pod?.[key] ?? []) images.push(c.image);
  }
  return images;
}

const pinned = (ref: string): string => `${ref}@${stubDigest(parseReference(ref))}`;

describe('kubectl kustomize builds the pinned corpus overlay', () => {
  it('has kubectl', () => expect(hasKubectl, 'install kubectl (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/)').toBe(true));

  it('builds the metrics-server release overlay (base + component from the corpus) to the component digest', () => {
    const read = (name: string): string => readFileSync(path.join(CORPUS, name), 'utf8');
    const dir = tree({
      'manifests/base/kustomization.yaml': read('kubernetes-sigs__metrics-server__manifests__base__kustomization.yaml'),
      'manifests/base/deployment.yaml': read('kubernetes-sigs__metrics-server__manifests__base__deployment.yaml'),
      // Not collected in the corpus (no images): minimal stand-ins so the base builds.
      'manifests/base/apiservice.yaml': 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\n',
      'manifests/base/rbac.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: metrics-server, namespace: kube-system}\n',
      'manifests/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: metrics-server, namespace: kube-system}\n',
      'manifests/components/release/kustomization.yaml': read('kubernetes-sigs__metrics-server__manifests__components__release__kustomization.yaml'),
      'manifests/overlays/release/kustomization.yaml': read('kubernetes-sigs__metrics-server__manifests__overlays__release__kustomization.yaml'),
    });
    pinTree(dir, ['manifests/base/deployment.yaml', 'manifests/components/release/kustomization.yaml', 'manifests/overlays/release/kustomization.yaml']);
    const release = 'registry.k8s.io/metrics-server/metrics-server:v0.9.0';
    expect(builtImages(path.join(dir, 'manifests/overlays/release'))).toEqual([pinned(release)]);
    // The base alone still builds to its own (staging) reference, now pinned.
    expect(builtImages(path.join(dir, 'manifests/base'))).toEqual([pinned('gcr.io/k8s-staging-metrics-server/metrics-server:master')]);
  });
});
