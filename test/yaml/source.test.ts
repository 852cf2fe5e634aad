import { isMap, isScalar, type Scalar } from 'yaml';
import { describe, expect, it } from 'vitest';
import { detectEol, parseYaml, positionOf, scalarSource } from '../../src/yaml/source.js';

/** valueOf parses `k: <value>` and returns the value scalar. */
function valueOf(text: string): { scalar: Scalar; text: string } {
  const source = parseYaml('t.yaml', text);
  const root = source.documents[0]!.contents;
  if (!isMap(root)) throw new Error('not a map');
  const value = root.items[0]!.value;
  if (!isScalar(value)) throw new Error('not a scalar');
  return { scalar: value, text };
}

describe('scalarSource', () => {
  it.each([
    ['k: nginx:1.25\n', 'plain', 'nginx:1.25', true],
    ['k: nginx:1.25   # comment\n', 'plain', 'nginx:1.25', true],
    ["k: 'nginx:1.25'\n", 'single', 'nginx:1.25', true],
    ['k: "nginx:1.25"\r\n', 'double', 'nginx:1.25', true],
    ['k: "nginx\\x3a1"\n', 'double', 'nginx\\x3a1', false],
    ["k: 'it''s'\n", 'single', "it''s", false],
    ['k: &anchor !!str nginx:1\n', 'plain', 'nginx:1', true],
    ['k: |-\n  nginx:1.25\n', 'block', 'nginx:1.25', true],
    ['k: >\r\n  nginx:1.25\r\n', 'block', 'nginx:1.25', true],
    ['k: |\n  two\n  lines\n', 'block', '  two\n  lines\n', false],
    ['k: multi\n  line plain\n', 'plain', 'multi\n  line plain', false],
    ['\uFEFFk: v\n', 'plain', 'v', true],
  ])('%j → %s %j verbatim=%s', (text, style, raw, verbatim) => {
    const { scalar } = valueOf(text);
    const located = scalarSource(scalar, text)!;
    expect(located).toMatchObject({ style, verbatim, span: { raw } });
    expect(text.slice(located.span.start, located.span.end)).toBe(raw);
  });

  it('returns undefined for an implicit empty value', () => {
    expect(scalarSource(valueOf('k:\n').scalar, 'k:\n')).toBeUndefined();
  });
});

describe('parseYaml', () => {
  it('parses every document, including comment-only ones, `...` ends and a leading ---', () => {
    const source = parseYaml('t.yaml', '# header\n---\na: 1\n...\n---\n# nothing\n---\nb: 2\n');
    expect(source.documents.map((d) => d.toJS())).toEqual([{ a: 1 }, null, { b: 2 }]);
  });

  it('throws YAML_SYNTAX naming file:line:col and the reason', () => {
    expect(() => parseYaml('dir/bad.yaml', 'a: 1\nb: [\n')).toThrow(
      expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(/^dir\/bad\.yaml:3:1: .+/) }),
    );
  });

  it('computes 1-based positions and the dominant line ending', () => {
    const source = parseYaml('t.yaml', 'a: 1\r\nbb: 2\r\n');
    expect(positionOf(source, source.text.indexOf('2'))).toEqual({ line: 2, column: 5 });
    expect(source.eol).toBe('\r\n');
    expect(detectEol('a\nb\r\n')).toBe('\n');
    expect(detectEol('no newline')).toBe('\n');
  });
});

describe('parseYaml duplicate keys', () => {
  it('rejects a duplicate key with file:line:col (the linear check replaces yaml uniqueKeys)', () => {
    expect(() => parseYaml('dup.yaml', 'a: 1\nb: 2\na: 3\n')).toThrow(/^dup\.yaml:3:1: Map keys must be unique \("a" appears twice\)$/);
  });

  it('allows repeated merge keys and equal keys in different mappings', () => {
    expect(() => parseYaml('ok.yaml', 'x: &x {a: 1}\ny: {<<: *x, a: 2}\nz:\n  <<: *x\n  b: 1\n')).not.toThrow();
  });
});
