import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FinderOptions, FindResult, Occurrence } from '../../src/finders/types.js';
import { editsFor } from '../../src/rewrite/plan.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import type { Edit } from '../../src/rewrite/types.js';

/** STUB_DIGEST stands in for a registry answer in fixture pairs. */
export const STUB_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** FindFn is a finder's find function. */
export type FindFn = (file: string, text: string, options: FinderOptions) => FindResult;

/** pinEdits are the edits that pin every unpinned occurrence to STUB_DIGEST. */
export function pinEdits(occurrences: Occurrence[], text: string): Edit[] {
  return occurrences.filter((o) => o.status === 'unpinned').flatMap((o) => editsFor(o, STUB_DIGEST, {}, text));
}

/** pinText finds and pins a text, returning the result and the occurrences. */
export function pinText(find: FindFn, file: string, text: string, options: FinderOptions = {}): { out: string; occurrences: Occurrence[] } {
  const { occurrences } = find(file, text, options);
  return { out: applyEdits(text, pinEdits(occurrences, text)), occurrences };
}

/** FixturePair is one input file and its expected output, by relative path. */
export interface FixturePair {
  dir: string;
  file: string;
  input: string;
  expected: string;
  options: FinderOptions;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** fixturePairs lists `<root>/<prefix>*` dirs holding `input/…`, `expected/…` and an optional `options.json`. */
export function fixturePairs(root: string, prefix: string): FixturePair[] {
  return readdirSync(root)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .flatMap((name) => {
      const dir = join(root, name);
      const optionsFile = join(dir, 'options.json');
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as FinderOptions) : {};
      return walk(join(dir, 'input')).map((path) => {
        const file = relative(join(dir, 'input'), path);
        return {
          dir: name,
          file,
          input: readFileSync(path, 'utf8'),
          expected: readFileSync(join(dir, 'expected', file), 'utf8'),
          options,
        };
      });
    });
}
