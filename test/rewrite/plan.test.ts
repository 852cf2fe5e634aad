import { describe, expect, it } from 'vitest';
import type { DigestFieldPlan, Occurrence } from '../../src/finders/types.js';
import { editsFor } from '../../src/rewrite/plan.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function occurrence(raw: string, start: number, plan: Occurrence['plan'], status: Occurrence['status'] = 'unpinned'): Occurrence {
  return { file: 'f.yaml', line: 1, column: start + 1, span: { start, end: start + raw.length, raw }, finder: 'test', kind: 'container', status, plan };
}

describe('editsFor: reference plans', () => {
  const text = 'image: nginx:1.25\n';
  it.each([
    [{}, 'nginx:1.25@' + D1],
    [{ digestOnly: true }, 'nginx@' + D1],
  ])('%j → %s', (options, replacement) => {
    expect(editsFor(occurrence('nginx:1.25', 7, { type: 'reference' }), D1, options, text)).toEqual([{ start: 7, end: 17, expected: 'nginx:1.25', replacement }]);
  });

  it('makes no edit when the text is already pinned to that digest, and replaces a different digest', () => {
    const pinned = occurrence(`nginx:1.25@${D1}`, 7, { type: 'reference' }, 'pinned');
    expect(editsFor(pinned, D1, {}, '')).toEqual([]);
    expect(editsFor(pinned, D2, {}, '')[0]?.replacement).toBe(`nginx:1.25@${D2}`);
  });

  it('makes no edit for skipped occurrences and refuses malformed digests', () => {
    expect(editsFor({ ...occurrence('x', 0, undefined), status: 'skipped', skipReason: 'variable' }, D1, {}, 'x')).toEqual([]);
    expect(() => editsFor(occurrence('nginx', 0, { type: 'reference' }), 'sha256:abc', {}, 'nginx')).toThrow(expect.objectContaining({ code: 'INVALID_DIGEST', message: expect.stringMatching(/^f\.yaml:1:1: /) }));
  });
});

describe('editsFor: digest-field plans', () => {
  const field = (plan: Omit<DigestFieldPlan, 'type'>): Occurrence => occurrence('v1', 0, { type: 'digest-field', ...plan });

  it('replaces an existing value, with or without the algorithm, and skips identical values', () => {
    const text = 'digest: "sha256:old"\n';
    const value = { start: 9, end: 19, raw: 'sha256:old' };
    expect(editsFor(field({ value, withAlgorithm: true }), D1, {}, text)).toEqual([{ start: 9, end: 19, expected: 'sha256:old', replacement: D1 }]);
    expect(editsFor(field({ value, withAlgorithm: false }), D1, {}, text)[0]?.replacement).toBe('1'.repeat(64));
    expect(editsFor(field({ value: { start: 0, end: 71, raw: D1 }, withAlgorithm: true }), D1, {}, D1)).toEqual([]);
  });

  it('adds a space after a bare `digest:` and not inside empty quotes', () => {
    expect(editsFor(field({ value: { start: 7, end: 7, raw: '' }, withAlgorithm: true }), D1, {}, 'digest:\n')[0]?.replacement).toBe(` ${D1}`);
    expect(editsFor(field({ value: { start: 9, end: 9, raw: '' }, withAlgorithm: true }), D1, {}, 'digest: ""\n')[0]?.replacement).toBe(D1);
  });

  it('inserts a line, or appends one after a last line without a newline', () => {
    const insert = { offset: 12, indent: '  ', key: 'digest', eol: '\r\n' };
    expect(editsFor(field({ insert, withAlgorithm: true }), D1, {}, '')).toEqual([{ start: 12, end: 12, expected: '', replacement: `  digest: ${D1}\r\n` }]);
    expect(editsFor(field({ insert: { ...insert, atEndWithoutNewline: true }, withAlgorithm: true }), D1, {}, '')[0]?.replacement).toBe(`\r\n  digest: ${D1}`);
  });
});
