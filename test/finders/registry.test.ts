import { describe, expect, it } from 'vitest';
import { findAll, finders, findersFor, registerFinder } from '../../src/finders/registry.js';
import type { Finder } from '../../src/finders/types.js';

const ids = (file: string, text = '') => findersFor(file, text).map((f) => f.id);

describe('finder registry', () => {
  it('registers the built-in finders by id', () => {
    expect([...finders.keys()]).toEqual(expect.arrayContaining(['helm-template', 'kustomize', 'kubernetes']));
  });

  it.each([
    ['deploy/app.yaml', 'kind: Deployment\n', ['kubernetes']],
    ['deploy/app.YML', '', ['kubernetes']],
    ['base/kustomization.yaml', '', ['kustomize']],
    ['base/kustomization.yml', '', ['kustomize']],
    ['base/Kustomization', '', ['kustomize']],
    ['base/extra.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n', ['kustomize', 'kubernetes']],
    ['chart/templates/deploy.yaml', 'image: {{ .Values.image }}\n', ['helm-template']],
    ['chart/templates/plain.yaml', 'kind: Pod\n', ['kubernetes']],
    ['README.md', '', []],
  ])('%s → %j', (file, text, expected) => {
    expect(ids(file, text).filter((id) => ['helm-template', 'kustomize', 'kubernetes'].includes(id))).toEqual(expected);
  });

  it('lets an exclusive finder claim a file alone, and findAll merge results in offset order', () => {
    const custom: Finder = {
      id: 'test-exclusive',
      matches: (file) => file.endsWith('.special.yaml'),
      find: (file) => ({ occurrences: [{ file, line: 1, column: 1, span: { start: 0, end: 1, raw: 'x' }, finder: 'test-exclusive', kind: 'x', status: 'skipped', skipReason: 'test' }] }),
    };
    registerFinder(custom, { exclusive: true });
    try {
      expect(ids('a.special.yaml')).toEqual(['test-exclusive']);
      expect(findAll('a.special.yaml', 'kind: Pod').occurrences).toHaveLength(1);
    } finally {
      finders.delete(custom.id);
    }
    expect(ids('a.special.yaml')).toContain('kubernetes');
  });
});
