import { describe, expect, it } from 'vitest';
import { ciFinder, findCiImages, matchesCi } from '../../src/finders/ci.js';
import { fixturePairs, pinText } from '../lint/fixture-pairs.js';

function summary(file: string, text: string): string[] {
  return findCiImages(file, text).occurrences.map(
    (o) => `${o.line}:${o.column} ${o.kind} ${o.path} ${o.status}${o.skipReason ? `(${o.skipReason})` : ''} ${o.span.raw}`,
  );
}

describe('ci finder: fixture pairs', () => {
  for (const pair of fixturePairs('fixtures/finders', 'ci-')) {
    it(`${pair.dir}/${pair.file} pins byte-exactly and is idempotent`, () => {
      expect(ciFinder.matches(pair.file, pair.input)).toBe(true);
      const { out } = pinText(ciFinder.find, pair.file, pair.input, pair.options);
      expect(out).toBe(pair.expected);
      const again = pinText(ciFinder.find, pair.file, out, pair.options);
      expect(again.out).toBe(out);
      expect(again.occurrences.filter((o) => o.status === 'unpinned')).toEqual([]);
    });
  }
});

const A = 'a'.repeat(64);

describe('ci finder: GitHub Actions', () => {
  it('finds container, services and docker:// steps; skips expressions', () => {
    const pair = fixturePairs('fixtures/finders', 'ci-github')[0]!;
    expect(summary(pair.file, pair.input)).toEqual([
      '8:16 gha-container jobs.test.container unpinned node:20-bookworm',
      '11:17 gha-service jobs.test.services.postgres.image unpinned postgres:16',
      `15:16 gha-service jobs.test.services.redis.image pinned redis@sha256:${A}`,
      '18:24 gha-step jobs.test.steps[1].uses unpinned alpine:3.20',
      '22:25 gha-step jobs.test.steps[2].uses unpinned ghcr.io/acme/lint:v1',
      '27:14 gha-container jobs.matrix.container.image skipped(github-expression) ${{ matrix.image }}',
      '36:14 gha-container jobs.build.container.image unpinned ghcr.io/acme/builder:2024.1',
    ]);
  });

  it('action metadata: runs.image docker:// only (a Dockerfile path is not an image)', () => {
    expect(summary('action.yaml', 'runs:\n  using: docker\n  image: Dockerfile\n')).toEqual([]);
    expect(summary('sub/action.yml', 'runs:\n  using: composite\n  steps:\n    - uses: docker://busybox:1\n')).toEqual([
      '4:22 gha-step runs.steps[0].uses unpinned busybox:1',
    ]);
  });
});

describe('ci finder: GitLab CI', () => {
  it('finds global, default, job and hidden-job images and services, once per scalar', () => {
    const pair = fixturePairs('fixtures/finders', 'ci-gitlab')[0]!;
    expect(summary(pair.file, pair.input)).toEqual([
      '1:8 gitlab-image image unpinned ruby:3.3',
      '4:5 gitlab-service services[0] unpinned postgres:16',
      '5:12 gitlab-service services[1].name unpinned redis:7',
      '14:11 gitlab-image default.image.name unpinned alpine:3.20',
      '18:10 gitlab-image .docker.image unpinned docker:27',
      '20:7 gitlab-service .docker.services[0] unpinned docker:27-dind',
      '29:10 gitlab-image deploy.image skipped(variable) $CI_REGISTRY_IMAGE:latest',
      `33:10 gitlab-image test.image pinned python@sha256:${A}`,
      '35:13 gitlab-service test.services[0].name skipped(variable) ${SERVICE_IMAGE}',
    ]);
  });
});

describe('ci finder: file names', () => {
  it.each([
    ['.github/workflows/ci.yml', true],
    ['repo/.github/workflows/release.yaml', true],
    ['.github/workflows/nested/ci.yml', false],
    ['.github/dependabot.yml', false],
    ['action.yml', true],
    ['.github/actions/setup/action.yaml', true],
    ['.gitlab-ci.yml', true],
    ['ci/templates/build.gitlab-ci.yml', true],
    ['.gitlab/ci/build.yml', true],
    ['gitlab-ci.yml', true],
    ['compose.yaml', false],
  ])('%s → %s', (file, expected) => {
    expect(matchesCi(file)).toBe(expected);
  });

  it('other files yield nothing', () => {
    expect(findCiImages('values.yaml', 'image: nginx:1\n').occurrences).toEqual([]);
  });
});
