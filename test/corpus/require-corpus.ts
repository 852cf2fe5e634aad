import { existsSync } from 'node:fs';
import path from 'node:path';
import { CORPUS } from './corpus-path.js';

/** setup fails the corpus run before any test when the corpus (with its EXPECTED.md) is missing. */
export default function setup(): void {
  const expected = path.join(CORPUS, 'EXPECTED.md');
  if (!existsSync(expected)) {
    throw new Error(
      `corpus not found: expected ${expected}. The corpus suite needs the shared corpus of real-world files beside the repository (../shared/corpus) or DIGESTPIN_CORPUS=<dir>; \`npm test\` does not need it.`,
    );
  }
}
