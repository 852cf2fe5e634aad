import type { Scalar } from 'yaml';
import { isPinError } from '../errors.js';
import { isTemplated, parseReference } from '../reference/index.js';
import { positionOf, scalarSource, type YamlSource } from '../yaml/source.js';
import type { ImageReference } from '../reference/types.js';
import { intern } from '../intern.js';
import type { Occurrence, PodContext, TextSpan } from './types.js';

/** ImageSite is a physical scalar in an image position and what the position means. */
export interface ImageSite {
  scalar: Scalar;
  path: string;
  kind: string;
  pod?: PodContext;
}

/** Classified is the status of a reference text: a parsed ref, or a skip reason. */
export type Classified =
  | { status: 'unpinned' | 'pinned'; ref: ImageReference }
  | { status: 'skipped'; skipReason: string };

/**
 * classifyReference decides what a reference text is: templated or variable
 * values (isTemplated's reason, e.g. `ko-import-path`, `tekton-param`) and
 * unparsable ones (`invalid-reference: <why>`) are skipped, never thrown.
 */
export function classifyReference(text: string): Classified {
  // Trees repeat the same references thousands of times: parse each text once and share the
  // (frozen) result, which keeps 50k occurrences from holding 50k copies of the same reference.
  const hit = classified.get(text);
  if (hit) return hit;
  // A flat copy: a value sliced from a file would keep that whole file's text alive.
  const flat = intern(text);
  const result = Object.freeze(classify(flat));
  if (classified.size >= CACHE_LIMIT) classified.clear();
  classified.set(flat, result);
  return result;
}

const CACHE_LIMIT = 20_000;
const classified = new Map<string, Classified>();

function classify(text: string): Classified {
  const templated = isTemplated(text);
  if (templated) return { status: 'skipped', skipReason: templated };
  try {
    const ref = parseReference(text);
    return { status: ref.digest ? 'pinned' : 'unpinned', ref };
  } catch (error) {
    if (!isPinError(error)) throw error;
    return { status: 'skipped', skipReason: `invalid-reference: ${error.message}` };
  }
}

/**
 * imageOccurrence turns the scalar of an image position into an occurrence,
 * or undefined when the position is empty (`image:` / `image: ""`, as in
 * strategic-merge container overrides). Scalars whose text is not the value
 * itself (escapes, folded lines) are skipped as `non-literal-scalar`.
 */
export function imageOccurrence(source: YamlSource, finder: string, site: ImageSite): Occurrence | undefined {
  const { scalar } = site;
  if (scalar.value === null || scalar.value === '') return undefined;
  const located = scalarSource(scalar, source.text);
  if (!located) return undefined;
  const at = (c: Classified): Occurrence => occurrenceAt(source, finder, located.span, site, c);
  if (typeof scalar.value !== 'string') {
    return at({ status: 'skipped', skipReason: `invalid-reference: image is a ${typeof scalar.value}, not a string` });
  }
  const classified = classifyReference(scalar.value);
  if (classified.status === 'skipped') return at(classified);
  if (!located.verbatim) return at({ status: 'skipped', skipReason: 'non-literal-scalar' });
  return at(classified);
}

/** occurrenceAt builds the occurrence as one literal (findAll then gives it the shared shape, see occurrence-shape.ts). */
function occurrenceAt(source: YamlSource, finder: string, span: TextSpan, site: ImageSite, c: Classified): Occurrence {
  const { line, column } = positionOf(source, span.start);
  const skipped = c.status === 'skipped';
  return {
    file: source.file,
    line,
    column,
    span,
    finder,
    kind: site.kind,
    path: site.path,
    status: c.status,
    skipReason: skipped ? c.skipReason : undefined,
    ref: skipped ? undefined : c.ref,
    plan: skipped ? undefined : { type: 'reference' },
    pod: site.pod,
  };
}
