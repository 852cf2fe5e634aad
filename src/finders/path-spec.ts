import { isMap, type YAMLMap } from 'yaml';
import { PinError } from '../errors.js';
import type { Physical, YamlReader } from '../yaml/reader.js';

/** PathSegment is one key of a path spec; `each` means the key holds a sequence to iterate. */
export interface PathSegment {
  key: string;
  each: boolean;
  /** nested counts the extra `[]` of a sequence of sequences (Argo `steps[][]`). */
  nested?: number;
}

/** PathMatch is one node a path spec selected, with the concrete path and the maps walked through. */
export interface PathMatch {
  node: Physical;
  /** path is concrete, with indexes: `spec.containers[1].image`. */
  path: string;
  /** parents are the mappings from the root down to the one holding the last key. */
  parents: YAMLMap[];
}

const KEY = /^[A-Za-z0-9_$-][A-Za-z0-9_$.:-]*$/;

/**
 * parsePathSpec parses `spec.foo[].image` (or kustomize's `spec/foo[]/image`)
 * into segments; throws PinError('CONFIG_INVALID') naming the bad part.
 */
export function parsePathSpec(spec: string): PathSegment[] {
  const separator = spec.includes('/') && !spec.includes('.') ? '/' : '.';
  const parts = spec.split(separator);
  return parts.map((part) => {
    const brackets = /(?:\[\])*$/.exec(part)![0].length / 2;
    const each = brackets > 0;
    const key = part.slice(0, part.length - brackets * 2);
    if (!KEY.test(key) || (separator === '.' && key.includes('.'))) {
      throw new PinError('CONFIG_INVALID', `image path ${JSON.stringify(spec)}: bad segment ${JSON.stringify(part)} (expected keys separated by "." with "[]" after sequences)`);
    }
    return brackets > 1 ? { key, each, nested: brackets - 1 } : { key, each };
  });
}

/**
 * selectPath walks `segments` from `root` (merges applied, aliases followed)
 * and returns every node found at the end. Missing keys and wrong shapes
 * simply select nothing: paths are probes, not schemas.
 */
export function selectPath(reader: YamlReader, root: YAMLMap, segments: readonly PathSegment[], base = ''): PathMatch[] {
  const out: PathMatch[] = [];
  const step = (map: YAMLMap, index: number, path: string, parents: YAMLMap[]): void => {
    const segment = segments[index];
    if (!segment) return;
    const value = reader.get(map, segment.key);
    if (!value) return;
    const here = path ? `${path}.${segment.key}` : segment.key;
    const chain = [...parents, map];
    const last = index === segments.length - 1;
    let targets = segment.each ? itemsOf(reader, value, here) : [{ node: value, path: here }];
    for (let n = 0; n < (segment.nested ?? 0); n++) targets = targets.flatMap((t) => itemsOf(reader, t.node, t.path));
    for (const target of targets) {
      if (last) out.push({ node: target.node, path: target.path, parents: chain });
      else if (isMap(target.node)) step(target.node, index + 1, target.path, chain);
    }
  };
  step(root, 0, base, []);
  return out;
}

/** itemsOf lists a sequence's resolved items with their indexed paths. */
function itemsOf(reader: YamlReader, value: Physical, path: string): Array<{ node: Physical; path: string }> {
  const seq = reader.seq(value);
  if (!seq) return [];
  const out: Array<{ node: Physical; path: string }> = [];
  seq.items.forEach((item, i) => {
    const node = reader.resolve(item);
    if (node) out.push({ node, path: `${path}[${i}]` });
  });
  return out;
}
