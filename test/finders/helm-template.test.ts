import { describe, expect, it } from 'vitest';
import { findHelmTemplateImages, helmTemplateFinder } from '../../src/finders/helm-template.js';
import { source } from './helpers.js';

describe('helm-template guard', () => {
  it('matches only templates/ files (or .tpl/.gotmpl) that contain {{', () => {
    expect(helmTemplateFinder.matches('chart/templates/deploy.yaml', 'image: {{ .Values.image }}')).toBe(true);
    expect(helmTemplateFinder.matches('chart\\templates\\deploy.yaml', '{{- if .Values.x }}')).toBe(true);
    expect(helmTemplateFinder.matches('helmfile.yaml.gotmpl', '{{ env "X" }}')).toBe(true);
    expect(helmTemplateFinder.matches('chart/templates/plain.yaml', 'image: nginx:1')).toBe(false);
    expect(helmTemplateFinder.matches('deploy/app.yaml', 'image: "{{ .Values.image }}"')).toBe(false);
  });

  it('reports every image: line as skipped helm-template, with the value inside quotes as span', () => {
    const text = source`
      spec:
        containers:
        - name: a
          image: {{ .Values.image.repository }}:{{ .Values.image.tag }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
        - image: "{{ .Values.registry }}/x:{{ .tag }}@sha256:{{ .sha }}"  # pinned upstream
          {{- with .Values.image }}
          'image': busybox:1.36
          image:
    `;
    const found = findHelmTemplateImages('chart/templates/ds.yaml', text).occurrences;
    expect(found.map((o) => [o.line, o.column, o.span.raw, o.status, o.skipReason])).toEqual([
      [4, 12, '{{ .Values.image.repository }}:{{ .Values.image.tag }}', 'skipped', 'helm-template'],
      [6, 13, '{{ .Values.registry }}/x:{{ .tag }}@sha256:{{ .sha }}', 'skipped', 'helm-template'],
      [8, 14, 'busybox:1.36', 'skipped', 'helm-template'],
    ]);
    for (const o of found) expect(text.slice(o.span.start, o.span.end)).toBe(o.span.raw);
    expect(found.every((o) => o.plan === undefined && o.ref === undefined)).toBe(true);
  });
});
