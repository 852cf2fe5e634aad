import type { Occurrence } from '../finders/types.js';
import { defaultPullPolicy, hasPullPolicy, RULES } from './rules.js';
import type { Finding, LintContext, LintOptions } from './types.js';

export type { Finding, LintOptions, Rule, Severity } from './types.js';
export { defaultPullPolicy, hasPullPolicy, mutableTagReason, RULES } from './rules.js';
export { formatFindings, LINT_FORMATS, type LintFormat } from './format.js';
export { insertPullPolicyEdits, pullPolicyEdits, type PullPolicyPlan } from './pull-policy.js';

/** contextOf builds a rule's view of an occurrence; undefined for skipped ones. */
function contextOf(occurrence: Occurrence, options: LintOptions): LintContext | undefined {
  const ref = occurrence.ref;
  if (occurrence.status === 'skipped' || ref === undefined) return undefined;
  const ctx: LintContext = { occurrence, options, tag: ref.tag, digest: ref.digest };
  // Pull policies exist only for containers of pods; other images (Dockerfile, compose,
  // Helm values) get the tag rules alone.
  if (occurrence.pod !== undefined && hasPullPolicy(occurrence)) {
    const explicit = occurrence.pod.imagePullPolicy;
    ctx.explicitPolicy = explicit;
    ctx.effectivePolicy = explicit ?? defaultPullPolicy(ref.tag, ref.digest);
  }
  return ctx;
}

/** lintOccurrences runs every rule over the occurrences and returns findings sorted by place. */
export function lintOccurrences(occurrences: readonly Occurrence[], options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const occurrence of occurrences) {
    const ctx = contextOf(occurrence, options);
    if (!ctx) continue;
    for (const rule of RULES) {
      const message = rule.check(ctx);
      if (message === undefined) continue;
      const { file, line, column } = occurrence;
      findings.push({ ruleId: rule.id, severity: rule.severity, file, line, column, message, fix: rule.fix });
    }
  }
  return findings.sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** hasErrors reports whether any finding has severity `error` (`digestpin lint` then exits 1). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
