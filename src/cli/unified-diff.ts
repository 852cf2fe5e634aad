// Only `--diff` renders diffs: commands import this module when they need it, so the `diff`
// package (19 modules, ~19 ms to import against ~6 ms for a one-line module) is not loaded by
// every pin and update run (issue 13 cause 6).
import { createTwoFilesPatch } from 'diff';

import type { FileChange } from '../pipeline/plan.js';

/** unifiedDiff renders one file change as a unified diff with a/ and b/ prefixes. */
export function unifiedDiff(change: FileChange): string {
  return createTwoFilesPatch(`a/${change.display}`, `b/${change.display}`, change.before, change.after, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('==='))
    .join('\n');
}
