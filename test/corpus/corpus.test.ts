import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './corpus-path.js';
import type { CustomImagePath } from '../../src/finders/types.js';
import { counts, pinWithStub, stubDigest } from '../finders/helpers.js';

// The shared corpus of real files, with hand counts in EXPECTED.md
// (P = to pin, D = already digest-pinned, S = skipped, FIND = P + D).

interface Expectation {
  file: string;
  P: number;
  D: number;
  S: number;
  /** lines of every occurrence (any status), where EXPECTED.md lists them. */
  lines?: number[];
  customPaths?: CustomImagePath[];
}

// Deliberate choices, each agreeing with EXPECTED.md's primary figure:
// - serving-core: FIND 6, not the "generic tool" 5: the ConfigMap `config-deployment` key
//   `queue-sidecar-image` is the queue-proxy image Knative injects into every revision pod, so a
//   built-in rule pins it (kind `configmap:queue-sidecar-image`).
// - transformerconfigs kustomization: the truncated `digest: sha256:25a0d4` entry is S
//   (`invalid-digest: …`), neither D nor an error; EXPECTED says "3 (+1 bad digest)".
// - transformerconfigs resources: `spec.runLatest.container.image` of MyKind comes from the
//   kustomizeconfig (not collected), passed here as a custom path; `spec.containers[].image` of
//   the unknown kind is found by the kustomize-style generic containers search.
// - flux install kustomization: 7 entries without newTag/digest are S (`no-tag`), FIND 0.
// - tekton kaniko: param `default:` values are not image positions (FIND 0, as the primary figure).
const EXPECTED: Expectation[] = [
  { file: 'k8s/argoproj-labs__argocd-image-updater__test__e2e__containers__git__testdata__004-multi-images__deployment.yaml', P: 2, D: 0, S: 0, lines: [19, 21] },
  { file: 'k8s/argoproj__argo-cd__controller__testdata__live-deployment.yaml', P: 1, D: 0, S: 0, lines: [140] },
  { file: 'k8s/argoproj__argo-cd__resource_customizations__batch__CronJob__actions__testdata__cronjob.yaml', P: 1, D: 0, S: 0, lines: [26] },
  { file: 'k8s/prometheus-operator__kube-prometheus__manifests__prometheusOperator-deployment.yaml', P: 2, D: 0, S: 0, lines: [40, 62] },
  { file: 'k8s/stackrox__kube-linter__pkg__templates__sortedkeys__testdata__container-with-merge.yaml', P: 3, D: 0, S: 0, lines: [10, 26, 35] },
  { file: 'k8s/zegl__kube-score__score__testdata__list.yaml', P: 1, D: 0, S: 0, lines: [32] },
  { file: 'k8s-bundle/argoproj__argo-cd__manifests__install.yaml', P: 10, D: 0, S: 0, lines: [32364, 32506, 32536, 32656, 32755, 32771, 33110, 33167, 33661, 34172] },
  { file: 'k8s-bundle/flannel-io__flannel__Documentation__kube-flannel.yml', P: 3, D: 0, S: 0, lines: [136, 147, 160] },
  { file: 'k8s-bundle/kubeflow__manifests__common__istio__istio-install__base__install.yaml', P: 3, D: 0, S: 0, lines: [3843, 4041, 4246] },
  { file: 'k8s-bundle/kubeflow__manifests__common__knative__knative-serving__base__upstream__serving-core.yaml', P: 0, D: 6, S: 0, lines: [6828, 7233, 8244, 8371, 8477, 8624] },
  { file: 'k8s-bundle/kubernetes__ingress-nginx__deploy__static__provider__cloud__deploy.yaml', P: 0, D: 3, S: 0, lines: [446, 549, 605] },
  { file: 'k8s-cr/argoproj__argo-rollouts__examples__analysis-templates.yaml', P: 2, D: 0, S: 0, lines: [23, 49] },
  { file: 'k8s-cr/knative__serving__test__test_images__multicontainer__service.yaml', P: 0, D: 0, S: 2, lines: [24, 27] },
  { file: 'k8s-cr/prometheus-operator__kube-prometheus__manifests__alertmanager-alertmanager.yaml', P: 1, D: 0, S: 0, lines: [14] },
  { file: 'k8s-cr/tektoncd__catalog__task__kaniko__0.7__kaniko.yaml', P: 0, D: 0, S: 2, lines: [52, 65] },
  { file: 'crlf/argoproj__argo-cd__resource_customizations__minio.min.io__Tenant__testdata__incorrect_tenant_credentials.yaml', P: 1, D: 0, S: 0, lines: [6] },
  { file: 'crlf/argoproj__argo-cd__resource_customizations__monitoring.coreos.com__Prometheus__testdata__degraded.yaml', P: 1, D: 0, S: 0, lines: [53] },
  { file: 'kustomize/fluxcd__flux2__manifests__install__kustomization.yaml', P: 0, D: 0, S: 7 },
  { file: 'kustomize/fluxcd__flux2__tests__image-automation__kustomization.yaml', P: 0, D: 1, S: 0 },
  { file: 'kustomize/kubeflow__manifests__applications__pipeline__upstream__env__dev__kustomization.yaml', P: 11, D: 0, S: 0 },
  { file: 'kustomize/kubernetes-sigs__kustomize__examples__transformerconfigs__images__kustomization.yaml', P: 3, D: 0, S: 1 },
  {
    file: 'kustomize/kubernetes-sigs__kustomize__examples__transformerconfigs__images__resources.yaml', P: 5, D: 0, S: 0, lines: [8, 10, 12, 25, 27],
    customPaths: [{ kind: 'MyKind', path: 'spec.runLatest.container.image' }],
  },
  { file: 'kustomize/kubernetes-sigs__metrics-server__manifests__base__deployment.yaml', P: 1, D: 0, S: 0, lines: [21] },
  { file: 'kustomize/kubernetes-sigs__metrics-server__manifests__base__kustomization.yaml', P: 0, D: 0, S: 0 },
  { file: 'kustomize/kubernetes-sigs__metrics-server__manifests__components__release__kustomization.yaml', P: 1, D: 0, S: 0 },
  { file: 'kustomize/kubernetes-sigs__metrics-server__manifests__overlays__release__kustomization.yaml', P: 0, D: 0, S: 0 },
  { file: 'helm-template/flannel-io__flannel__chart__kube-flannel__templates__daemonset.yaml', P: 0, D: 0, S: 4, lines: [41, 53, 67, 126] },
  { file: 'helm-template/prometheus-community__helm-charts__charts__prometheus-node-exporter__templates__daemonset.yaml', P: 0, D: 0, S: 5, lines: [52, 54, 100, 267, 269] },
];

