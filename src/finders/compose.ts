import { isScalar, type Scalar, type YAMLMap } from 'yaml';
import { YamlReader } from '../yaml/reader.js';
import { parseYaml, positionOf, scalarSource, type YamlSource } from '../yaml/source.js';
import { baseName } from './file-kind.js';
import { classifyReference } from './image-occurrence.js';
import type { Finder, FindResult, Occurrence } from './types.js';

// Compose specification: https://github.com/compose-spec/compose-spec/blob/main/spec.md
// `services.<name>.image`; a service with `build:` builds and tags that image locally
// (https://github.com/compose-spec/compose-spec/blob/main/build.md), so a digest there
// would break `docker compose build`.

/** ImageSlot is a physical image scalar plus what the positions that use it say about it. */
export interface ImageSlot {
  scalar: Scalar;
  path: string;
  kind: string;
  /** skipReason applies before parsing (`build-image`); templating is checked by slotOccurrence. */
  skipReason?: string;
}

/**
 * slotOccurrence turns a physical image scalar into an occurrence: templated or
 * variable text, escaped scalars and invalid references are skipped with a reason.
 * `prefix` is text before the reference inside the scalar (`docker://`).
 */
export function slotOccurrence(source: YamlSource, finder: string, slot: ImageSlot, prefix = ''): Occurrence | undefined {
  const located = scalarSource(slot.scalar, source.text);
  if (!located || typeof slot.scalar.value !== 'string' || slot.scalar.value.trim() === '') return undefined;
  const start = located.span.start + prefix.length;
  const span = { start, end: located.span.end, raw: source.text.slice(start, located.span.end) };
  const base: Occurrence = {
    file: source.file,
    ...positionOf(source, start),
    span,
    finder,
    kind: slot.kind,
    path: slot.path,
    status: 'skipped',
  };
  const value = slot.scalar.value.slice(prefix.length);
  if (slot.skipReason) return { ...base, skipReason: slot.skipReason };
  // GitHub Actions expressions: https://docs.github.com/actions/reference/evaluate-expressions-in-workflows-and-actions
  if (value.includes('${{')) return { ...base, skipReason: 'github-expression' };
  const classified = classifyReference(value);
  if (classified.status === 'skipped') return { ...base, ...classified };
  if (!located.verbatim) return { ...base, skipReason: 'non-literal-scalar' };
  return { ...base, ...classified, plan: { type: 'reference' } };
}

/** isBuilt says whether a service builds its image (`build:`, or `pull_policy: build`). */
function isBuilt(reader: YamlReader, service: YAMLMap): boolean {
  const build = reader.pair(service, 'build');
  const hasBuild = build !== undefined && !(isScalar(build.value) && build.value.value === null);
  return hasBuild || reader.str(reader.get(service, 'pull_policy')) === 'build';
}

/** collectServiceImages maps each physical image scalar to the services that use it. */
function collectServiceImages(reader: YamlReader, out: Map<Scalar, ImageSlot>): void {
  const root = reader.map(reader.document.contents);
  const services = root && reader.map(reader.get(root, 'services'));
  if (!services) return;
  for (const name of reader.keys(services)) {
    const service = reader.map(reader.get(services, name));
    const image = service && reader.get(service, 'image');
    if (!service || !isScalar(image)) continue;
    const slot = out.get(image) ?? { scalar: image, path: `services.${name}.image`, kind: 'compose-service' };
    // One scalar shared through an anchor: if any service builds it, it is a build tag.
    if (isBuilt(reader, service)) slot.skipReason = 'build-image';
    out.set(image, slot);
  }
}

/** findComposeImages extracts `services.*.image`, one occurrence per physical scalar. */
export function findComposeImages(file: string, text: string): FindResult {
  const source = parseYaml(file, text);
  const slots = new Map<Scalar, ImageSlot>();
  for (const doc of source.documents) collectServiceImages(new YamlReader(doc, source), slots);
  const occurrences: Occurrence[] = [];
  for (const slot of slots.values()) {
    const occurrence = slotOccurrence(source, 'compose', slot);
    if (occurrence) occurrences.push(occurrence);
  }
  return { occurrences: occurrences.sort((a, b) => a.span.start - b.span.start) };
}

const BASENAME = /^(?:docker-)?compose[^/\\]*\.ya?ml$/i;
// Stack files and test data use other names (`docker-stack.yml`, `full-example.yml`): a YAML
// file with a top-level block `services:` mapping and no Kubernetes `apiVersion`/`kind`.
const SERVICES_MAP = /^services:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[ \t]+[^\s#-]/m;
const KUBERNETES = /^(?:apiVersion|kind):/m;
// Names other finders own (Helm values, CI files) are never sniffed.
const OTHER_OWNER = /^values[^/\\]*\.ya?ml$|gitlab-ci\.ya?ml$/i;

/** matchesCompose reports whether a file is a Compose file, by name or (for other YAML names) by content. */
export function matchesCompose(file: string, text = ''): boolean {
  const base = baseName(file);
  if (BASENAME.test(base)) return true;
  if (!/\.ya?ml$/i.test(base) || OTHER_OWNER.test(base) || /(?:^|[/\\])\.github[/\\]/.test(file)) return false;
  return SERVICES_MAP.test(text) && !KUBERNETES.test(text);
}

/** composeFinder finds `services.*.image` in Compose files (id `compose`). */
export const composeFinder: Finder = {
  id: 'compose',
  matches: (file, text) => matchesCompose(file, text),
  find: (file, text) => findComposeImages(file, text),
};

