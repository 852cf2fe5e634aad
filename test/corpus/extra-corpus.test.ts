import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './corpus-path.js';
import { ciFinder } from '../../src/finders/ci.js';
import { composeFinder } from '../../src/finders/compose.js';
import { dockerfileFinder } from '../../src/finders/dockerfile.js';
import { helmValuesFinder } from '../../src/finders/helm-values.js';
import type { Finder, FinderOptions, Occurrence } from '../../src/finders/types.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import { pinEdits, STUB_DIGEST } from '../lint/fixture-pairs.js';

// The Dockerfile, Compose, Helm values and Helm chart files of the shared corpus,
// with the hand counts of EXPECTED.md (P = to pin, D = already pinned, S = skipped).

interface Expectation {
  file: string;
  finder: Finder;
  P: number;
  D: number;
  S: number;
  /** lines of the P, D and S occurrences in file order (Helm maps: the repository/image line). */
  lines?: number[];
  options?: FinderOptions;
}

// Deliberate choices:
// - ingress-nginx values: `defaultBackend.image` has no `digest` key. EXPECTED.md counts it P
//   ("pinning means inserting a key"); the issue says a map without a digest field is reported
//   as skipped ("chart has no digest field") rather than inventing a key the templates may not
//   read. So P 0, D 2, S 1 here, and the file stays byte-identical.
// - openstack-helm glance values: `images.tags` is openstack-helm's documented image map, so its
//   14 full references are P (EXPECTED.md's primary figure); `conf…image: 'service/storage/image'`
//   (no tag) and the `endpoints.image` mapping (no repository) are not images.
// - compose full-example: the service with `build:` is S (`build-image`), the primary figure 0.
// - Dockerfiles: `# syntax=` directives and ARG defaults are never pinned; COPY --from only with
//   `dockerfileCopyFrom` (checked separately below: awesome-compose backend FIND 3).
const EXPECTED: Expectation[] = [
  { file: 'dockerfile/argoproj__argo-cd__Dockerfile', finder: dockerfileFinder, P: 0, D: 3, S: 2, lines: [7, 38, 102, 122, 152] },
  { file: 'dockerfile/docker__awesome-compose__nginx-aspnet-mysql__backend__Dockerfile', finder: dockerfileFinder, P: 2, D: 0, S: 3, lines: [3, 10, 16, 33, 37] },
  { file: 'dockerfile/docker__cli__Dockerfile', finder: dockerfileFinder, P: 0, D: 0, S: 23 },
  { file: 'dockerfile/kubernetes__ingress-nginx__images__test-runner__rootfs__Dockerfile', finder: dockerfileFinder, P: 0, D: 0, S: 3, lines: [18, 19, 21] },
  { file: 'dockerfile/prometheus__prometheus__Dockerfile', finder: dockerfileFinder, P: 1, D: 0, S: 0, lines: [1] },
  { file: 'compose/docker__awesome-compose__wasmedge-kafka-mysql__compose.yml', finder: composeFinder, P: 2, D: 0, S: 1, lines: [3, 22, 34] },
  { file: 'compose/docker__cli__cli__compose__loader__full-example.yml', finder: composeFinder, P: 0, D: 0, S: 1, lines: [164] },
  { file: 'compose/docker__cli__e2e__stack__testdata__full-stack.yml', finder: composeFinder, P: 2, D: 0, S: 0, lines: [5, 8] },
  {
    file: 'compose/getsentry__self-hosted__docker-compose.yml', finder: composeFinder, P: 7, D: 1, S: 11,
    lines: [47, 110, 126, 138, 146, 164, 178, 197, 238, 276, 448, 463, 599, 610, 633, 654, 683, 706, 731],
  },
  { file: 'helm-values/bitnami__charts__bitnami__postgresql__values.yaml', finder: helmValuesFinder, P: 3, D: 0, S: 0, lines: [125, 1614, 1723] },
  { file: 'helm-values/cert-manager__cert-manager__deploy__charts__cert-manager__values.yaml', finder: helmValuesFinder, P: 0, D: 0, S: 5, lines: [191, 1035, 1421, 1492, 1662] },
  { file: 'helm-values/kubernetes__ingress-nginx__charts__ingress-nginx__values.yaml', finder: helmValuesFinder, P: 0, D: 2, S: 1, lines: [29, 852, 1031] },
  { file: 'helm-values/openstack__openstack-helm__glance__values.yaml', finder: helmValuesFinder, P: 14, D: 0, S: 0, lines: [37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 49, 50, 51] },
  {
    file: 'helm-values/prometheus-community__helm-charts__charts__kube-prometheus-stack__values.yaml', finder: helmValuesFinder, P: 6, D: 0, S: 4,
    lines: [47, 53, 1020, 3012, 3131, 3525, 3552, 3573, 4346, 5540],
  },
  // Chart.yaml is no values file: its `annotations.images` block scalar is never touched.
  { file: 'helm-chart/bitnami__charts__bitnami__postgresql__Chart.yaml', finder: helmValuesFinder, P: 0, D: 0, S: 0 },
];

