import { describe, expect, it } from 'vitest';
import { findKubernetesImages } from '../../src/finders/kubernetes.js';
import { source } from './helpers.js';

const find = (text: string) => findKubernetesImages('deploy/app.yaml', text, {});
const pod = (containers: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${containers}`;

describe('kubernetes finder: look-alikes that are not images', () => {
  it('ignores annotations, args, env, block scalars, JSON in strings and managedFields', () => {
    const text = source`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
        annotations:
          kubectl.kubernetes.io/last-applied-configuration: >
            {"spec":{"template":{"spec":{"containers":[{"image":"quay.io/x/y:0.1","name":"c"}]}}}}
          image: annotation:1
        managedFields:
        - fieldsV1:
            f:spec:
              f:template:
                f:spec:
                  f:containers:
                    k:{"name":"c"}:
                      f:image: {}
      spec:
        template:
          spec:
            containers:
            - name: c
              image: 'quay.io/x/y:0.1'
              args: ["--image=quay.io/other:1", "image: busybox:1"]
              env:
              - {name: IMAGE, value: "nginx:1"}
              command:
              - |
                image: busybox:1.28
    `;
    const found = find(text).occurrences;
    expect(found.map((o) => [o.line, o.span.raw])).toEqual([[22, 'quay.io/x/y:0.1']]);
  });
});

describe('kubernetes finder: statuses and skip reasons', () => {
  it.each([
    ['nginx:1.25', 'unpinned', undefined],
    [`nginx:1.25@sha256:${'a'.repeat(64)}`, 'pinned', undefined],
    [`gcr.io/p/app@sha256:${'b'.repeat(64)}`, 'pinned', undefined],
    ['${REGISTRY}/app:1', 'skipped', 'variable'],
    ['"{{ .Values.image }}"', 'skipped', 'helm-template'],
    ['$(params.IMAGE)', 'skipped', 'tekton-param'],
    ['ko://github.com/acme/cmd', 'skipped', 'ko-import-path'],
    ['Nginx:1', 'skipped', /^invalid-reference: /],
    ['nginx@sha256:25a0d4', 'skipped', /^invalid-reference: .*digest/],
    ['"nginx:\\x31"', 'skipped', 'non-literal-scalar'],
    ['12345', 'skipped', /^invalid-reference: image is a number/],
  ])('image: %s → %s', (value, status, reason) => {
    const [occurrence] = find(pod(`  - name: c\n    image: ${value}\n`)).occurrences;
    expect(occurrence?.status).toBe(status);
    if (reason === undefined) {
      expect(occurrence?.skipReason).toBeUndefined();
      expect(occurrence?.plan).toEqual({ type: 'reference' });
      expect(occurrence?.ref).toBeDefined();
    } else {
      expect(occurrence?.skipReason).toMatch(reason);
      expect(occurrence?.plan).toBeUndefined();
    }
  });

  it('reports nothing for empty image fields (strategic-merge overrides)', () => {
    expect(find(pod('  - name: a\n  - name: b\n    image:\n  - name: c\n    image: ""\n')).occurrences).toEqual([]);
  });

  it('gives 1-based line/column, the span inside quotes and the concrete path', () => {
    const [occurrence] = find(pod(`  - name: a\n  - name: b\n    image: "nginx:1"\n`)).occurrences;
    expect(occurrence).toMatchObject({
      file: 'deploy/app.yaml', line: 8, column: 13, finder: 'kubernetes', kind: 'container',
      path: 'spec.containers[1].image', span: { raw: 'nginx:1' },
    });
  });
});

describe('kubernetes finder: pod context and credentials', () => {
  it('records namespace, pull secrets, service account, explicit pull policy and key indentation', () => {
    const text = source`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d, namespace: team}
      spec:
        template:
          spec:
            serviceAccountName: builder
            imagePullSecrets: [{name: regcred}, {name: other}]
            containers:
            - name: a
              image: a:1
              imagePullPolicy: Always
            - {name: b, image: b:1}
    `;
    const [a, b] = find(text).occurrences;
    expect(a?.pod).toEqual({ namespace: 'team', imagePullSecrets: ['regcred', 'other'], serviceAccountName: 'builder', imagePullPolicy: 'Always', containerIndent: '        ' });
    expect(b?.pod).toEqual({ namespace: 'team', imagePullSecrets: ['regcred', 'other'], serviceAccountName: 'builder' });
  });

  it('collects dockerconfigjson/dockercfg Secrets and ServiceAccounts with pull secrets', () => {
    const text = source`
      apiVersion: v1
      kind: Secret
      metadata: {name: regcred, namespace: team}
      type: kubernetes.io/dockerconfigjson
      data: {.dockerconfigjson: e30=}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: legacy}
      type: kubernetes.io/dockercfg
      data: {.dockercfg: e30=}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: tls}
      type: kubernetes.io/tls
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: builder, namespace: team}
      imagePullSecrets: [{name: regcred}]
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: plain}
    `;
    const result = find(text);
    expect(result.secrets?.map((s) => [s.name, s.namespace, s.type])).toEqual([
      ['regcred', 'team', 'kubernetes.io/dockerconfigjson'],
      ['legacy', undefined, 'kubernetes.io/dockercfg'],
    ]);
    expect(result.secrets?.[0]?.document).toMatchObject({ data: { '.dockerconfigjson': 'e30=' } });
    expect(result.serviceAccounts).toEqual([{ file: 'deploy/app.yaml', name: 'builder', namespace: 'team', imagePullSecrets: ['regcred'] }]);
  });
});

describe('kubernetes finder: anchors, merges and malformed YAML', () => {
  it('reports each physical image scalar once, even when reached through aliases and merges', () => {
    const text = pod('  - &c {name: a, image: &i base:1}\n  - <<: *c\n    name: b\n  - <<: *c\n    name: x\n    image: own:1\n  - {name: y, image: *i}\n');
    expect(find(text).occurrences.map((o) => `${o.path} ${o.span.raw}`)).toEqual(['spec.containers[0].image base:1', 'spec.containers[2].image own:1']);
  });

  it('reads `<<: [*a, *b]` merges in order and `- <<: *seq` merges of a sequence of mappings', () => {
    const text = source`
      x: &a {image: first:1}
      y: &b {image: second:1, name: n}
      z: &env [{name: A}, {image: fromseq:1}]
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers:
        - <<: [*a, *b]
        - <<: *env
    `;
    expect(find(text).occurrences.map((o) => o.span.raw)).toEqual(['first:1', 'fromseq:1']);
  });

  it('stops an alias bomb with YAML_SYNTAX instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    const text = `${levels.join('\n')}\napiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\nmetadata: {name: s}\ndata: *i\n`;
    expect(() => find(text)).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(/^deploy\/app\.yaml:\d+:\d+: /) }));
  });

  it.each([
    ['apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n', /^deploy\/app\.yaml:5:1: /],
    ['a: 1\na: 2\n', /^deploy\/app\.yaml:2:1: /],
    ['apiVersion: v1\n  kind: Pod\n', /^deploy\/app\.yaml:\d+:\d+: /],
    ['a: "unterminated\n', /^deploy\/app\.yaml:2:1: Missing closing "quote$/],
  ])('malformed YAML %j → YAML_SYNTAX with file:line:col', (text, message) => {
    expect(() => find(text)).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(message) }));
  });

  it('reports a Go template outside templates/ like the helm-template guard instead of failing', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: {{ .Values.image }}\n    {{- if .Values.x }}\n';
    const found = find(text).occurrences;
    expect(found.map((o) => [o.line, o.finder, o.status, o.skipReason, o.span.raw])).toEqual([[5, 'helm-template', 'skipped', 'helm-template', '{{ .Values.image }}']]);
  });

  // Issue 12 item 3: `{{ }}` only inside scalars never turns a broken file into a "template"
  // whose images are all silently skipped: the syntax error is reported.
  it('a YAML error in a file whose {{ }} are all inside scalars is an error, not a silent helm-template skip', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: "{{ .Values.image }}"\n  - image: nginx:1.25\n    args: [a\n  bad: indent\n';
    expect(() => find(text)).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(/^deploy\/app\.yaml:\d+:\d+: /) }));
  });
});
