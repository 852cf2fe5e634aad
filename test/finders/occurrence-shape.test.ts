import { describe, expect, it } from 'vitest';
import { findAll } from '../../src/finders/registry.js';
import { source } from './helpers.js';

// Issue 13 cause 5: ~50k occurrences live for a whole run of a large tree. They share one
// object shape and their repeated values, instead of a hidden class and copies each.

const manifest = source`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    namespace: team-1
  spec:
    template:
      spec:
        imagePullSecrets: [{ name: regcred }]
        containers:
          - name: a
            image: registry.example.com/app:1.0
            imagePullPolicy: IfNotPresent
          - name: b
            image: registry.example.com/app:1.0
            imagePullPolicy: IfNotPresent
          - name: c
            image: registry.example.com/app@sha256:${'a'.repeat(64)}
        initContainers:
          - name: d
            image: "{{ .Values.image }}"
  `;

describe('occurrence shape', () => {
  it('every occurrence findAll returns has the same fields in the same order, whatever its status or finder', () => {
    const kube = findAll('deploy.yaml', manifest).occurrences;
    const docker = findAll('Dockerfile', 'FROM scratch\nFROM node:20\n').occurrences;
    const all = [...kube, ...docker];
    expect(new Set(all.map((o) => o.status))).toEqual(new Set(['unpinned', 'pinned', 'skipped']));
    const keys = Object.keys(all[0]!);
    expect(keys).toEqual(['file', 'line', 'column', 'span', 'finder', 'kind', 'path', 'status', 'skipReason', 'ref', 'plan', 'pod']);
    for (const o of all) expect(Object.keys(o)).toEqual(keys);
  });

  it('containers of one pod with the same settings share one frozen PodContext', () => {
    const [a, b, c] = findAll('deploy.yaml', manifest).occurrences;
    expect(a!.pod).toEqual({ namespace: 'team-1', imagePullSecrets: ['regcred'], imagePullPolicy: 'IfNotPresent', containerIndent: ' '.repeat(10) });
    expect(b!.pod).toBe(a!.pod);
    expect(Object.isFrozen(a!.pod)).toBe(true);
    expect(c!.pod).not.toBe(a!.pod);
    expect(c!.pod!.imagePullPolicy).toBeUndefined();
  });

  it('occurrences of the same reference text share one parsed reference', () => {
    const [a, b] = findAll('deploy.yaml', manifest).occurrences;
    expect(b!.ref).toBe(a!.ref);
  });
});
