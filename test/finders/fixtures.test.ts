import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pinWithStub, type StubPinOptions } from './helpers.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/finders');

// Each case: fixtures/finders/<case>/input.yaml pinned against the stub registry must equal
// expected.yaml byte for byte; options.json may set `file` (the name the finders see),
// `digestOnly`, `refresh` and `customPaths`.
const CASES = [
  'quotes', 'comments', 'crlf', 'tabs-block-scalar', 'no-final-newline', 'anchors-merge',
  'flow-style', 'list', 'cronjob', 'crd-kinds', 'bom', 'digest-only',
  'kustomize-add-digest', 'kustomize-update-digest', 'kustomize-no-final-newline', 'kustomize-crlf',
  'already-pinned', 'templated-skipped',
];

function load(name: string): { input: string; expected: string; file: string; options: StubPinOptions } {
  const dir = path.join(FIXTURES, name);
  const optionsFile = path.join(dir, 'options.json');
  const { file = 'manifest.yaml', ...options } = existsSync(optionsFile)
    ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as StubPinOptions & { file?: string })
    : {};
  return {
    input: readFileSync(path.join(dir, 'input.yaml'), 'utf8'),
    expected: readFileSync(path.join(dir, 'expected.yaml'), 'utf8'),
    file,
    options,
  };
}

describe('fixture pairs (input.yaml → expected.yaml, byte for byte)', () => {
  it.each(CASES)('%s', (name) => {
    const { input, expected, file, options } = load(name);
    const first = pinWithStub(file, input, options);
    expect(first.output).toBe(expected);
    // Idempotent: pinning the output again finds everything pinned and edits nothing.
    const second = pinWithStub(file, first.output, { ...options, refresh: false });
    expect(second.edits).toEqual([]);
    expect(second.output).toBe(expected);
    expect(second.found.occurrences.filter((o) => o.status === 'unpinned')).toEqual([]);
  });

  it('leaves inputs without pinnable references untouched', () => {
    for (const name of ['already-pinned', 'templated-skipped']) {
      const { input, expected } = load(name);
      expect(expected).toBe(input);
    }
  });
});
