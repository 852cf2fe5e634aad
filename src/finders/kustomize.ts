import { isScalar, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { digestProblem } from '../reference/index.js';
import { YamlReader, ownPair } from '../yaml/reader.js';
import { parseYaml, positionOf, scalarSource, type YamlSource } from '../yaml/source.js';
import { declaresKustomization, isKustomizationName, isYamlFile } from './file-kind.js';
import { classifyReference } from './image-occurrence.js';
import { keyIndent } from './pod-context.js';
import type { DigestFieldPlan, Finder, FindResult, Occurrence, TextSpan } from './types.js';

// kustomize `images:` (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/):
// the built reference is (newName ?? name) + `:newTag` + `@digest`; with both newTag and
// digest kustomize v5 writes `name:newTag@sha256:…` (checked with `kubectl kustomize`).

const KUSTOMIZE_KINDS = new Set(['Kustomization', 'Component']);
const ANCHOR_KEYS = ['name', 'newName', 'newTag'];

/** Field is one key of an `images[]` entry: its scalar and its text as kustomize reads it. */
interface Field {
  scalar: Scalar;
  text: string;
}

/**
 * findKustomizeImages reports one occurrence per `images[]` entry of each
 * kustomization document. Entries with neither newTag nor digest are skipped
 * (`no-tag`: the tag comes from the resources, nothing to resolve here);
 * malformed digests are skipped (`invalid-digest: …`) instead of trusted.
 */
export function findKustomizeImages(file: string, text: string): FindResult {
  const source = parseYaml(file, text);
  const byName = isKustomizationName(file);
  const occurrences: Occurrence[] = [];
  for (const document of source.documents) {
    const reader = new YamlReader(document, source);
    const root = reader.map(document.contents);
    if (!root) continue;
    const kind = reader.str(reader.get(root, 'kind'));
    if (!byName && !(kind && KUSTOMIZE_KINDS.has(kind))) continue;
    reader.seq(reader.get(root, 'images'))?.items.forEach((item, i) => {
      const entry = reader.map(item);
      const occurrence = entry && entryOccurrence(source, reader, entry, `images[${i}]`);
      if (occurrence) occurrences.push(occurrence);
    });
  }
  return { occurrences: occurrences.sort((a, b) => a.span.start - b.span.start) };
}

/** entryOccurrence classifies one `images[]` entry and plans where its digest goes. */
function entryOccurrence(source: YamlSource, reader: YamlReader, entry: YAMLMap, path: string): Occurrence | undefined {
  const field = (key: string): Field | undefined => readField(source, reader.get(entry, key));
  const name = field('name');
  if (!name?.text) return undefined;
  const newName = field('newName');
  const newTag = field('newTag');
  const digest = field('digest');
  const spanField = newTag?.text ? newTag : name;
  const span = scalarSource(spanField.scalar, source.text)!.span;
  const base: Occurrence = {
    file: source.file, ...positionOf(source, span.start), span,
    finder: 'kustomize', kind: 'kustomize-image', path, status: 'skipped',
  };
  const digestText = digest?.text || undefined;
  const problem = digestText === undefined ? undefined : digestProblem(digestText);
  if (problem !== undefined) return { ...base, skipReason: `invalid-digest: ${problem}` };
  if (!newTag?.text && !digestText) return { ...base, skipReason: 'no-tag' };
  const refText = (newName?.text ? newName : name).text + (newTag?.text ? `:${newTag.text}` : '') + (digestText ? `@${digestText}` : '');
  const classified = classifyReference(refText);
  if (classified.status === 'skipped') return { ...base, ...classified };
  // Renovate-style `newTag: "2.3@sha256:…"`: the digest in newTag is the pin; update it there,
  // never add a `digest:` (kustomize would render `…@sha256:X@sha256:X`).
  const plan = newTag?.text.includes('@') ? tagDigestPlan(source, newTag.scalar) : digestPlan(source, entry);
  if (typeof plan === 'string') return { ...base, skipReason: plan };
  const tagSpan = newTag?.text ? scalarSource(newTag.scalar, source.text) : undefined;
  return { ...base, ...classified, plan: tagSpan?.verbatim ? { ...plan, tag: tagSpan.span } : plan };
}

/**
 * readField returns a scalar field's text as kustomize (Go, string fields)
 * reads it: the source text of plain scalars, so `newTag: 1.10` stays `1.10`.
 */
function readField(source: YamlSource, node: unknown): Field | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return { scalar: node, text: node.value };
  if (node.value === null) return { scalar: node, text: '' };
  const located = scalarSource(node, source.text);
  return located ? { scalar: node, text: located.span.raw } : undefined;
}

/** tagDigestPlan targets the digest after the `@` inside a newTag value (quotes kept). */
function tagDigestPlan(source: YamlSource, scalar: Scalar): DigestFieldPlan | string {
  const located = scalarSource(scalar, source.text);
  if (!located?.verbatim || located.style === 'block') return 'non-literal-scalar';
  const at = located.span.raw.indexOf('@');
  const value = { start: located.span.start + at + 1, end: located.span.end, raw: located.span.raw.slice(at + 1) };
  return { type: 'digest-field', value, withAlgorithm: true };
}

/**
 * digestPlan says how to write the digest: replace the entry's own `digest`
 * value (quotes kept), or insert a `digest:` line after the last of its
 * name/newName/newTag lines. Returns a skip reason when neither is safe.
 */
function digestPlan(source: YamlSource, entry: YAMLMap): DigestFieldPlan | string {
  const own = ownPair(entry, 'digest');
  if (own) {
    const value = existingValue(source, own);
    return typeof value === 'string' ? value : { type: 'digest-field', value, withAlgorithm: true };
  }
  const anchors = ANCHOR_KEYS.map((key) => ownPair(entry, key)?.value).filter(isScalar);
  const anchor = anchors.sort((a, b) => (a.range?.[1] ?? 0) - (b.range?.[1] ?? 0)).pop();
  if (!anchor?.range) return 'merged-entry';
  const end = anchor.range[1];
  const { text } = source;
  if (entry.flow) {
    // `- {name: app, newTag: v1}` → `- {name: app, newTag: v1, digest: sha256:…}`
    return { type: 'digest-field', insert: { offset: end, indent: ', ', key: 'digest', eol: '' }, withAlgorithm: true };
  }
  const indent = keyIndent(entry, text);
  if (indent === undefined) return 'unsupported-layout';
  const newline = text.indexOf('\n', end);
  const insert: DigestFieldPlan['insert'] = newline < 0
    ? { offset: text.length, indent, key: 'digest', eol: source.eol, atEndWithoutNewline: true }
    : { offset: newline + 1, indent, key: 'digest', eol: text[newline - 1] === '\r' ? '\r\n' : '\n' };
  return { type: 'digest-field', insert, withAlgorithm: true };
}

/** existingValue locates the text of an existing digest value (empty for `digest:` / `digest: ""`). */
function existingValue(source: YamlSource, pair: Pair): TextSpan | string {
  const value = pair.value;
  if (!isScalar(value) || !value.range) return 'unsupported-layout';
  const located = scalarSource(value, source.text);
  if (!located) return { start: value.range[0], end: value.range[0], raw: '' };
  return located.verbatim ? located.span : 'non-literal-scalar';
}

/** kustomizeFinder finds `images:` entries in kustomizations (id `kustomize`). */
export const kustomizeFinder: Finder = {
  id: 'kustomize',
  matches: (file, text) => isKustomizationName(file) || (isYamlFile(file) && declaresKustomization(text)),
  find: (file, text) => findKustomizeImages(file, text),
};
