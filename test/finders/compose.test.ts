import { describe, expect, it } from 'vitest';
import { composeFinder, findComposeImages, matchesCompose } from '../../src/finders/compose.js';
import { isPinError } from '../../src/errors.js';
import { fixturePairs, pinText } from '../lint/fixture-pairs.js';

function summary(text: string): string[] {
  return findComposeImages('compose.yaml', text).occurrences.map(
    (o) => `${o.line}:${o.column} ${o.path} ${o.status}${o.skipReason ? `(${o.skipReason})` : ''} ${o.span.raw}`,
  );
}

describe('compose finder: fixture pairs', () => {
  for (const pair of fixturePairs('fixtures/finders', 'compose-')) {
    it(`${pair.dir}/${pair.file} pins byte-exactly and is idempotent`, () => {
      expect(composeFinder.matches(pair.file, pair.input)).toBe(true);
      const { out } = pinText(composeFinder.find, pair.file, pair.input, pair.options);
      expect(out).toBe(pair.expected);
      const again = pinText(composeFinder.find, pair.file, out, pair.options);
      expect(again.out).toBe(out);
      expect(again.occurrences.filter((o) => o.status === 'unpinned')).toEqual([]);
    });
  }
});

describe('compose finder: classification', () => {
  it('reports one occurrence per physical scalar, with build and variable skips', () => {
    const { input } = fixturePairs('fixtures/finders', 'compose-basic')[0]!;
    expect(summary(input)).toEqual([
      '5:11 services.cache-a.image unpinned redis:7.2',
      '7:10 services.worker.image skipped(build-image) shop-local',
      '13:13 services.web.image unpinned nginx:1.27',
      '16:12 services.api.image unpinned ghcr.io/acme/api',
      '26:12 services.worker-override.image skipped(build-image) shop-worker-local',
      '28:13 services.env.image skipped(variable) ${REGISTRY:-docker.io}/acme/env:1',
      '30:12 services.env2.image skipped(variable) $IMAGE',
      `32:12 services.pinned.image pinned postgres:16@sha256:${'c'.repeat(64)}`,
      '34:13 services.dollar.image unpinned busybox:1.36',
      '36:12 services.pull-build.image skipped(build-image) acme/tool:1',
      '39:12 services.dotted.image unpinned registry:5000/team/app:frozen',
    ]);
  });

  it('an anchored image used by a built service and a pulled one is a build tag', () => {
    const text = 'x: &img app:1\nservices:\n  a:\n    image: *img\n  b:\n    image: *img\n    build: .\n';
    expect(summary(text)).toEqual(['1:9 services.a.image skipped(build-image) app:1']);
  });

  it('explicit keys override merged ones; earlier merge sources win', () => {
    const text = [
      'x-a: &a {image: "first:1"}',
      'x-b: &b {image: "second:1", build: .}',
      'services:',
      '  s:',
      '    <<: [*a, *b]',
      '',
    ].join('\n');
    // `first:1` comes from *a; `build` comes from *b, so the service builds it.
    expect(summary(text)).toEqual(['1:18 services.s.image skipped(build-image) first:1']);
  });

  it('`build: null` is no build; files without services yield nothing', () => {
    expect(summary('services:\n  a:\n    image: a:1\n    build:\n')).toEqual(['3:12 services.a.image unpinned a:1']);
    expect(summary('version: "3"\n')).toEqual([]);
    expect(summary('')).toEqual([]);
  });

  it('escaped double-quoted scalars are skipped rather than rewritten wrongly', () => {
    expect(summary('services:\n  a:\n    image: "nginx\\x3a1"\n')).toEqual([
      '3:13 services.a.image skipped(non-literal-scalar) nginx\\x3a1',
    ]);
  });

  it('throws YAML_SYNTAX with file:line:col for malformed YAML', () => {
    try {
      findComposeImages('compose.yaml', 'services:\n  a: [\n');
      expect.unreachable();
    } catch (err) {
      expect(isPinError(err, 'YAML_SYNTAX')).toBe(true);
      expect((err as Error).message).toMatch(/^compose\.yaml:\d+:\d+: /);
    }
  });
});

describe('compose finder: file names', () => {
  it.each([
    ['compose.yaml', true],
    ['compose.yml', true],
    ['compose.override.yaml', true],
    ['docker-compose.yml', true],
    ['deploy/docker-compose.prod.yaml', true],
    ['my-compose.yaml', false],
    ['compose.json', false],
    ['values.yaml', false],
  ])('%s → %s', (file, expected) => {
    expect(matchesCompose(file)).toBe(expected);
  });
});

describe('compose finder: content sniffing for other YAML names', () => {
  it.each([
    ['docker-stack.yml', 'version: "3.8"\nservices:\n  web:\n    image: nginx:1\n', true],
    ['full-example.yml', 'services:\n\n  # comment\n  foo:\n    build: .\n', true],
    ['deploy.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nservices:\n  a: b\n', false],
    ['.gitlab-ci.yml', 'services:\n  - postgres:16\n', false],
    ['ci.gitlab-ci.yml', 'services:\n  db:\n    image: x:1\n', false],
    ['values.yaml', 'services:\n  web:\n    image: nginx:1\n', false],
    ['.github/workflows/ci.yml', 'services:\n  web:\n    image: nginx:1\n', false],
    ['notes.txt', 'services:\n  web:\n    image: nginx:1\n', false],
    ['stack.yaml', 'services: {web: {image: nginx:1}}\n', false],
  ])('%s (case %#)', (file, text, expected) => {
    expect(composeFinder.matches(file, text)).toBe(expected);
  });
});
