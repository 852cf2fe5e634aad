import { ciFinder } from './ci.js';
import { composeFinder } from './compose.js';
import { dockerfileFinder } from './dockerfile.js';
import { helmTemplateFinder } from './helm-template.js';
import { helmValuesFinder } from './helm-values.js';
import { kubernetesFinder } from './kubernetes.js';
import { kustomizeFinder } from './kustomize.js';
import { shapeOccurrence } from './occurrence-shape.js';
import type { Finder, FinderOptions, FindResult } from './types.js';

// Finders are plug-ins behind one interface, kept in a Map (Renovate manager/api.ts).
// To add one: import it and add a line to BUILT_IN (or call registerFinder).

/** RegisterOptions say how a finder combines with others on the same file. */
export interface RegisterOptions {
  /**
   * exclusive: when this finder matches a file, no other finder sees it
   * (templates that are not YAML; formats another finder would misread).
   */
  exclusive?: boolean;
}

const BUILT_IN: ReadonlyArray<[Finder, RegisterOptions]> = [
  // The guard comes first: chart templates are Go templates, not YAML.
  [helmTemplateFinder, { exclusive: true }],
  // Formats with their own image positions: a values, compose, CI or Dockerfile
  // is never also read as Kubernetes objects.
  [dockerfileFinder, { exclusive: true }],
  [helmValuesFinder, { exclusive: true }],
  [ciFinder, { exclusive: true }],
  [composeFinder, { exclusive: true }],
  [kustomizeFinder, {}],
  [kubernetesFinder, {}],
];

/** finders maps finder ids to finders, in the order they are tried. */
export const finders: Map<string, Finder> = new Map();
const exclusive = new Set<string>();

/** registerFinder adds (or replaces) a finder under its id. */
export function registerFinder(finder: Finder, options: RegisterOptions = {}): void {
  finders.set(finder.id, finder);
  if (options.exclusive) exclusive.add(finder.id);
  else exclusive.delete(finder.id);
}

for (const [finder, options] of BUILT_IN) registerFinder(finder, options);

/**
 * findersFor picks the finders for a file by name, then content: the first
 * matching exclusive finder alone, otherwise every matching finder in order.
 */
export function findersFor(file: string, text: string): Finder[] {
  const matching = [...finders.values()].filter((finder) => finder.matches(file, text));
  const alone = matching.find((finder) => exclusive.has(finder.id));
  return alone ? [alone] : matching;
}

/** findAll runs every finder that applies to a file and merges their results (sorted by offset, in the shared occurrence shape). */
export function findAll(file: string, text: string, options: FinderOptions = {}): Required<FindResult> {
  const result: Required<FindResult> = { occurrences: [], secrets: [], serviceAccounts: [] };
  for (const finder of findersFor(file, text)) {
    const found = finder.find(file, text, options);
    result.occurrences.push(...found.occurrences);
    result.secrets.push(...(found.secrets ?? []));
    result.serviceAccounts.push(...(found.serviceAccounts ?? []));
  }
  result.occurrences.sort((a, b) => a.span.start - b.span.start);
  // map: an array of exactly the right size, in the shape occurrences share (they live for the whole run).
  result.occurrences = result.occurrences.map(shapeOccurrence);
  return result;
}