/** virtualPath restores the original repository path from the flattened corpus name (`a__b__c.yaml` → `a/b/c.yaml`), so finders see real file names (kustomization.yaml, templates/). */
function virtualPath(file: string): string {
  return path.basename(file).replaceAll('__', '/');
}

/** withoutStubPins deletes what pinning adds: `@<stub digest>` suffixes and inserted `digest: <stub digest>` lines. */
function withoutStubPins(text: string, digests: Set<string>): string {
  let out = text;
  for (const digest of digests) {
    out = out.split(`@${digest}`).join('');
    out = out.replace(new RegExp(`(\\r?\\n)?[ ]*digest: ${digest}(\\r?\\n)?`, 'g'), (_m, before?: string, after?: string) => (before && after ? before : ''));
  }
  return out;
}

describe('corpus (../shared/corpus)', () => {
  it('is present next to the repository', () => {
    expect(existsSync(path.join(CORPUS, 'EXPECTED.md')), `corpus not found at ${CORPUS}`).toBe(true);
  });

  describe.each(EXPECTED)('$file', (expectation) => {
    const text = (): string => readFileSync(path.join(CORPUS, expectation.file), 'utf8');
    const options = { customPaths: expectation.customPaths ?? [] };

    it(`finds FIND = ${expectation.P + expectation.D} (P ${expectation.P}, D ${expectation.D}, S ${expectation.S})`, () => {
      const { found } = pinWithStub(virtualPath(expectation.file), text(), options);
      const c = counts(found.occurrences);
      expect({ P: c.unpinned, D: c.pinned, S: c.skipped }).toEqual({ P: expectation.P, D: expectation.D, S: expectation.S });
      if (expectation.lines) expect(found.occurrences.map((o) => o.line)).toEqual(expectation.lines);
      if (expectation.file.startsWith('helm-template/')) {
        // Under its flattened name (no templates/ dir) the file fails to parse as YAML and is
        // reported the same way by the kubernetes finder's template fallback.
        const flat = pinWithStub(path.basename(expectation.file), text(), options);
        expect(flat.found.occurrences.map((o) => `${o.line} ${o.skipReason}`)).toEqual(found.occurrences.map((o) => `${o.line} ${o.skipReason}`));
      }
    });

    it('pins only the P references, leaves every other byte alone, and is idempotent', () => {
      const input = text();
      const file = virtualPath(expectation.file);
      const first = pinWithStub(file, input, options);
      const digests = new Set(first.found.occurrences.filter((o) => o.status === 'unpinned').map((o) => stubDigest(o.ref!)));
      if (expectation.P === 0) expect(first.output).toBe(input);
      expect(first.edits).toHaveLength(expectation.P);
      expect(withoutStubPins(first.output, digests)).toBe(input);
      const second = pinWithStub(file, first.output, options);
      expect(second.edits).toEqual([]);
      expect(second.output).toBe(first.output);
      expect(counts(second.found.occurrences)).toEqual({ unpinned: 0, pinned: expectation.P + expectation.D, skipped: expectation.S });
    });
  });
});
