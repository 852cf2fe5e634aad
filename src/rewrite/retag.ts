import { PinError } from '../errors.js';
import type { DigestFieldPlan, Occurrence } from '../finders/types.js';
import { parseReference } from '../reference/index.js';
import type { Edit } from './types.js';

/**
 * retaggedText replaces the tag of a reference text, keeping the user's spelling of the
 * name and dropping any digest (the caller pins the new tag's digest):
 * `reg:5000/app:1.2.3@sha256:…` → `reg:5000/app:1.3.0`. Throws for a text without a tag.
 */
export function retaggedText(raw: string, tag: string): string {
  const at = raw.indexOf('@');
  const base = at < 0 ? raw : raw.slice(0, at);
  const ref = parseReference(base);
  if (ref.tag === undefined || !base.endsWith(`:${ref.tag}`)) {
    throw new PinError('REWRITE_CONFLICT', `cannot change the tag of ${JSON.stringify(raw)}: it has none`);
  }
  const out = `${base.slice(0, base.length - ref.tag.length)}${tag}`;
  parseReference(out);
  return out;
}

/** canRetag reports whether `update --versions` can move this occurrence's tag in place. */
export function canRetag(occurrence: Occurrence): boolean {
  const { plan, ref } = occurrence;
  if (!plan || !ref?.tag || occurrence.status === 'skipped') return false;
  if (plan.type === 'reference') return true;
  return plan.tag !== undefined && plan.tag.raw === ref.tag;
}

/** tagFieldEdit rewrites a digest-field plan's tag field (kustomize `newTag`, Helm `tag`) to `tag`. */
export function tagFieldEdit(occurrence: Occurrence, plan: DigestFieldPlan, tag: string): Edit {
  if (!plan.tag) {
    throw new PinError('REWRITE_CONFLICT', `${occurrence.file}:${occurrence.line}:${occurrence.column}: no tag field to move to ${tag}`);
  }
  parseReference(`example.invalid/x:${tag}`);
  return { start: plan.tag.start, end: plan.tag.end, expected: plan.tag.raw, replacement: tag };
}
