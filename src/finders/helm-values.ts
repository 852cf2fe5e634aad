import { isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { digestProblem, isTemplated } from '../reference/index.js';
import { isMergeKey, keyString, YamlReader } from '../rewrite/yaml-reader.js';
import { parseYaml, positionOf, scalarSource, type YamlSource } from '../rewrite/yaml-source.js';
import { baseName } from './file-kind.js';
import { classifyReference } from './image-occurrence.js';
import type { DigestFieldPlan, Finder, FindResult, Occurrence, TextSpan } from './types.js';

// Helm values files hold images in a few conventional shapes (values are data here:
// the chart's templates decide how they are rendered, so only well-known shapes count):
// - `repository` [+ `registry`] [+ `tag`] [+ `digest` | `sha`] maps (Bitnami
//   common.images.image, kube-prometheus-stack, most charts);
// - `image` name + `tag` + `digest` maps with `global.image.registry` (ingress-nginx);
// - `image: "repo:tag"` and `<something>Image: "repo:tag"` strings;
// - openstack-helm `images.tags.<job>: <full reference>` maps.
// A map without a digest field is reported as skipped: inventing a key the chart's
// templates never read would silently do nothing.

/** Globals are the chart-wide registry overrides. */
interface Globals {
  /** imageRegistry is `global.imageRegistry` (Bitnami, kube-prometheus-stack): overrides a map's `registry`. */
  imageRegistry?: string;
  /** imageDotRegistry is `global.image.registry` (ingress-nginx): the default for `image`-name maps. */
  imageDotRegistry?: string;
}

interface Walk {
  source: YamlSource;
  reader: YamlReader;
  globals: Globals;
  seen: Set<unknown>;
  out: Occurrence[];
}

/** scalarText is a scalar's text as written (`tag: 1.10` stays `1.10`), or undefined for null/non-scalars. */
function scalarText(w: Walk, node: unknown): string | undefined {
  const value = w.reader.resolve(node);
  if (!isScalar(value) || value.value === null || value.value === undefined) return undefined;
  if (typeof value.value === 'string') return value.value;
  return scalarSource(value, w.source.text)?.span.raw ?? String(value.value);
}

function base(w: Walk, span: TextSpan, path: string, kind: string): Occurrence {
  return { file: w.source.file, ...positionOf(w.source, span.start), span, finder: 'helm-values', kind, path, status: 'skipped' };
}

/**
 * spanOf is the value span of a scalar to overwrite: the text inside quotes, a
 * `~`/`null` token, or the zero-width point after `key:` for an implicit null.
 */
function spanOf(w: Walk, map: YAMLMap, key: string): TextSpan | undefined {
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
interface DigestField {
  key: 'digest' | 'sha';
  value?: string;
  span?: TextSpan;
}

function digestField(w: Walk, map: YAMLMap): DigestField | undefined {
  for (const key of ['digest', 'sha'] as const) {
    if (!w.reader.pair(map, key)) continue;
    return { key, value: scalarText(w, w.reader.get(map, key)) || undefined, span: spanOf(w, map, key) };
  }
  return undefined;
}

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

/** digestOf turns a filled digest field into `sha256:…`, or explains why it is invalid. */
function digestOf(field: DigestField): { digest?: string; problem?: string } {
  if (field.value === undefined) return {};
  const digest = field.key === 'sha' ? `sha256:${field.value}` : field.value;
  const problem = digestProblem(digest);
  return problem ? { problem: `invalid-digest: ${field.key} ${JSON.stringify(field.value)}: ${problem}` } : { digest };
}

type Classified = Pick<Occurrence, 'status' | 'skipReason' | 'ref' | 'plan'>;

function skip(skipReason: string): Classified {
  return { status: 'skipped', skipReason };
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
