import { spawnSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { tree, pinTree, builtImages } from '../helpers/kustomize-build.js';
import { source, stubDigest } from './helpers.js';

// What the pinned kustomization builds to, checked with the real `kubectl kustomize`
// (kustomize v5: newTag + digest → `name:newTag@sha256:…`, see FACTS.md).
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
// A missing kubectl fails these tests with the install command; it never skips them.
const MISSING_KUBECTL = KUBECTL.status === 0 ? undefined : 'kubectl is required for these tests: apt-get install -y kubectl';

// The metrics-server overlay built from the shared corpus lives in test/corpus (npm run test:corpus).

const pinned = (ref: string): string => `${ref}@${stubDigest(parseReference(ref))}`;

describe('kubectl kustomize builds pinned kustomizations to tag@digest', () => {
  beforeEach(() => {
    if (MISSING_KUBECTL) throw new Error(MISSING_KUBECTL);
  });

  it('adds digest fields that kustomize turns into name:newTag@sha256 images', () => {
    const dir = tree({
      'kustomization.yaml': source`
        resources:
        - deployment.yaml
        images:
        - name: nginx
          newTag: "1.25" # bumped by hand
        - name: app
          newName: registry.example.com/team/app
          newTag: v2
        - name: redis
          newTag: "7.2"`.trimEnd(),
      'deployment.yaml': source`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              initContainers:
              - {name: init, image: redis:6}
              containers:
              - name: web
                image: nginx:1.0
              - name: app
                image: app:latest
      `,
    });
    pinTree(dir, ['kustomization.yaml', 'deployment.yaml']);
    expect(builtImages(dir)).toEqual([
      pinned('docker.io/library/redis:7.2').replace('docker.io/library/', ''),
      pinned('docker.io/library/nginx:1.25').replace('docker.io/library/', ''),
      `registry.example.com/team/app:v2@${stubDigest(parseReference('registry.example.com/team/app:v2'))}`,
    ]);
  });
});
