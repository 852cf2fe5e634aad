import { describe, expect, it } from 'vitest';
import { dockerfileFinder, findDockerfileImages, matchesDockerfile } from '../../src/finders/dockerfile.js';
import { fixturePairs, pinText } from '../lint/fixture-pairs.js';

const find = dockerfileFinder.find;

function summary(text: string, copyFrom = false): string[] {
  return findDockerfileImages('Dockerfile', text, { dockerfileCopyFrom: copyFrom }).occurrences.map(
    (o) => `${o.line}:${o.column} ${o.kind} ${o.status}${o.skipReason ? `(${o.skipReason})` : ''} ${o.span.raw}`,
  );
}

describe('dockerfile finder: fixture pairs', () => {
  for (const pair of fixturePairs('fixtures/finders', 'dockerfile-')) {
    it(`${pair.dir}/${pair.file} pins byte-exactly and is idempotent`, () => {
      expect(dockerfileFinder.matches(pair.file, pair.input)).toBe(true);
      const { out } = pinText(find, pair.file, pair.input, pair.options);
      expect(out).toBe(pair.expected);
      const again = pinText(find, pair.file, out, pair.options);
      expect(again.out).toBe(out);
      expect(again.occurrences.filter((o) => o.status === 'unpinned')).toEqual([]);
    });
  }
});

describe('dockerfile finder: classification', () => {
  it('reports FROM positions, stages, scratch, variables and skips heredoc bodies', () => {
    const { input } = fixturePairs('fixtures/finders', 'dockerfile-basic')[0]!;
    expect(summary(input)).toEqual([
      '6:32 from unpinned golang:1.22',
      '10:9 from unpinned node:20-alpine',
      '13:6 from skipped(stage-reference) build',
      '16:6 from skipped(variable) build-${VARIANT}',
      '18:3 from unpinned python:3.12-slim',
      '31:6 from skipped(scratch) scratch',
      '32:6 from skipped(variable) ${BASE}',
      '33:6 from skipped(variable) $BASE',
      `34:6 from pinned gcr.io/distroless/static@sha256:${'a'.repeat(64)}`,
      `35:6 from pinned ubuntu:24.04@sha256:${'b'.repeat(64)}`,
      '36:6 from unpinned registry:5000/team/app:1.0',
    ]);
  });

  it('adds COPY --from only when asked: stage names (case-insensitive) are skipped', () => {
    const { input } = fixturePairs('fixtures/finders', 'dockerfile-basic')[0]!;
    const copies = summary(input, true).filter((s) => s.includes('copy-from'));
    expect(copies).toEqual([
      '27:13 copy-from skipped(stage-reference) build',
      '28:13 copy-from skipped(stage-reference) web',
      '29:20 copy-from unpinned nginx:1.27',
    ]);
  });

  it.each([
    ['ARG-substituted stage name', 'FROM alpine:3 AS build-alpine\nARG V=alpine\nFROM build-${V}\n', 'stage-reference'],
    ['global ARG default names a stage', 'ARG V=alpine\nFROM alpine:3 AS build-alpine\nFROM build-${V}\n', 'stage-reference'],
    ['fully variable image is not a stage', 'FROM alpine:3 AS a\nFROM ${IMAGE}\n', 'variable'],
    ['numeric COPY --from is a stage index', 'FROM alpine:3\nCOPY --from=0 /a /b\n', 'stage-reference'],
    ['invalid reference', 'FROM Alpine:3\n', 'invalid-reference'],
  ])('%s', (_name, text, reason) => {
    const skipped = findDockerfileImages('Dockerfile', text, { dockerfileCopyFrom: true }).occurrences.filter(
      (o) => o.status === 'skipped',
    );
    expect(skipped.map((o) => o.skipReason?.split(':')[0])).toEqual([reason]);
  });

  it('a stage is only known after its FROM', () => {
    expect(summary('FROM later\nFROM alpine:3 AS later\n')[0]).toBe('1:6 from unpinned later');
  });

  it('a stage name that is also a valid image is still the stage', () => {
    expect(summary('FROM golang:1.22 AS golang\nFROM golang\n')).toEqual([
      '1:6 from unpinned golang:1.22',
      '2:6 from skipped(stage-reference) golang',
    ]);
  });

  it('ignores parser directives, comments inside continuations and keeps spacing', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM \\\n# a comment\n\n    alpine:3.20 \\\n  AS base\n';
    expect(summary(text)).toEqual(['5:5 from unpinned alpine:3.20']);
  });

  it('a byte order mark does not hide the first instruction', () => {
    const text = '\uFEFFFROM alpine:3\n';
    const [o] = findDockerfileImages('Dockerfile', text, {}).occurrences;
    expect(o).toMatchObject({ line: 1, column: 7, span: { start: 6, end: 14, raw: 'alpine:3' } });
  });

  it('an unterminated heredoc swallows the rest of the file', () => {
    expect(summary('FROM alpine:3\nRUN <<EOF\nFROM evil:1\n')).toEqual(['1:6 from unpinned alpine:3']);
  });

  it('`<<<` here-strings are not heredocs', () => {
    expect(summary('FROM alpine:3\nRUN cat <<<EOF\nFROM b:1\n').map((s) => s.split(' ').pop())).toEqual(['alpine:3', 'b:1']);
  });
});

describe('dockerfile finder: file names', () => {
  it.each([
    ['Dockerfile', true],
    ['path/to/Dockerfile', true],
    ['Dockerfile.dev', true],
    ['api.Dockerfile', true],
    ['Containerfile', true],
    ['Containerfile.fedora', true],
    ['dockerfile', true],
    ['Dockerfile.dockerignore', false],
    ['Dockerfiles/readme.md', false],
    ['notDockerfile', false],
    ['compose.yaml', false],
  ])('%s → %s', (file, expected) => {
    expect(matchesDockerfile(file)).toBe(expected);
  });
});
