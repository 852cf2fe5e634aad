import { describe, expect, it } from 'vitest';
import type { Occurrence, PodContext } from '../../src/finders/types.js';
import { defaultPullPolicy, hasErrors, hasPullPolicy, lintOccurrences, mutableTagReason, RULES } from '../../src/lint/index.js';
import { parseReference } from '../../src/reference/index.js';

const A = 'a'.repeat(64);

function occ(image: string, pod?: PodContext, extra: Partial<Occurrence> = {}): Occurrence {
  const ref = parseReference(image);
  return {
    file: 'deploy.yaml',
    line: 3,
    column: 14,
    span: { start: 10, end: 10 + image.length, raw: image },
    finder: 'kubernetes',
    kind: 'container',
    status: ref.digest ? 'pinned' : 'unpinned',
    ref,
    plan: { type: 'reference' },
    ...(pod ? { pod } : {}),
    ...extra,
  };
}

function rules(image: string, pod?: PodContext, mutableTags: RegExp[] = []): string[] {
  return lintOccurrences([occ(image, pod)], { mutableTags }).map((f) => f.ruleId);
}

describe('defaultPullPolicy (Kubernetes SetDefaults_Container)', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    [`nginx:latest@sha256:${A}`, 'Always'],
    [`nginx@sha256:${A}`, 'IfNotPresent'],
    ['nginx:1.27', 'IfNotPresent'],
    [`nginx:1.27@sha256:${A}`, 'IfNotPresent'],
    ['nginx:Latest', 'IfNotPresent'],
  ])('%s → %s', (image, policy) => {
    const ref = parseReference(image);
    expect(defaultPullPolicy(ref.tag, ref.digest)).toBe(policy);
  });
});

describe('rules on pod containers', () => {
  it.each<[string, string | undefined, string[]]>([
    // mutable-tag
    ['nginx', undefined, ['mutable-tag']],
    ['nginx:latest', undefined, ['mutable-tag']],
    ['nginx:latest', 'IfNotPresent', ['mutable-tag', 'ifnotpresent-unpinned']],
    ['nginx:1.27', 'Always', []],
    // ifnotpresent-unpinned: explicit or defaulted
    ['nginx:1.27', undefined, ['ifnotpresent-unpinned']],
    ['nginx:1.27', 'IfNotPresent', ['ifnotpresent-unpinned']],
    [`nginx:1.27@sha256:${A}`, 'IfNotPresent', []],
    // never-unpinned
    ['nginx:1.27', 'Never', ['never-unpinned']],
    ['nginx', 'Never', ['mutable-tag', 'never-unpinned']],
    [`nginx@sha256:${A}`, 'Never', []],
    // latest-digest-defaults-always
    [`nginx:latest@sha256:${A}`, undefined, ['latest-digest-defaults-always']],
    [`nginx:latest@sha256:${A}`, 'IfNotPresent', []],
    // always-on-digest
    [`nginx:latest@sha256:${A}`, 'Always', ['always-on-digest']],
    [`nginx@sha256:${A}`, 'Always', ['always-on-digest']],
    // digest-pinned images are never flagged for a missing tag or policy
    [`nginx@sha256:${A}`, undefined, []],
    [`gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:${A}`, undefined, []],
    [`nginx:1.27@sha256:${A}`, undefined, []],
  ])('%s with policy %s → %j', (image, policy, expected) => {
    expect(rules(image, policy ? { imagePullPolicy: policy } : {})).toEqual(expected);
  });

  it('--mutable-tags patterns make matching tags mutable', () => {
    const patterns = [/^v?\d+$/, /^(main|nightly)$/];
    expect(rules('app:v2', { imagePullPolicy: 'Always' }, patterns)).toEqual(['mutable-tag']);
    expect(rules('app:2', { imagePullPolicy: 'Always' }, patterns)).toEqual(['mutable-tag']);
    expect(rules('app:nightly', { imagePullPolicy: 'Always' }, patterns)).toEqual(['mutable-tag']);
    expect(rules('app:v2.1', { imagePullPolicy: 'Always' }, patterns)).toEqual([]);
    expect(rules(`app:v2@sha256:${A}`, { imagePullPolicy: 'IfNotPresent' }, patterns)).toEqual([]);
    expect(mutableTagReason('v2', patterns)).toContain('/^v?\\d+$/');
  });
});

describe('rules on images outside pods (Dockerfile, compose, Helm values)', () => {
  it('only the tag rule applies; there is no pull policy to default', () => {
    expect(rules('nginx:1.27')).toEqual([]);
    expect(rules('nginx')).toEqual(['mutable-tag']);
    expect(rules(`nginx:latest@sha256:${A}`)).toEqual([]);
  });

  it('skipped occurrences are never linted', () => {
    const skipped = { ...occ('nginx'), status: 'skipped' as const, skipReason: 'variable' };
    delete skipped.ref;
    expect(lintOccurrences([skipped])).toEqual([]);
  });
});

describe('findings', () => {
  it('carry file, position, severity, message naming the image, and the fix', () => {
    const [finding] = lintOccurrences([occ('nginx:latest', {})]);
    expect(finding).toEqual({
      ruleId: 'mutable-tag',
      severity: 'error',
      file: 'deploy.yaml',
      line: 3,
      column: 14,
      message: expect.stringContaining('nginx:latest'),
      fix: expect.stringContaining('digestpin pin'),
    });
  });

  it('are sorted by file, line, column; hasErrors sees errors only', () => {
    const a = { ...occ('nginx:1.27', {}), file: 'b.yaml', line: 1 };
    const b = { ...occ('redis:7', {}), file: 'a.yaml', line: 9 };
    const c = { ...occ('redis:7', {}), file: 'a.yaml', line: 2 };
    const findings = lintOccurrences([a, b, c]);
    expect(findings.map((f) => `${f.file}:${f.line}`)).toEqual(['a.yaml:2', 'a.yaml:9', 'b.yaml:1']);
    expect(hasErrors(findings)).toBe(false);
    expect(hasErrors(lintOccurrences([occ('nginx', {})]))).toBe(true);
  });

  it('every rule has a distinct id, a severity, a summary and a one-line fix', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.fix).not.toMatch(/\n/);
      expect(rule.summary).not.toBe('');
    }
  });
});

describe('hasPullPolicy', () => {
  it.each<[string, Partial<Occurrence>, boolean]>([
    ['pod container', { kind: 'container', path: 'spec.containers[0].image' }, true],
    ['Prometheus CR spec.image', { kind: 'crd:Prometheus', path: 'spec.image' }, true],
    ['ConfigMap value', { kind: 'configmap:queue-sidecar-image', path: 'data.queue-sidecar-image' }, false],
    ['Knative caching Image', { kind: 'crd:Image', path: 'spec.image' }, false],
  ])('%s → %s', (_name, extra, expected) => {
    expect(hasPullPolicy(occ(`nginx@sha256:${A}`, {}, extra))).toBe(expected);
    expect(hasPullPolicy(occ(`nginx@sha256:${A}`, undefined, extra))).toBe(false);
  });

  it('no policy rules fire where there is no pull policy', () => {
    const o = occ(`nginx:latest@sha256:${A}`, {}, { kind: 'crd:Image', path: 'spec.image' });
    expect(lintOccurrences([o])).toEqual([]);
  });
});
