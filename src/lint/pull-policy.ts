import { isMap, isScalar, isSeq, visit, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { PinError } from '../errors.js';
import type { Occurrence } from '../finders/types.js';
import { keyString, ownPair } from '../yaml/reader.js';
import { lineStart, parseYaml, scalarSource, type YamlSource } from '../yaml/source.js';
import type { Edit } from '../rewrite/types.js';
import { hasPullPolicy } from './rules.js';

// `pin --set-pull-policy <policy>`: make a container's imagePullPolicy explicit, byte-exactly.
// https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy

const POLICIES = new Set(['Always', 'IfNotPresent', 'Never']);

/** PullPolicyPlan is the edits that set one container's policy, or why there are none. */
export interface PullPolicyPlan {
  edits: Edit[];
  /** skipReason says why the policy could not be set (the edits are then empty). */
  skipReason?: string;
}

/** Located is the container mapping that holds the occurrence's image, and the image pair. */
interface Located {
  map: YAMLMap;
  pair: Pair;
  /** flow: the mapping or one of its ancestors is written in flow style (`{…}`, `[…]`). */
  flow: boolean;
}

/** locate finds the mapping whose `image` value covers the occurrence's span. */
function locate(source: YamlSource, occurrence: Occurrence): Located | undefined {
  const at = occurrence.span.start;
  for (const doc of source.documents) {
    let found: Located | undefined;
    visit(doc, {
      Pair(_key, pair, path) {
        if (keyString(pair.key) !== 'image' || !isScalar(pair.value)) return undefined;
        const range = pair.value.range;
        if (!range || at < range[0] || at > range[1]) return undefined;
        const parent = path[path.length - 1];
        if (!isMap(parent)) return undefined;
        const flow = path.some((n) => (isMap(n) || isSeq(n)) && n.flow === true);
        found = { map: parent, pair, flow };
        return visit.BREAK;
      },
    });
    if (found) return found;
  }
  return undefined;
}

/** replacePolicy rewrites an existing `imagePullPolicy` value when it differs. */
function replacePolicy(pair: Pair, policy: string, text: string): PullPolicyPlan {
  const value = pair.value;
  if (!isScalar(value)) return { edits: [], skipReason: 'imagePullPolicy is not a scalar' };
  const located = scalarSource(value as Scalar, text);
  if (!located) {
    // `imagePullPolicy:` with nothing after it: write the value after the colon.
    const keyEnd = (pair.key as Scalar).range?.[1];
    const colon = keyEnd === undefined ? -1 : text.indexOf(':', keyEnd);
    if (colon < 0) return { edits: [], skipReason: 'imagePullPolicy has no value to replace' };
    return { edits: [{ start: colon + 1, end: colon + 1, expected: '', replacement: ` ${policy}` }] };
  }
  if (value.value === policy) return { edits: [] };
  if (!located.verbatim || located.style === 'block') {
    return { edits: [], skipReason: 'imagePullPolicy is not a plain or quoted scalar' };
  }
  const { start, end, raw } = located.span;
  return { edits: [{ start, end, expected: raw, replacement: policy }] };
}

/** insertionPoint is where the line after the image value starts, and that line ending. */
function insertionPoint(text: string, valueEnd: number): { offset: number; eol: string; atEnd: boolean } {
  // Block scalars end after their last line break; other values end mid-line.
  const nl = text[valueEnd - 1] === '\n' ? valueEnd - 1 : text.indexOf('\n', valueEnd);
  if (nl < 0) {
    const first = text.indexOf('\n');
    const eol = first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
    return { offset: text.length, eol, atEnd: true };
  }
  return { offset: nl + 1, eol: text[nl - 1] === '\r' ? '\r\n' : '\n', atEnd: false };
}

/** insertPolicy adds `imagePullPolicy: <policy>` on the line after the image, at the container's key indent. */
function insertPolicy(found: Located, occurrence: Occurrence, policy: string, text: string): PullPolicyPlan {
  const key = found.pair.key as Scalar;
  const value = found.pair.value as Scalar;
  const keyStart = key.range?.[0];
  const valueEnd = value.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) return { edits: [], skipReason: 'image position unknown' };
  // The key may follow `- ` on its line; sibling keys align with the key itself.
  const indent = occurrence.pod?.containerIndent ?? ' '.repeat(keyStart - lineStart(text, keyStart));
  const { offset, eol, atEnd } = insertionPoint(text, valueEnd);
  const line = `imagePullPolicy: ${policy}`;
  const replacement = atEnd ? `${eol}${indent}${line}` : `${indent}${line}${eol}`;
  return { edits: [{ start: offset, end: offset, expected: '', replacement }] };
}

/**
 * pullPolicyEdits computes the edits that make a pod container's
 * imagePullPolicy explicitly `policy`: it replaces an existing value, or
 * inserts the key right after the image line at the container's indentation
 * (keeping CRLF and a missing final newline). Flow-style containers, non-pod
 * images and templated values are skipped with a reason. Pass `source` to
 * reuse one parse for many occurrences of a file.
 */
export function pullPolicyEdits(occurrence: Occurrence, policy: string, text: string, source?: YamlSource): PullPolicyPlan {
  if (!POLICIES.has(policy)) {
    throw new PinError('USAGE', `invalid pull policy ${JSON.stringify(policy)}: use Always, IfNotPresent or Never`);
  }
  if (!occurrence.pod || !hasPullPolicy(occurrence)) return { edits: [], skipReason: 'not a pod container' };
  if (occurrence.status === 'skipped') return { edits: [], skipReason: `image skipped (${occurrence.skipReason ?? 'unknown'})` };
  // Already effective (own key, or merged in with `<<`): nothing to write.
  if (occurrence.pod.imagePullPolicy === policy) return { edits: [] };
  const found = locate(source ?? parseYaml(occurrence.file, text), occurrence);
  if (!found) return { edits: [], skipReason: 'container mapping not found' };
  if (found.flow) return { edits: [], skipReason: 'flow-style container ({…}); edit it by hand' };
  const existing = ownPair(found.map, 'imagePullPolicy');
  if (existing) return replacePolicy(existing, policy, text);
  return insertPolicy(found, occurrence, policy, text);
}

/** insertPullPolicyEdits returns just the edits of pullPolicyEdits (none when it skips). */
export function insertPullPolicyEdits(occurrence: Occurrence, policy: string, text: string, source?: YamlSource): Edit[] {
  return pullPolicyEdits(occurrence, policy, text, source).edits;
}
