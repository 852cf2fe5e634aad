import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { findKubernetesImages, kubernetesFinder } from '../../src/finders/kubernetes.js';
import { source } from './helpers.js';

const find = (text: string, options = {}) => findKubernetesImages('test.yaml', text, options);
const paths = (text: string, options = {}) => find(text, options).occurrences.map((o) => `${o.kind} ${o.path} ${o.span.raw}`);

describe('kubernetes finder: pod spec holders', () => {
  const container = (indent: string) => `${indent}containers:\n${indent}- name: c\n${indent}  image: img:1\n`;
  it.each([
    ['v1', 'Pod', 'spec', 'spec'],
    ['v1', 'PodTemplate', 'template.spec', 'template:\n  spec'],
    ['v1', 'ReplicationController', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['apps/v1', 'ReplicaSet', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['apps/v1', 'Deployment', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['apps/v1', 'StatefulSet', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['apps/v1', 'DaemonSet', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['batch/v1', 'Job', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['batch/v1', 'CronJob', 'spec.jobTemplate.spec.template.spec', 'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec'],
    ['argoproj.io/v1alpha1', 'Rollout', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['serving.knative.dev/v1', 'Service', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['serving.knative.dev/v1', 'Configuration', 'spec.template.spec', 'spec:\n  template:\n    spec'],
    ['serving.knative.dev/v1', 'Revision', 'spec', 'spec'],
  ])('%s %s → %s.containers[0].image', (apiVersion, kind, podPath, yamlPath) => {
    const depth = yamlPath.split('\n').length;
    const text = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\n${yamlPath}:\n${container('  '.repeat(depth))}`;
    expect(paths(text)).toEqual([`container ${podPath}.containers[0].image img:1`]);
  });

  it('finds containers, initContainers and ephemeralContainers with their kinds', () => {
    const text = source`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        initContainers: [{name: i, image: init:1}]
        containers: [{name: c, image: main:1}]
        ephemeralContainers: [{name: e, image: debug:1}]
    `;
    expect(paths(text)).toEqual([
      'initContainer spec.initContainers[0].image init:1',
      'container spec.containers[0].image main:1',
      'ephemeralContainer spec.ephemeralContainers[0].image debug:1',
    ]);
  });

  it('does not apply Knative or Argo rules to kinds of other groups (core Service has no pods)', () => {
    const text = source`
      apiVersion: v1
      kind: Service
      metadata: {name: s}
      spec:
        template: {spec: {containers: [{name: c, image: nope:1}]}}
    `;
    // Unknown layout for a core Service: the generic search only looks at `containers` sequences,
    // which this has, so kustomize would touch it too; we mirror kustomize.
    expect(paths(text)).toEqual(['container spec.template.spec.containers[0].image nope:1']);
  });
});

describe('kubernetes finder: CRDs', () => {
  it.each([
    ['monitoring.coreos.com/v1', 'Prometheus', 'spec:\n  image: quay.io/prometheus/prometheus:v2\n  containers:\n  - name: config-reloader\n    resources: {}\n  initContainers:\n  - name: init-config-reloader\n', ['crd:Prometheus spec.image quay.io/prometheus/prometheus:v2']],
    ['monitoring.coreos.com/v1', 'Alertmanager', 'spec:\n  image: am:1\n  containers:\n  - name: extra\n    image: extra:1\n', ['crd:Alertmanager spec.image am:1', 'container spec.containers[0].image extra:1']],
    ['monitoring.coreos.com/v1', 'ThanosRuler', 'spec:\n  image: thanos:1\n', ['crd:ThanosRuler spec.image thanos:1']],
    ['minio.min.io/v2', 'Tenant', 'spec:\n  image: minio/minio:latest\n', ['crd:Tenant spec.image minio/minio:latest']],
    ['caching.internal.knative.dev/v1alpha1', 'Image', 'spec:\n  image: q:1\n', ['crd:Image spec.image q:1']],
    ['tekton.dev/v1', 'Task', 'spec:\n  stepTemplate:\n    image: base:1\n  steps:\n  - image: step:1\n  sidecars:\n  - image: side:1\n', ['crd:Task spec.stepTemplate.image base:1', 'crd:Task spec.steps[0].image step:1', 'crd:Task spec.sidecars[0].image side:1']],
    ['tekton.dev/v1beta1', 'ClusterTask', 'spec:\n  steps:\n  - image: step:1\n', ['crd:ClusterTask spec.steps[0].image step:1']],
    ['tekton.dev/v1', 'Pipeline', 'spec:\n  tasks:\n  - name: t\n    taskSpec:\n      steps:\n      - image: inline:1\n  - name: ref\n    taskRef: {name: other}\n  finally:\n  - name: f\n    taskSpec:\n      steps:\n      - image: fin:1\n', ['crd:Pipeline spec.tasks[0].taskSpec.steps[0].image inline:1', 'crd:Pipeline spec.finally[0].taskSpec.steps[0].image fin:1']],
    ['argoproj.io/v1alpha1', 'Workflow', 'spec:\n  templates:\n  - name: a\n    container: {image: a:1}\n    initContainers: [{name: i, image: i:1}]\n    sidecars: [{name: s, image: s:1}]\n  - name: b\n    script: {image: b:1, source: "echo"}\n  - name: c\n    containerSet:\n      containers: [{name: x, image: c:1}]\n', ['crd:Workflow spec.templates[0].container.image a:1', 'crd:Workflow spec.templates[0].initContainers[0].image i:1', 'crd:Workflow spec.templates[0].sidecars[0].image s:1', 'crd:Workflow spec.templates[1].script.image b:1', 'crd:Workflow spec.templates[2].containerSet.containers[0].image c:1']],
    ['argoproj.io/v1alpha1', 'WorkflowTemplate', 'spec:\n  templates:\n  - container: {image: a:1}\n', ['crd:WorkflowTemplate spec.templates[0].container.image a:1']],
    ['argoproj.io/v1alpha1', 'CronWorkflow', 'spec:\n  workflowSpec:\n    templates:\n    - container: {image: a:1}\n', ['crd:CronWorkflow spec.workflowSpec.templates[0].container.image a:1']],
    ['argoproj.io/v1alpha1', 'AnalysisTemplate', 'spec:\n  metrics:\n  - name: m\n    provider:\n      job:\n        spec:\n          template:\n            spec:\n              containers: [{name: c, image: alpine:3.8}]\n', ['container spec.metrics[0].provider.job.spec.template.spec.containers[0].image alpine:3.8']],
  ])('%s %s', (apiVersion, kind, body, expected) => {
    expect(paths(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\n${body}`)).toEqual(expected);
  });

  it('finds containers of unknown kinds anywhere, as kustomize does, but not in CRD schemas, ConfigMaps or policies', () => {
    const text = source`
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: w}
      spec:
        workers:
          template:
            containers: [{name: c, image: worker:1}]
        options:
          image: not-a-container-image:1
      ---
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        versions:
        - name: v1
          schema:
            openAPIV3Schema:
              properties:
                containers:
                  type: array
                  items: {properties: {image: {type: string}}}
              example:
                containers: [{image: example:1}]
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: c}
      data:
        image: nginx:1
      ---
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata: {name: pin}
      spec:
        rules:
        - validate:
            pattern:
              spec:
                containers: [{image: "ghcr.io/acme/*"}, {image: nginx:1.25}]
    `;
    expect(paths(text)).toEqual(['container spec.workers.template.containers[0].image worker:1']);
  });

  it('applies user-declared custom paths, by kind and optionally apiVersion', () => {
    const text = source`
      apiVersion: config/v1
      kind: MyKind
      metadata: {name: m}
      spec:
        runLatest: {container: {image: crd-image}}
        list: [{image: a:1}, {image: b:1}]
    `;
    expect(paths(text)).toEqual([]);
    expect(paths(text, { customPaths: [{ kind: 'MyKind', path: 'spec.runLatest.container.image' }, { kind: 'MyKind', path: 'spec/list[]/image' }] })).toEqual([
      'custom spec.runLatest.container.image crd-image',
      'custom spec.list[0].image a:1',
      'custom spec.list[1].image b:1',
    ]);
    expect(paths(text, { customPaths: [{ kind: 'MyKind', apiVersion: 'config/v2', path: 'spec.runLatest.container.image' }] })).toEqual([]);
  });

  it('rejects a malformed custom path with CONFIG_INVALID', () => {
    expect(() => find('apiVersion: v1\nkind: X\n', { customPaths: [{ kind: 'X', path: 'spec..image' }] }))
      .toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('kubernetes finder: Lists and templates', () => {
  it('recurses into kind List and *List items with indexed paths', () => {
    const text = source`
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Service
        metadata: {name: s}
      - apiVersion: apps/v1
        kind: DeploymentList
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: d, namespace: prod}
          spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}
    `;
    const [occurrence] = find(text).occurrences;
    expect(occurrence).toMatchObject({ path: 'items[1].items[0].spec.template.spec.containers[0].image', pod: { namespace: 'prod' } });
  });

  it('ignores documents that are not Kubernetes objects (no apiVersion/kind) and empty documents', () => {
    const text = '# only a comment\n---\n---\nservices:\n  web:\n    image: nginx:1\n...\n---\nimage: nginx:1\n';
    expect(find(text).occurrences).toEqual([]);
  });
});
