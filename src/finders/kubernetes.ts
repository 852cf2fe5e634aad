import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { isPinError } from '../errors.js';
import { YamlReader, type Physical } from '../yaml/reader.js';
import { parseYaml, type YamlSource } from '../yaml/source.js';
import { collectCredentials } from './credentials.js';
import { isKustomizationName, isYamlFile } from './file-kind.js';
import { findHelmTemplateImages } from './helm-template.js';
import { imageOccurrence } from './image-occurrence.js';
import { apiGroup, rulesFor } from './kube-rules.js';
import { selectPath } from './path-spec.js';
import { podContext } from './pod-context.js';
import type { Finder, FinderOptions, FindResult } from './types.js';

/** Walk is the state of one file's scan: results, and scalars already reported. */
interface Walk {
  source: YamlSource;
  options: FinderOptions;
  result: Required<FindResult>;
  /** seen holds reported scalars: an image reached again through an alias or merge is reported once. */
  seen: Set<Scalar>;
}

/** ObjectAt is one Kubernetes object: its mapping and where it sits (`items[2]` inside a List). */
interface ObjectAt {
  reader: YamlReader;
  object: YAMLMap;
  base: string;
}

const CONTAINER_KEYS: ReadonlyMap<string, string> = new Map([
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
]);
const MAX_NESTING = 32;
const MAX_GENERIC_DEPTH = 100;

/**
 * findKubernetesImages scans every document for image positions: PodSpecs of
 * workload kinds, known CRDs, `List` items, user-declared paths, and for
 * unknown kinds any `containers`/`initContainers` sequence (kustomize's rule).
 * Documents without `apiVersion` and `kind` are not Kubernetes objects and are ignored.
 */
export function findKubernetesImages(file: string, text: string, options: FinderOptions = {}): FindResult {
  const source = parseTemplateAware(file, text);
  if (!source) return findHelmTemplateImages(file, text);
  const walk: Walk = { source, options, result: { occurrences: [], secrets: [], serviceAccounts: [] }, seen: new Set() };
  for (const document of source.documents) {
    const reader = new YamlReader(document, source);
    const object = reader.map(document.contents);
    if (object) visitObject(walk, { reader, object, base: '' }, 0);
  }
  walk.result.occurrences.sort((a, b) => a.span.start - b.span.start);
  return walk.result;
}

/**
 * parseTemplateAware parses the YAML, or returns undefined when it does not
 * parse because of Go/Jinja template actions outside scalars (`{{- if … }}`
 * lines, `image: {{ .Values.x }}` unquoted): a template outside a `templates/`
 * directory, reported like one. A `{{ }}` inside a scalar never makes a file a
 * template: the file parses and only that scalar is skipped.
 */
function parseTemplateAware(file: string, text: string): YamlSource | undefined {
  try {
    return parseYaml(file, text);
  } catch (error) {
    if (isPinError(error, 'YAML_SYNTAX') && hasActionsOutsideScalars(text)) return undefined;
    throw error;
  }
}

/** TEMPLATE_ACTION: `{{`/`{%` where a YAML node starts (line start, after `- ` or `key: `), so not inside a scalar. */
const TEMPLATE_ACTION = /(?:^[ \t]*|[-:][ \t]+)\{[{%]/m;

/** hasActionsOutsideScalars reports whether a text has template actions where YAML expects a node. */
export function hasActionsOutsideScalars(text: string): boolean {
  return TEMPLATE_ACTION.test(text);
}

/** visitObject dispatches one object: Lists recurse into items, others get their image rules applied. */
function visitObject(walk: Walk, at: ObjectAt, nesting: number): void {
  const { reader, object, base } = at;
  const kind = reader.str(reader.get(object, 'kind'));
  const apiVersion = reader.str(reader.get(object, 'apiVersion'));
  if (kind === undefined || apiVersion === undefined || nesting > MAX_NESTING) return;
  const children = childObjectsKey(kind, apiVersion);
  if (children) {
    reader.seq(reader.get(object, children))?.items.forEach((item, i) => {
      const child = reader.map(item);
      if (child) visitObject(walk, { reader, object: child, base: join(base, `${children}[${i}]`) }, nesting + 1);
    });
    return;
  }
  collectCredentials(walk.source, reader, object, kind, walk.result);
  const metadata = reader.map(reader.get(object, 'metadata'));
  const name = metadata && reader.str(reader.get(metadata, 'name'));
  const namespace = metadata && reader.str(reader.get(metadata, 'namespace'));
  const set = rulesFor(kind, apiVersion, name, walk.options.customPaths ?? []);
  for (const rule of set.rules) {
    for (const match of selectPath(reader, object, rule.segments, base)) {
      if (isScalar(match.node)) addSite(walk, at, match.node, match.path, rule.kind, match.parents, namespace);
    }
  }
  if (set.generic) searchContainers(walk, at, namespace);
}

/** childObjectsKey names the key holding nested objects: `items` of a `*List`, `objects` of an OpenShift Template. */
function childObjectsKey(kind: string, apiVersion: string): string | undefined {
  if (kind === 'List' || kind.endsWith('List')) return 'items';
  const group = apiGroup(apiVersion);
  if (kind === 'Template' && (group === 'template.openshift.io' || apiVersion === 'v1')) return 'objects';
  return undefined;
}

/** addSite reports one image scalar unless it was already reported. */
function addSite(walk: Walk, at: ObjectAt, scalar: Scalar, path: string, kind: string, parents: YAMLMap[], namespace?: string): void {
  if (walk.seen.has(scalar)) return;
  walk.seen.add(scalar);
  const pod = podContext(at.reader, walk.source.text, parents, namespace);
  const occurrence = imageOccurrence(walk.source, 'kubernetes', { scalar, path, kind, pod });
  if (occurrence) walk.result.occurrences.push(occurrence);
}

/**
 * searchContainers finds `image` in every item of every `containers`,
 * `initContainers` and `ephemeralContainers` sequence of an unknown kind, the
 * way kustomize's image transformer does (api/filters/imagetag LegacyFilter).
 */
function searchContainers(walk: Walk, at: ObjectAt, namespace?: string): void {
  const { reader } = at;
  const visited = new Set<Physical>();
  const visit = (map: YAMLMap, path: string, parents: YAMLMap[], depth: number): void => {
    if (visited.has(map) || depth > MAX_GENERIC_DEPTH) return;
    visited.add(map);
    const chain = [...parents, map];
    for (const key of reader.keys(map)) {
      if (depth === 0 && (key === 'metadata' || key === 'status')) continue;
      const value = reader.get(map, key);
      const here = join(path, key);
      const label = CONTAINER_KEYS.get(key);
      if (isSeq(value)) {
        value.items.forEach((item, i) => {
          const child = reader.map(item);
          if (!child) return;
          const image = label ? reader.get(child, 'image') : undefined;
          if (label && isScalar(image)) addSite(walk, at, image, `${here}[${i}].image`, label, [...chain, child], namespace);
          visit(child, `${here}[${i}]`, chain, depth + 1);
        });
      } else if (isMap(value)) {
        visit(value, here, chain, depth + 1);
      }
    }
  };
  visit(at.object, at.base, [], 0);
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** kubernetesFinder finds images in Kubernetes manifests (id `kubernetes`). */
export const kubernetesFinder: Finder = {
  id: 'kubernetes',
  matches: (file) => isYamlFile(file) && !isKustomizationName(file),
  find: (file, text, options) => findKubernetesImages(file, text, options),
};
