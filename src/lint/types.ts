import type { Occurrence } from '../finders/types.js';

/** Severity orders findings: `error` fails `digestpin lint` (exit 1), the others only report. */
export type Severity = 'error' | 'warning' | 'info';

/** Finding is one rule violation at one image occurrence. */
export interface Finding {
  /** ruleId is the stable rule name (`mutable-tag`, …); see docs/lint-rules.md. */
  ruleId: string;
  severity: Severity;
  file: string;
  /** line and column (1-based) of the image text. */
  line: number;
  column: number;
  message: string;
  /** fix is a one-line remedy. */
  fix: string;
}

/** LintOptions are the user's knobs for `digestpin lint`. */
export interface LintOptions {
  /** mutableTags are extra tag patterns treated as mutable (`--mutable-tags '^v?\d+$'`). */
  mutableTags?: RegExp[];
}

/** LintContext is what a rule sees of one resolved-or-not, non-skipped occurrence. */
export interface LintContext {
  occurrence: Occurrence;
  /** tag and digest as written (no implicit `latest`). */
  tag?: string;
  digest?: string;
  /** explicitPolicy is the container's `imagePullPolicy`, when written. */
  explicitPolicy?: string;
  /** effectivePolicy is the explicit policy, else what Kubernetes defaults it to; pods only. */
  effectivePolicy?: string;
  options: LintOptions;
}

/** Rule is one lint check: metadata plus a pure check returning a message when violated. */
export interface Rule {
  id: string;
  severity: Severity;
  /** summary is the one-line description used in SARIF and docs. */
  summary: string;
  fix: string;
  check(ctx: LintContext): string | undefined;
}
