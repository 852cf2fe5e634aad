import { intern } from '../intern.js';
import type { Occurrence, PodContext, ReferencePlan } from './types.js';

// A tree of 10,000 manifests yields ~50k occurrences that live for the whole run (issue 13
// cause 5). Built by object spreads, each had a hidden class of its own (~19 MB of maps and
// descriptor arrays), and their strings were per-occurrence copies or slices of the file text.

/**
 * shapeOccurrence copies an occurrence into the one object shape every occurrence shares:
 * every field present (`undefined` when unset, which `toEqual` and JSON treat as absent), in
 * the same order, with its repeated strings interned (all but `file`: one per file, shared by
 * the caller).
 */
export function shapeOccurrence(o: Occurrence): Occurrence {
  return {
    file: o.file,
    line: o.line,
    column: o.column,
    span: { start: o.span.start, end: o.span.end, raw: intern(o.span.raw) },
    finder: intern(o.finder),
    kind: intern(o.kind),
    path: o.path === undefined ? undefined : intern(o.path),
    status: intern(o.status),
    skipReason: o.skipReason === undefined ? undefined : intern(o.skipReason),
    ref: o.ref,
    plan: o.plan?.type === 'reference' ? REFERENCE_PLAN : o.plan,
    pod: o.pod === undefined ? undefined : internPod(o.pod),
  };
}

/** REFERENCE_PLAN is the one (frozen) plan of every occurrence whose own text is the reference. */
const REFERENCE_PLAN: ReferencePlan = Object.freeze({ type: 'reference' });

const CACHE_LIMIT = 20_000;
const pods = new Map<string, PodContext>();

/**
 * internPod returns one shared, frozen PodContext per distinct content: containers of
 * the same pods repeat the same namespace, pull policy, secrets and indentation.
 */
export function internPod(pod: PodContext): PodContext {
  const key = JSON.stringify([pod.namespace, pod.imagePullSecrets, pod.serviceAccountName, pod.imagePullPolicy, pod.containerIndent]);
  const hit = pods.get(key);
  if (hit !== undefined) return hit;
  const shared: PodContext = {};
  if (pod.namespace !== undefined) shared.namespace = intern(pod.namespace);
  if (pod.imagePullSecrets !== undefined) shared.imagePullSecrets = Object.freeze(pod.imagePullSecrets.map(intern)) as string[];
  if (pod.serviceAccountName !== undefined) shared.serviceAccountName = intern(pod.serviceAccountName);
  if (pod.imagePullPolicy !== undefined) shared.imagePullPolicy = intern(pod.imagePullPolicy);
  if (pod.containerIndent !== undefined) shared.containerIndent = intern(pod.containerIndent);
  if (pods.size >= CACHE_LIMIT) pods.clear();
  pods.set(key, Object.freeze(shared));
  return shared;
}
