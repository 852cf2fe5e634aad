import { describe, expect, it } from 'vitest';
import { isTemplated, parseReference } from '../../src/reference/index.js';

describe('isTemplated', () => {
  it.each([
    ['{{ .Values.image }}', 'helm-template'],
    ['{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}', 'helm-template'],
    ['ghcr.io/org/app:{{ .Chart.AppVersion }}', 'helm-template'],
    ['{{- include "app.image" . }}', 'helm-template'],
    // Argo Workflows variables are labelled by their real origin (issue 12 item 3).
    ['{{inputs.parameters.image}}', 'argo-parameter'],
    ['{{ inputs.parameters.image }}', 'argo-parameter'],
    ['ghcr.io/org/app:{{workflow.parameters.tag}}', 'argo-parameter'],
    ['{{item}}', 'argo-parameter'],
    ['{{item.image}}', 'argo-parameter'],
    ['{{steps.build.outputs.result}}', 'argo-parameter'],
    ['{{tasks.build.outputs.parameters.image}}', 'argo-parameter'],
    ['{{=sprig.trim(inputs.parameters.image)}}', 'argo-parameter'],
    ['{{ .Values.inputs }}', 'helm-template'],
    ['{{ itemized }}', 'helm-template'],
    ['{% if prod %}nginx:1{% else %}nginx:2{% endif %}', 'jinja-template'],
    ['${REGISTRY}/app:1.0', 'variable'],
    ['${REGISTRY:-docker.io}/app', 'variable'],
    ['$REGISTRY/app', 'variable'],
    ['app:$TAG', 'variable'],
    ['registry.local/app:${_TAG}', 'variable'],
    ['$(params.image)', 'tekton-param'],
    ['$(params.registry)/app:$(params.tag)', 'tekton-param'],
    ['$(inputs.params.image)', 'tekton-param'],
    ['$(tasks.build.results.image-digest)', 'tekton-param'],
    ["$(params['image'])", 'tekton-param'],
    ['$( params.image )', 'tekton-param'],
    ['$(IMAGE)', 'substitution'],
    ['$(cat image.txt)', 'substitution'],
    ['ko://github.com/knative/serving/cmd/activator', 'ko-import-path'],
    ['ko://./cmd/app', 'ko-import-path'],
  ])('%s -> %s', (value, reason) => {
    expect(isTemplated(value)).toBe(reason);
  });

  it.each([
    'nginx',
    'nginx:1.25',
    `gcr.io/knative-releases/knative.dev/serving/cmd/activator@sha256:${'a'.repeat(64)}`,
    'registry:5000/alpine:frozen',
    '[::1]:5000/app',
    'ko.example.com/app', // a registry called "ko", not a ko import path
    'app:v1-$', // a stray "$" is a plain (invalid) reference, not a variable
    'price$5',
    '',
  ])('%s is not templated', (value) => {
    expect(isTemplated(value)).toBeUndefined();
  });

  it('marks values the parser would reject, so callers skip instead of failing', () => {
    for (const value of ['${REGISTRY}/app', '{{ .Values.image }}', '$(params.image)', 'ko://example.com/cmd']) {
      expect(isTemplated(value)).toBeDefined();
      expect(() => parseReference(value)).toThrow();
    }
  });
});
