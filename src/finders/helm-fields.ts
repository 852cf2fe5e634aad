import { isScalar, type Scalar, type YAMLMap } from 'yaml';
import { digestProblem } from '../reference/index.js';
import type { YamlReader } from '../yaml/reader.js';
import { positionOf, scalarSource, type YamlSource } from '../yaml/source.js';
import type { Occurrence, TextSpan } from './types.js';

// Shared by the helm-values shapes (maps, strings, split keys): reading a map's fields as
// the chart's Go templates would, and locating the exact text to overwrite.

/** Globals are the chart-wide registry overrides. */
export interface Globals {
  /** imageRegistry is `global.imageRegistry` (Bitnami, kube-prometheus-stack): overrides a map's `registry`. */
  imageRegistry?: string;
  /** imageDotRegistry is `global.image.registry` (ingress-nginx): the default for `image`-name maps. */
  imageDotRegistry?: string;
}

/** Walk is the state of one values file's scan. */
export interface Walk {
  source: YamlSource;
  reader: YamlReader;
  globals: Globals;
  seen: Set<unknown>;
  out: Occurrence[];
}

/** scalarText is a scalar's text as written (`tag: 1.10` stays `1.10`), or undefined for null/non-scalars. */
export function scalarText(w: Walk, node: unknown): string | undefined {
  const value = w.reader.resolve(node);
  if (!isScalar(value) || value.value === null || value.value === undefined) return undefined;
  if (typeof value.value === 'string') return value.value;
  return scalarSource(value, w.source.text)?.span.raw ?? String(value.value);
}

/** base is a skipped helm-values occurrence at `span`, to be classified. */
export function base(w: Walk, span: TextSpan, path: string, kind: string): Occurrence {
  return { file: w.source.file, ...positionOf(w.source, span.start), span, finder: 'helm-values', kind, path, status: 'skipped' };
}

/**
 * spanOf is the value span of a scalar to overwrite: the text inside quotes, a
 * `~`/`null` token, or the zero-width point after `key:` for an implicit null.
 */
export function spanOf(w: Walk, map: YAMLMap, key: string): TextSpan | undefined {
  const pair = w.reader.pair(map, key);
  const value = pair && w.reader.resolve(pair.value);
  if (!isScalar(value)) return undefined;
  const located = scalarSource(value, w.source.text);
  if (value.value !== null) return located && located.verbatim && located.style !== 'block' ? located.span : undefined;
  if (located && located.span.raw !== '' && located.style === 'plain') return located.span;
  const keyEnd = (pair!.key as Scalar).range?.[1];
  const colon = keyEnd === undefined ? -1 : w.source.text.indexOf(':', keyEnd);
  return colon < 0 ? undefined : { start: colon + 1, end: colon + 1, raw: '' };
}

/** DigestField is a map's digest (or bare-hex `sha`) field. */
export interface DigestField {
  key: 'digest' | 'sha';
  value?: string;
  span?: TextSpan;
}

/** digestField finds a map's `digest` or `sha` field. */
export function digestField(w: Walk, map: YAMLMap): DigestField | undefined {
  for (const key of ['digest', 'sha'] as const) {
    if (!w.reader.pair(map, key)) continue;
    return { key, value: scalarText(w, w.reader.get(map, key)) || undefined, span: spanOf(w, map, key) };
  }
  return undefined;
}

/** digestOf turns a filled digest field into `sha256:…`, or explains why it is invalid. */
export function digestOf(field: DigestField): { digest?: string; problem?: string } {
  if (field.value === undefined) return {};
  const digest = field.key === 'sha' ? `sha256:${field.value}` : field.value;
  const problem = digestProblem(digest);
  return problem ? { problem: `invalid-digest: ${field.key} ${JSON.stringify(field.value)}: ${problem}` } : { digest };
}

/** Classified is what a classifier decides for an occurrence. */
export type Classified = Pick<Occurrence, 'status' | 'skipReason' | 'ref' | 'plan'>;

/** skip is a skipped classification with its reason. */
export function skip(skipReason: string): Classified {
  return { status: 'skipped', skipReason };
}

/** tagDigestPlan plans a digest written inside the tag value (`tag: "1.2@sha256:…"`), after its `@`. */
export function tagDigestPlan(w: Walk, map: YAMLMap, tagKey: string, classified: Classified): Classified {
  const span = spanOf(w, map, tagKey);
  const at = span?.raw.indexOf('@') ?? -1;
  if (!span || at < 0) return skip(`${tagKey} field is not a plain or quoted scalar`);
  const value = { start: span.start + at + 1, end: span.end, raw: span.raw.slice(at + 1) };
  return { ...classified, plan: { type: 'digest-field', value, withAlgorithm: true } };
}
