import { describe, expect, it } from 'vitest';
import { findHelmValuesImages, helmValuesFinder, matchesHelmValues } from '../../src/finders/helm-values.js';
import { fixturePairs, pinText } from '../lint/fixture-pairs.js';
import { source } from './helpers.js';

function summary(text: string): string[] {
  return findHelmValuesImages('values.yaml', text).occurrences.map((o) => {
    const status = `${o.status}${o.skipReason ? `(${o.skipReason})` : ''}`;
    const ref = o.ref ? ` ${o.ref.toString()}` : '';
    return `${o.line} ${o.path} ${status}${ref}`;
  });
}

describe('helm-values finder: fixture pairs', () => {
  for (const pair of fixturePairs('fixtures/finders', 'helm-values-')) {
    it(`${pair.dir}/${pair.file} pins byte-exactly and is idempotent`, () => {
      expect(helmValuesFinder.matches(pair.file, pair.input)).toBe(true);
      const { out } = pinText(helmValuesFinder.find, pair.file, pair.input, pair.options);
      expect(out).toBe(pair.expected);
      const again = pinText(helmValuesFinder.find, pair.file, out, pair.options);
      expect(again.out).toBe(out);
      expect(again.occurrences.filter((o) => o.status === 'unpinned')).toEqual([]);
    });
  }
});

const A = 'a'.repeat(64);

describe('helm-values finder: shapes', () => {
  it('bitnami maps: empty, null and filled digests, empty tag', () => {
    const { input } = fixturePairs('fixtures/finders', 'helm-values-bitnami')[0]!;
    expect(summary(input)).toEqual([
      '8 image unpinned docker.io/bitnami/postgresql:17.6.0-debian-12-r4',
      '17 metrics.image unpinned docker.io/bitnami/postgres-exporter:0.17.1',
      '25 volumePermissions.image unpinned docker.io/bitnami/os-shell:12-debian-12-r51',
      `32 pinned.image pinned docker.io/bitnami/redis:7.4.1@sha256:${A}`,
      '39 appVersionTag.image skipped(incomplete)',
    ]);
  });

  it('`sha` fields hold bare hex (withAlgorithm false); sub-chart overrides without a name are ignored', () => {
    const { input } = fixturePairs('fixtures/finders', 'helm-values-sha')[0]!;
    const found = findHelmValuesImages('values.yaml', input).occurrences;
    expect(summary(input)).toEqual([
      '6 crds.upgradeJob.image.busybox unpinned docker.io/library/busybox:latest',
      '11 crds.upgradeJob.image.kubectl skipped(incomplete)',
      '17 prometheusOperator.thanosImage unpinned quay.io/thanos/thanos:v0.42.4',
      `22 prometheusOperator.pinnedImage pinned quay.io/prometheus/prometheus:v3.1.0@sha256:${A}`,
    ]);
    expect(found.map((o) => (o.plan?.type === 'digest-field' ? o.plan.withAlgorithm : undefined))).toEqual([
      false, undefined, false, false,
    ]);
  });

  it('ingress-nginx maps use global.image.registry; no digest field is a skip, not an invented key', () => {
    const { input } = fixturePairs('fixtures/finders', 'helm-values-ingress')[0]!;
    expect(summary(input)).toEqual([
      '7 controller.image unpinned registry.k8s.io/ingress-nginx/controller:v1.15.1',
      '16 controller.admissionWebhooks.patch.image unpinned example.com:5000/certgen:v1.6.9',
      '21 defaultBackend.image skipped(chart has no digest field)',
      '27 custom.image unpinned quay.io/acme/full:2.0',
    ]);
  });

  it('image strings need a tag; images.tags maps are full references; non-images are left alone', () => {
    const { input } = fixturePairs('fixtures/finders', 'helm-values-strings')[0]!;
    expect(summary(input)).toEqual([
      '4 images.tags.api unpinned quay.io/airshipit/glance:2026.1-ubuntu_noble',
      '6 images.tags.dep_check unpinned quay.io/airshipit/kubernetes-entrypoint',
      '7 images.tags.templated skipped(helm-template)',
      '10 sidecar.image unpinned docker.io/library/nginx:1.27',
      '11 sidecar.sidecarImage unpinned docker.io/library/busybox:1.36',
      '22 templated.image skipped(helm-template)',
    ]);
  });

  it('global.imageRegistry overrides a map registry (Bitnami semantics)', () => {
    const text = source`
      global:
        imageRegistry: mirror.example.com
      image:
        registry: docker.io
        repository: bitnami/nginx
        tag: "1.27"
        digest: ""
    `;
    expect(summary(text)).toEqual(['5 image unpinned mirror.example.com/bitnami/nginx:1.27']);
  });

  it('a repository with a tag in it, a tag carrying a digest, and invalid digests', () => {
    const text = source`
      a:
        image:
          repository: nginx:1.27
          digest: ""
      b:
        image:
          repository: nginx
          tag: 1.27@sha256:${A}
      c:
        image:
          repository: nginx
          tag: "1.27"
          sha: sha256:${A}
      d:
        image:
          repository: nginx
          tag: 1.10
          digest: ""
    `;
    expect(summary(text)).toEqual([
      '3 a.image unpinned docker.io/library/nginx:1.27',
      `7 b.image pinned docker.io/library/nginx:1.27@sha256:${A}`,
      expect.stringMatching(/^11 c\.image skipped\(invalid-digest: sha /),
      '16 d.image unpinned docker.io/library/nginx:1.10',
    ]);
  });

  it('anchored image maps are reported once, at the physical map', () => {
    const text = source`
      base: &img
        repository: nginx
        tag: "1.27"
        digest: ""
      web:
        image: *img
      api:
        image: *img
    `;
    expect(summary(text)).toEqual(['2 base unpinned docker.io/library/nginx:1.27']);
  });

  it('a `repository` key elsewhere (git settings) is not an image map', () => {
    expect(summary('git:\n  repository: https://github.com/acme/app\n  branch: main\n')).toEqual([]);
  });
});

describe('helm-values finder: file names', () => {
  it.each([
    ['values.yaml', true],
    ['charts/app/values.yml', true],
    ['values-production.yaml', true],
    ['values.schema.json', false],
    ['Chart.yaml', false],
    ['templates/deployment.yaml', false],
    ['myvalues.yaml', false],
  ])('%s → %s', (file, expected) => {
    expect(matchesHelmValues(file)).toBe(expected);
  });
});
