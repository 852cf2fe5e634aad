import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciFinder } from '../../src/finders/ci.js';
import { composeFinder } from '../../src/finders/compose.js';
import { dockerfileFinder } from '../../src/finders/dockerfile.js';
import { helmValuesFinder } from '../../src/finders/helm-values.js';
import { kubernetesFinder } from '../../src/finders/kubernetes.js';
import type { Finder, Occurrence } from '../../src/finders/types.js';
import { lintOccurrences, pullPolicyEdits } from '../../src/lint/index.js';
import { parseYaml } from '../../src/yaml/source.js';
import { applyEdits } from '../../src/rewrite/splice.js';
import { fixturePairs, pinEdits } from './fixture-pairs.js';

const ROOT = 'fixtures/lint';
const FINDERS: Finder[] = [kubernetesFinder, composeFinder, dockerfileFinder, helmValuesFinder, ciFinder];

/** findAny runs every one of the finders under test that matches the file. */
function findAny(file: string, text: string): Occurrence[] {
  return FINDERS.filter((f) => f.matches(file, text)).flatMap((f) => f.find(file, text, {}).occurrences);
}

interface LintCase {
  name: string;
  file: string;
  text: string;
  expected: string[];
  mutableTags: RegExp[];
}

function lintCases(): LintCase[] {
  return readdirSync(ROOT)
    .filter((name) => existsSync(join(ROOT, name, 'expected.json')))
    .sort()
    .map((name) => {
      const dir = join(ROOT, name);
      const [file] = readdirSync(join(dir, 'input'));
      const optionsFile = join(dir, 'options.json');
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as { mutableTags?: string[] }) : {};
      return {
        name,
        file: file!,
        text: readFileSync(join(dir, 'input', file!), 'utf8'),
        expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as string[],
        mutableTags: (options.mutableTags ?? []).map((p) => new RegExp(p)),
      };
    });
}

describe('lint fixtures (every rule, positive and negative)', () => {
  const cases = lintCases();

  it('covers every rule with a positive and a negative case', () => {
    const names = cases.map((c) => c.name);
    for (const rule of ['mutable-tag', 'ifnotpresent-unpinned', 'never-unpinned', 'latest-digest-defaults-always', 'always-on-digest']) {
      expect(names).toContain(`${rule}-positive`);
      expect(names).toContain(`${rule}-negative`);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const findings = lintOccurrences(findAny(c.file, c.text), { mutableTags: c.mutableTags });
    expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual(c.expected);
    for (const f of findings) {
      expect(f.file).toBe(c.file);
      expect(f.fix).not.toBe('');
    }
  });
});

describe('pin --set-pull-policy IfNotPresent fixture pairs', () => {
  for (const pair of fixturePairs(ROOT, 'set-pull-policy-')) {
    it(`${pair.dir}: pin + policy edits match byte for byte, and a rerun changes nothing`, () => {
      const run = (text: string): { out: string; skips: string[] } => {
        const occurrences = kubernetesFinder.find(pair.file, text, {}).occurrences;
        const source = parseYaml(pair.file, text);
        const plans = occurrences.map((o) => pullPolicyEdits(o, 'IfNotPresent', text, source));
        const edits = [...pinEdits(occurrences, text), ...plans.flatMap((p) => p.edits)];
        return { out: applyEdits(text, edits), skips: plans.flatMap((p) => (p.skipReason ? [p.skipReason] : [])) };
      };
      const first = run(pair.input);
      expect(first.out).toBe(pair.expected);
      if (pair.dir.endsWith('flow-style')) expect(first.skips).toEqual([expect.stringMatching(/^flow-style/)]);
      else expect(first.skips).toEqual([]);
      const second = run(first.out);
      expect(second.out).toBe(first.out);
      // The inserted key is real YAML: the finder now reads the explicit policy.
      for (const o of kubernetesFinder.find(pair.file, first.out, {}).occurrences) {
        if (!pair.dir.endsWith('flow-style')) expect(o.pod?.imagePullPolicy).toBe('IfNotPresent');
      }
    });
  }
});
