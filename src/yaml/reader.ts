import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { yamlError, type YamlSource } from './source.js';

/** DEFAULT_MAX_ALIAS_COUNT bounds alias dereferences per document, so alias bombs fail fast. */
export const DEFAULT_MAX_ALIAS_COUNT = 10_000;

/** MAX_MERGE_DEPTH bounds nested `<<` merges (and catches merge cycles). */
const MAX_MERGE_DEPTH = 64;

/** Physical is a resolved node that exists at one place in the text: never an Alias. */
export type Physical = Scalar | YAMLMap | YAMLSeq;

/**
 * YamlReader reads one parsed document the way a YAML 1.1 consumer would
 * (aliases followed, `<<` merges applied) while always handing back the
 * physical nodes, so an edit lands on the one scalar that was written.
 */
export class YamlReader {
  private targets: Map<Alias, Node | undefined> | undefined;
  private remaining: number;

  constructor(
    readonly document: Document.Parsed,
    readonly source: YamlSource,
    maxAliasCount = DEFAULT_MAX_ALIAS_COUNT,
  ) {
    this.remaining = maxAliasCount;
  }

  /** resolve follows aliases to the anchored node; null and non-nodes give undefined. */
  resolve(value: unknown): Physical | undefined {
    let node = value;
    for (let hops = 0; isAlias(node); hops++) {
      if (--this.remaining < 0 || hops > MAX_MERGE_DEPTH) {
        throw yamlError(this.source, node.range?.[0] ?? 0, 'too many alias dereferences (alias bomb?)');
      }
      node = this.aliasTargets().get(node);
    }
    return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
  }

  /** map resolves a value and returns it when it is a mapping. */
  map(value: unknown): YAMLMap | undefined {
    const node = this.resolve(value);
    return isMap(node) ? node : undefined;
  }

  /** seq resolves a value and returns it when it is a sequence. */
  seq(value: unknown): YAMLSeq | undefined {
    const node = this.resolve(value);
    return isSeq(node) ? node : undefined;
  }

  /** str resolves a value and returns its string value (not numbers, not null). */
  str(value: unknown): string | undefined {
    const node = this.resolve(value);
    return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  }

  /** get looks a key up with merge keys applied; own keys win, then merges in order. */
  get(map: YAMLMap, key: string, depth = 0): Physical | undefined {
    const pair = this.pair(map, key, depth);
    return pair ? this.resolve(pair.value) : undefined;
  }

  /** pair finds the physical pair providing `key` (own or merged) in `map`. */
  pair(map: YAMLMap, key: string, depth = 0): Pair | undefined {
    const own = ownPair(map, key);
    if (own) return own;
    if (depth > MAX_MERGE_DEPTH) {
      throw yamlError(this.source, map.range?.[0] ?? 0, 'merge keys nested too deeply (cycle?)');
    }
    for (const source of this.mergeSources(map)) {
      const found = this.pair(source, key, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** keys lists the effective keys of a mapping (own keys, then merged ones). */
  keys(map: YAMLMap, depth = 0): string[] {
    const seen = new Set<string>();
    for (const pair of map.items) {
      const key = keyString(pair.key);
      if (key !== undefined && !isMergeKey(pair.key)) seen.add(key);
    }
    if (depth > MAX_MERGE_DEPTH) return [...seen];
    for (const source of this.mergeSources(map)) for (const key of this.keys(source, depth + 1)) seen.add(key);
    return [...seen];
  }

  /** mergeSources returns the mappings a `<<` key pulls in (one alias, or a sequence of them). */
  private mergeSources(map: YAMLMap): YAMLMap[] {
    const out: YAMLMap[] = [];
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) continue;
      const value = this.resolve(pair.value);
      if (isMap(value)) out.push(value);
      // A sequence merges each of its mappings; earlier ones win (YAML 1.1 merge spec).
      else if (isSeq(value)) for (const item of value.items) {
        const m = this.map(item);
        if (m) out.push(m);
      }
    }
    return out;
  }

  /** aliasTargets maps every alias to the last node anchored with its name before it. */
  private aliasTargets(): Map<Alias, Node | undefined> {
    if (this.targets) return this.targets;
    const anchors = new Map<string, Node>();
    const targets = new Map<Alias, Node | undefined>();
    visit(this.document, {
      Node: (_key, node) => {
        if (isAlias(node)) targets.set(node, anchors.get(node.source));
        else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
    this.targets = targets;
    return targets;
  }
}

/** keyString returns a mapping key's text when it is a scalar. */
export function keyString(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'symbol') return key.value.description;
  return key.value === null ? undefined : String(key.value);
}

/** isMergeKey reports whether a key is the YAML 1.1 merge key `<<` (plain, untagged). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && keyString(key) === '<<';
}

/** ownPair returns the mapping's own (non-merged) pair for `key`; the last one if repeated. */
export function ownPair(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of map.items) if (!isMergeKey(pair.key) && keyString(pair.key) === key) found = pair;
  return found;
}
