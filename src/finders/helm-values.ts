import { isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { isTemplated } from '../reference/index.js';
import { isMergeKey, keyString, YamlReader } from '../yaml/reader.js';
import { parseYaml, scalarSource } from '../yaml/source.js';
import { baseName } from './file-kind.js';
import {
  base, digestField, digestOf, scalarText, skip, spanOf, tagDigestPlan, type Classified, type Globals, type Walk,
} from './helm-fields.js';
import { onSplitImages } from './helm-split.js';
import { classifyReference } from './image-occurrence.js';
import type { DigestFieldPlan, Finder, FindResult, Occurrence } from './types.js';

// Helm values files hold images in a few conventional shapes (values are data here:
// the chart's templates decide how they are rendered, so only well-known shapes count):
// - `repository` [+ `registry`] [+ `tag`] [+ `digest` | `sha`] maps (Bitnami
//   common.images.image, kube-prometheus-stack, most charts);
// - `image` name + `tag` + `digest` maps with `global.image.registry` (ingress-nginx);
// - `image: "repo:tag"` and `<something>Image: "repo:tag"` strings;
// - openstack-helm `images.tags.<job>: <full reference>` maps;
// - split keys: `image` + `imageTag`, `fooImage` + `fooTag` (helm-split.ts).
// A map without a digest field is reported as skipped: inventing a key the chart's
// templates never read would silently do nothing.

/** nameOf assembles `registry/repository` for the map's shape, or undefined when it has no name. */
function nameOf(w: Walk, map: YAMLMap): string | undefined {
  const repository = scalarText(w, w.reader.get(map, 'repository'));
  const image = scalarText(w, w.reader.get(map, 'image'));
  const registry = scalarText(w, w.reader.get(map, 'registry'));
  if (!repository && image) {
    const host = registry || w.globals.imageDotRegistry;
    return host ? `${host}/${image}` : image;
  }
  if (!repository) return undefined;
  // ingress-nginx: a `repository` next to `image` is the full image URL.
  if (image !== undefined) return repository;
  const host = registry !== undefined ? w.globals.imageRegistry || registry : undefined;
  return host ? `${host}/${repository}` : repository;
}

/** classifyImageMap decides an image map's status, reference and write plan. */
function classifyImageMap(w: Walk, map: YAMLMap): Classified {
  const parts = ['registry', 'repository', 'image', 'tag', 'digest', 'sha'].map((k) => scalarText(w, w.reader.get(map, k)));
  const templated = parts.map((p) => (p ? isTemplated(p) : undefined)).find(Boolean);
  if (templated) return skip(templated);
  const name = nameOf(w, map);
  const tag = scalarText(w, w.reader.get(map, 'tag'));
  const field = digestField(w, map);
  const { digest, problem } = field ? digestOf(field) : {};
  if (problem) return skip(problem);
  // An empty tag means "the chart's appVersion" (or the cluster version): not in this file.
  if (!name || (!tag && !digest && !/[:@]/.test(name.slice(name.lastIndexOf('/') + 1)))) return skip('incomplete');
  const refText = `${name}${tag ? `:${tag}` : ''}${digest && !tag?.includes('@') ? `@${digest}` : ''}`;
  const classified = classifyReference(refText);
  if (classified.status === 'skipped') return classified;
  // Renovate-style `tag: "1.2@sha256:…"`: the digest in the tag is the pin; it is updated in
  // place, never duplicated into a digest field (the chart would render `…@X@X`).
  if (tag?.includes('@')) return digest ? skip('digest in both tag and digest field') : tagDigestPlan(w, map, 'tag', classified);
  if (!field) return classified.status === 'pinned' ? classified : skip('chart has no digest field');
  if (!field.span) return skip(`${field.key} field is not a plain or quoted scalar`);
  const tagSpan = tag && !tag.includes('@') ? spanOf(w, map, 'tag') : undefined;
  const plan: DigestFieldPlan = { type: 'digest-field', value: field.span, withAlgorithm: field.key === 'digest', ...(tagSpan?.raw === tag ? { tag: tagSpan } : {}) };
  return { ...classified, plan };
}

/** onImageMap reports an image map at its repository (or image) value, else at its key. */
function onImageMap(w: Walk, map: YAMLMap, keyNode: Scalar, path: string): void {
  const anchorKey = ['repository', 'image'].find((k) => scalarText(w, w.reader.get(map, k)));
  const span = (anchorKey && spanOf(w, map, anchorKey)) || scalarSource(keyNode, w.source.text)?.span;
  if (span) w.out.push({ ...base(w, span, path, 'helm-image'), ...classifyImageMap(w, map) });
}

/** onImageString handles `image: repo:tag` (and `fooImage:`); untagged strings are not assumed to be images. */
function onImageString(w: Walk, node: Scalar, path: string, kind: string, requireTag: boolean): void {
  if (typeof node.value !== 'string' || node.value.trim() === '') return;
  const located = scalarSource(node, w.source.text);
  if (!located) return;
  const occ = base(w, located.span, path, kind);
  const classified = classifyReference(node.value);
  if (classified.status === 'skipped') {
    // `image: 'service/storage/image'` (an audit-map path) is no image: only templated values are reported.
    if (!classified.skipReason.startsWith('invalid-reference')) w.out.push({ ...occ, ...classified });
    return;
  }
  if (requireTag && !classified.ref.tag && !classified.ref.digest) return;
  if (!located.verbatim || located.style === 'block') return void w.out.push({ ...occ, skipReason: 'non-literal-scalar' });
  w.out.push({ ...occ, ...classified, plan: { type: 'reference' } });
}

const IMAGE_KEY = /^image$|[a-z0-9]Image$/;
const IMAGE_FIELDS = ['tag', 'digest', 'sha', 'registry', 'pullPolicy'];

/** isImageMap: `repository` under an image-ish key or next to image fields, or ingress-nginx's `image` + `tag`. */
function isImageMap(w: Walk, map: YAMLMap, key: string): boolean {
  if (w.reader.pair(map, 'repository')) {
    return /image/i.test(key) || IMAGE_FIELDS.some((field) => w.reader.pair(map, field) !== undefined);
  }
  return w.reader.str(w.reader.get(map, 'image')) !== undefined && w.reader.pair(map, 'tag') !== undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(w: Walk, node: unknown, keyNode: Scalar | undefined, path: string, parent: string): void {
  const value = w.reader.resolve(node);
  if (value === undefined || w.seen.has(value)) return;
  w.seen.add(value);
  const key = (keyNode && keyString(keyNode)) ?? '';
  if (isSeq(value)) return value.items.forEach((item, i) => walk(w, item, undefined, `${path}[${i}]`, path));
  if (isScalar(value)) {
    if (parent === 'images.tags' || parent.endsWith('.images.tags')) onImageString(w, value, path, 'helm-images-tags', false);
    else if (IMAGE_KEY.test(key)) onImageString(w, value, path, 'helm-image-string', true);
    return;
  }
  if (keyNode && isImageMap(w, value, key)) return onImageMap(w, value, keyNode, path);
  for (const scalar of onSplitImages(w, value, path)) w.seen.add(scalar);
  for (const pair of value.items) {
    if (isMergeKey(pair.key) || !isScalar(pair.key)) continue;
    walk(w, pair.value, pair.key, join(path, keyString(pair.key) ?? ''), path);
  }
}

function readGlobals(reader: YamlReader, root: YAMLMap): Globals {
  const global = reader.map(reader.get(root, 'global'));
  const image = global && reader.map(reader.get(global, 'image'));
  return {
    imageRegistry: (global && reader.str(reader.get(global, 'imageRegistry'))) || undefined,
    imageDotRegistry: (image && reader.str(reader.get(image, 'registry'))) || undefined,
  };
}

/** findHelmValuesImages extracts image maps and image strings from a Helm values file. */
export function findHelmValuesImages(file: string, text: string): FindResult {
  const source = parseYaml(file, text);
  const out: Occurrence[] = [];
  for (const doc of source.documents) {
    const reader = new YamlReader(doc, source);
    const root = reader.map(doc.contents);
    if (!root) continue;
    walk({ source, reader, globals: readGlobals(reader, root), seen: new Set(), out }, root, undefined, '', '');
  }
  return { occurrences: out.sort((a, b) => a.span.start - b.span.start) };
}

/** matchesHelmValues reports whether a path's base name is `values*.yaml` / `values*.yml`. */
export function matchesHelmValues(file: string): boolean {
  return /^values[^/\\]*\.ya?ml$/i.test(baseName(file));
}

/** helmValuesFinder finds image maps and strings in Helm values files (id `helm-values`). */
export const helmValuesFinder: Finder = {
  id: 'helm-values',
  matches: (file) => matchesHelmValues(file),
  find: (file, text) => findHelmValuesImages(file, text),
};
