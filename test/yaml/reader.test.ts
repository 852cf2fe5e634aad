import { isMap, isScalar } from 'yaml';
import { describe, expect, it } from 'vitest';
import { YamlReader } from '../../src/yaml/reader.js';
import { parseYaml } from '../../src/yaml/source.js';

function reader(text: string, maxAliases?: number): { r: YamlReader; root: NonNullable<ReturnType<YamlReader['map']>> } {
  const source = parseYaml('t.yaml', text);
  const r = new YamlReader(source.documents[0]!, source, maxAliases);
  const root = r.map(source.documents[0]!.contents);
  if (!root) throw new Error('no root map');
  return { r, root };
}

describe('YamlReader', () => {
  it('applies merge keys for reading: own keys win, then merges in order, returning the physical scalar', () => {
    const text = 'a: &a {x: 1, y: from-a}\nb: &b {y: from-b, z: from-b}\nc:\n  <<: [*a, *b]\n  x: own\n';
    const { r, root } = reader(text);
    const c = r.map(r.get(root, 'c'))!;
    expect(r.str(r.get(c, 'x'))).toBe('own');
    expect(r.str(r.get(c, 'y'))).toBe('from-a');
    const z = r.get(c, 'z');
    expect(isScalar(z) && z.range?.[0]).toBe(text.indexOf('z: from-b') + 3);
    expect(r.keys(c)).toEqual(['x', 'y', 'z']);
    expect(r.get(c, 'missing')).toBeUndefined();
  });

  it('follows aliases to the anchored node', () => {
    const { r, root } = reader('a: &a {k: v}\nb: *a\n');
    expect(r.get(root, 'b')).toBe(r.get(root, 'a'));
    expect(isMap(r.get(root, 'b'))).toBe(true);
  });

  it('stops after maxAliasCount dereferences with YAML_SYNTAX', () => {
    const { r, root } = reader('a: &a {k: v}\nb: *a\nc: *a\n', 1);
    r.get(root, 'b');
    expect(() => r.get(root, 'c')).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX', message: expect.stringMatching(/^t\.yaml:3:4: too many alias/) }));
  });

  it('detects merge cycles instead of recursing forever', () => {
    const { r, root } = reader('a: &a\n  x: 1\nb: &b\n  <<: *a\n');
    // A self-merge cannot be written before its anchor completes, so build one by hand.
    const b = r.map(r.get(root, 'b'))!;
    const a = r.map(r.get(root, 'a'))!;
    a.items.push(...b.items);
    expect(() => r.get(b, 'nope')).toThrow(expect.objectContaining({ code: 'YAML_SYNTAX' }));
  });
});
