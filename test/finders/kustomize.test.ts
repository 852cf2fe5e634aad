import { describe, expect, it } from 'vitest';
import { findKustomizeImages, kustomizeFinder } from '../../src/finders/kustomize.js';
import { source } from './helpers.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const find = (text: string, file = 'kustomization.yaml') => findKustomizeImages(file, text).occurrences;

describe('kustomize finder: images[] entries', () => {
  it.each([
    ['newTag only', 'name: nginx\n  newTag: "1.25"', 'unpinned', 'docker.io/library/nginx:1.25', undefined],
    ['newName + newTag', 'name: nginx\n  newName: ghcr.io/acme/nginx\n  newTag: v1', 'unpinned', 'ghcr.io/acme/nginx:v1', undefined],
    ['numeric-looking tag keeps its text', 'name: app\n  newTag: 1.10', 'unpinned', 'docker.io/library/app:1.10', undefined],
    ['newTag + digest', `name: nginx\n  newTag: "1.25"\n  digest: ${DIGEST}`, 'pinned', `docker.io/library/nginx:1.25@${DIGEST}`, undefined],
    ['digest only', `name: nginx\n  digest: "${DIGEST}"`, 'pinned', `docker.io/library/nginx@${DIGEST}`, undefined],
    ['no newTag, no digest', 'name: fluxcd/source-controller\n  newName: ghcr.io/fluxcd/source-controller', 'skipped', undefined, 'no-tag'],
    ['empty digest, no tag', 'name: nginx\n  digest: ""', 'skipped', undefined, 'no-tag'],
    ['truncated digest', 'name: docker\n  newName: my-docker2\n  digest: sha256:25a0d4', 'skipped', undefined, /^invalid-digest: sha256 digest must be 64 hex characters/],
    ['templated tag', 'name: app\n  newTag: ${VERSION}', 'skipped', undefined, 'variable'],
    ['invalid name', 'name: Not_Valid\n  newTag: v1', 'skipped', undefined, /^invalid-reference: /],
  ])('%s', (_label, entry, status, ref, reason) => {
    const [occurrence] = find(`images:\n- ${entry}\n`);
    expect(occurrence).toMatchObject({ finder: 'kustomize', kind: 'kustomize-image', path: 'images[0]', status });
    expect(occurrence?.ref?.toString()).toBe(ref);
    if (reason === undefined) expect(occurrence?.skipReason).toBeUndefined();
    else expect(occurrence?.skipReason).toMatch(reason);
  });

  it('reports the newTag scalar (or name) as the span, for line numbers', () => {
    const occurrences = find('images:\n- name: a\n  newTag: v1\n- name: b\n  digest: ' + DIGEST + '\n');
    expect(occurrences.map((o) => [o.line, o.column, o.span.raw])).toEqual([[3, 11, 'v1'], [4, 9, 'b']]);
  });

  it('plans an update of an existing digest value (inside quotes) or an insert after the last name/newName/newTag line', () => {
    const text = source`
      images:
        - name: a
          newTag: v1
          digest: 'sha256:old'
        - newTag: v2
          newName: b2
          name: b
          # comment
        - {name: c, newTag: v3}
    `;
    const [a, b, c] = find(text);
    expect(a?.skipReason).toMatch(/^invalid-digest/);
    expect(a?.plan).toBeUndefined();
    expect(b?.plan).toEqual({ type: 'digest-field', withAlgorithm: true, insert: { offset: text.indexOf('    # comment'), indent: '    ', key: 'digest', eol: '\n' }, tag: { start: text.indexOf('v2'), end: text.indexOf('v2') + 2, raw: 'v2' } });
    expect(c?.plan).toEqual({ type: 'digest-field', withAlgorithm: true, insert: { offset: text.indexOf('v3') + 2, indent: ', ', key: 'digest', eol: '' }, tag: { start: text.indexOf('v3'), end: text.indexOf('v3') + 2, raw: 'v3' } });
    const [updated] = find(`images:\n- name: a\n  newTag: v1\n  digest: "${DIGEST}"\n`);
    expect(updated?.plan).toMatchObject({ type: 'digest-field', value: { raw: DIGEST } });
  });

  it('marks an insert on a last line without a final newline', () => {
    const text = 'images:\r\n- name: a\r\n  newTag: v1';
    const [occurrence] = find(text);
    expect(occurrence?.plan).toEqual({ type: 'digest-field', withAlgorithm: true, insert: { offset: text.length, indent: '  ', key: 'digest', eol: '\r\n', atEndWithoutNewline: true }, tag: { start: text.length - 2, end: text.length, raw: 'v1' } });
  });

  it('reads kustomization files by name, and other YAML only for kind Kustomization/Component documents', () => {
    const text = 'images:\n- name: a\n  newTag: v1\n';
    expect(find(text, 'base/Kustomization')).toHaveLength(1);
    expect(find(text, 'base/other.yaml')).toHaveLength(0);
    expect(find(`kind: Component\n${text}`, 'base/other.yaml')).toHaveLength(1);
    expect(kustomizeFinder.matches('a/kustomization.yml', '')).toBe(true);
    expect(kustomizeFinder.matches('a/other.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n')).toBe(true);
    expect(kustomizeFinder.matches('a/other.yaml', 'kind: Deployment\n')).toBe(false);
  });

  it('ignores entries without a name and non-mapping items', () => {
    expect(find('images:\n- newTag: v1\n- just-a-string\n- name: ""\n')).toEqual([]);
  });
});
