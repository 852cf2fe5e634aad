import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { tree, pinTree, builtImages } from '../helpers/kustomize-build.js';
import { stubDigest } from '../finders/helpers.js';
import { CORPUS_ROOT } from './corpus-path.js';

// A corpus kustomization (metrics-server) pinned, then built with the real `kubectl kustomize`
// (kustomize v5: newTag + digest → `name:newTag@sha256:…`, see FACTS.md).
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = KUBECTL.status === 0;

const CORPUS = path.join(CORPUS_ROOT, 'kustomize');

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
