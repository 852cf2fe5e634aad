import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/rewrite/splice.js';

const text = 'image: nginx:1\nimage: redis:7\n';

describe('applyEdits', () => {
  it('applies edits in any order, right to left', () => {
    const out = applyEdits(text, [
      { start: 22, end: 29, expected: 'redis:7', replacement: 'redis:7@sha256:b' },
      { start: 7, end: 14, expected: 'nginx:1', replacement: 'nginx:1@sha256:a' },
      { start: 30, end: 30, expected: '', replacement: 'digest: x\n' },
    ]);
    expect(out).toBe('image: nginx:1@sha256:a\nimage: redis:7@sha256:b\ndigest: x\n');
  });

  it('returns the text unchanged for no edits and applies identical duplicates once', () => {
    expect(applyEdits(text, [])).toBe(text);
    const edit = { start: 7, end: 14, expected: 'nginx:1', replacement: 'nginx:2' };
    expect(applyEdits(text, [edit, { ...edit }])).toBe('image: nginx:2\nimage: redis:7\n');
  });

  it('allows an insert touching a replacement', () => {
    expect(applyEdits('abc', [{ start: 1, end: 2, expected: 'b', replacement: 'B' }, { start: 2, end: 2, expected: '', replacement: '+' }])).toBe('aB+c');
  });

  it.each([
    ['expected text differs', [{ start: 7, end: 14, expected: 'nginx:2', replacement: 'x' }], /^offset 7 \(line 1, column 8\): expected "nginx:2" but found "nginx:1"$/],
    ['overlap', [{ start: 7, end: 14, expected: 'nginx:1', replacement: 'x' }, { start: 13, end: 14, expected: '1', replacement: 'y' }], /^offset 13 \(line 1, column 14\): edit overlaps/],
    ['two inserts at one offset', [{ start: 15, end: 15, expected: '', replacement: 'a' }, { start: 15, end: 15, expected: '', replacement: 'b' }], /^offset 15 \(line 2, column 1\)/],
    ['out of range', [{ start: 40, end: 41, expected: '', replacement: 'x' }], /outside the text/],
    ['reversed range', [{ start: 5, end: 4, expected: '', replacement: 'x' }], /outside the text/],
  ])('rejects %s with REWRITE_CONFLICT', (_label, edits, message) => {
    expect(() => applyEdits(text, edits)).toThrow(expect.objectContaining({ code: 'REWRITE_CONFLICT', message: expect.stringMatching(message) }));
  });
});