const FINDERS = [dockerfileFinder, composeFinder, helmValuesFinder, ciFinder];

function tally(occurrences: Occurrence[]): { P: number; D: number; S: number } {
  const count = (status: Occurrence['status']): number => occurrences.filter((o) => o.status === status).length;
  return { P: count('unpinned'), D: count('pinned'), S: count('skipped') };
}

function read(file: string): string {
  return readFileSync(path.join(CORPUS, file), 'utf8');
}

describe('extra corpus: Dockerfile, Compose, Helm values and chart files', () => {
  it.each(EXPECTED.map((e) => [e.file, e] as const))('%s', (file, e) => {
    const text = read(file);
    // The corpus prefixes names with owner__repo__; the finders see the real base name.
    const realName = file.split('__').pop()!;
    expect(FINDERS.filter((f) => f.matches(realName, text))).toEqual(e.P + e.D + e.S > 0 ? [e.finder] : []);
    const { occurrences } = e.finder.find(realName, text, e.options ?? {});
    expect(tally(occurrences)).toEqual({ P: e.P, D: e.D, S: e.S });
    if (e.lines) expect(occurrences.map((o) => o.line)).toEqual(e.lines);

    const edits = pinEdits(occurrences, text);
    const out = applyEdits(text, edits);
    if (e.P === 0) expect(out).toBe(text);
    expect(edits).toHaveLength(e.P);

    // Byte identity outside the edited values: only P lines change, and each changed
    // line is the original with the stub digest spliced in at the occurrence.
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length);
    const editedLines = new Set(edits.map((edit) => text.slice(0, edit.start).split('\n').length - 1));
    const hex = STUB_DIGEST.slice('sha256:'.length);
    before.forEach((line, i) => {
      if (!editedLines.has(i)) return expect(after[i]).toBe(line);
      const at = [...after[i]!.matchAll(new RegExp(`(sha256:)?${hex}`, 'g'))];
      expect(at).toHaveLength(1);
      const inserted = at[0]![0];
      const removed = after[i]!.slice(0, at[0]!.index) + after[i]!.slice(at[0]!.index + inserted.length);
      expect(removed.replace(/@$|@(?=[\s"'])/, '')).toBe(line);
    });

    // Idempotent: the output has nothing left to pin and pins to itself.
    const again = e.finder.find(realName, out, e.options ?? {});
    expect(tally(again.occurrences)).toEqual({ P: 0, D: e.D + e.P, S: e.S });
    expect(applyEdits(out, pinEdits(again.occurrences, out))).toBe(out);
  });

  it('COPY --from=<image> is pinned only when opted in (awesome-compose backend: FIND 3)', () => {
    const file = 'dockerfile/docker__awesome-compose__nginx-aspnet-mysql__backend__Dockerfile';
    const { occurrences } = dockerfileFinder.find('Dockerfile', read(file), { dockerfileCopyFrom: true });
    expect(tally(occurrences)).toEqual({ P: 3, D: 0, S: 4 });
    expect(occurrences.filter((o) => o.kind === 'copy-from').map((o) => `${o.line} ${o.status} ${o.span.raw}`)).toEqual([
      '29 unpinned gloursdocker/docker',
      '40 skipped publisher',
    ]);
  });

  it('prometheus Dockerfile keeps its 8 spaces after FROM', () => {
    const text = read('dockerfile/prometheus__prometheus__Dockerfile');
    const out = applyEdits(text, pinEdits(dockerfileFinder.find('Dockerfile', text, {}).occurrences, text));
    expect(out.split('\n')[0]).toBe(`FROM        quay.io/prometheus/busybox:latest@${STUB_DIGEST}`);
  });

  it('sentry compose: the anchored snuba and sentry images are each one occurrence; quotes survive', () => {
    const text = read('compose/getsentry__self-hosted__docker-compose.yml');
    const out = applyEdits(text, pinEdits(composeFinder.find('docker-compose.yml', text, {}).occurrences, text));
    expect(out.split('\n')[137]).toBe(`    image: "memcached:1.6.45-alpine@${STUB_DIGEST}"`);
    expect(out.split('\n')[125]).toBe(`    image: registry.gitlab.com/egos-tech/smtp@${STUB_DIGEST}`);
  });

  it('Helm digest fields: Bitnami gets `sha256:…`, kube-prometheus-stack `sha:` gets bare hex', () => {
    const bitnami = read('helm-values/bitnami__charts__bitnami__postgresql__values.yaml');
    const b = applyEdits(bitnami, pinEdits(helmValuesFinder.find('values.yaml', bitnami, {}).occurrences, bitnami));
    expect(b.split('\n')[126]).toBe(`  digest: "${STUB_DIGEST}"`);
    const kps = read('helm-values/prometheus-community__helm-charts__charts__kube-prometheus-stack__values.yaml');
    const k = applyEdits(kps, pinEdits(helmValuesFinder.find('values.yaml', kps, {}).occurrences, kps));
    expect(k.split('\n')[48]).toBe(`        sha: "${STUB_DIGEST.slice(7)}"`);
  });
});
