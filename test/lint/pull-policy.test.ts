import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { kubernetesFinder } from '../../src/finders/kubernetes.js';
import { insertPullPolicyEdits, pullPolicyEdits } from '../../src/lint/index.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import { source } from '../finders/helpers.js';

/** setPolicy applies pullPolicyEdits to every container of a manifest. */
function setPolicy(text: string, policy = 'IfNotPresent'): { out: string; skips: string[] } {
  const occurrences = kubernetesFinder.find('pod.yaml', text, {}).occurrences;
  const plans = occurrences.map((o) => pullPolicyEdits(o, policy, text));
  return {
    out: applyEdits(text, plans.flatMap((p) => p.edits)),
    skips: plans.flatMap((p) => (p.skipReason ? [p.skipReason] : [])),
  };
}

const POD = source`
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
`;

describe('pullPolicyEdits', () => {
  it('fills an empty `imagePullPolicy:` value', () => {
    const text = `${POD}    - name: a\n      imagePullPolicy:\n      image: nginx:1.27\n`;
    expect(setPolicy(text).out).toBe(`${POD}    - name: a\n      imagePullPolicy: IfNotPresent\n      image: nginx:1.27\n`);
  });

  it('replaces a different policy, keeping its quotes', () => {
    const text = `${POD}    - name: a\n      image: nginx:1.27\n      imagePullPolicy: "Always" # why\n`;
    expect(setPolicy(text).out).toBe(`${POD}    - name: a\n      image: nginx:1.27\n      imagePullPolicy: "IfNotPresent" # why\n`);
  });

  it('a policy merged in with `<<` that already matches is left alone; a different one is overridden explicitly', () => {
    const same = `x: &d {imagePullPolicy: IfNotPresent}\n${POD}    - <<: *d\n      image: nginx:1.27\n`;
    expect(setPolicy(same).out).toBe(same);
    const other = `x: &d {imagePullPolicy: Always}\n${POD}    - <<: *d\n      image: nginx:1.27\n`;
    expect(setPolicy(other).out).toBe(`x: &d {imagePullPolicy: Always}\n${POD}    - <<: *d\n      image: nginx:1.27\n      imagePullPolicy: IfNotPresent\n`);
  });

  it('inserts after a multi-line image value, not inside it', () => {
    const text = `${POD}    - name: a\n      image: >-\n        nginx:1.27\n      command: [sh]\n`;
    expect(setPolicy(text).out).toBe(`${POD}    - name: a\n      image: >-\n        nginx:1.27\n      imagePullPolicy: IfNotPresent\n      command: [sh]\n`);
  });

  it('skips flow-style containers and images that are not pod containers, with reasons', () => {
    const flow = `${POD}    - {name: a, image: nginx:1.27}\n`;
    expect(setPolicy(flow)).toEqual({ out: flow, skips: [expect.stringMatching(/^flow-style/)] });
    const occurrence = kubernetesFinder.find('pod.yaml', `${POD}    - name: a\n      image: nginx:1.27\n`, {}).occurrences[0]!;
    const { pod: _pod, ...notPod } = occurrence;
    expect(pullPolicyEdits(notPod, 'IfNotPresent', '')).toEqual({ edits: [], skipReason: 'not a pod container' });
    expect(insertPullPolicyEdits(notPod, 'IfNotPresent', '')).toEqual([]);
  });

  it('skips templated images', () => {
    const text = `${POD}    - name: a\n      image: $(params.image)\n`;
    expect(setPolicy(text).skips).toEqual([expect.stringMatching(/^image skipped/)]);
  });

  it('rejects unknown policies with a USAGE error', () => {
    const occurrence = kubernetesFinder.find('pod.yaml', `${POD}    - name: a\n      image: nginx:1.27\n`, {}).occurrences[0]!;
    try {
      pullPolicyEdits(occurrence, 'ifnotpresent', '');
      expect.unreachable();
    } catch (err) {
      expect(isPinError(err, 'USAGE')).toBe(true);
      expect((err as Error).message).toContain('"ifnotpresent"');
    }
  });
});
