import { describe, expect, it } from 'vitest';
import { hasControl, quoteUntrusted, stripControl } from '../src/sanitize.js';

describe('stripControl', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['esc\u001b[31mred', 'esc[31mred'],
    ['bel\u0007 nul\u0000 cr\r del\u007f', 'bel nul cr del'],
    ['c1 csi\u009b2J nel\u0085', 'c1 csi2J nel'],
    ['bidi \u202egnp.exe\u2066x\u2069', 'bidi gnp.exex'],
    ['unicode é → ✓ stays', 'unicode é → ✓ stays'],
  ])('%j → %j', (input, expected) => {
    expect(stripControl(input)).toBe(expected);
    expect(hasControl(input)).toBe(input !== expected);
  });
});

describe('quoteUntrusted', () => {
  it('quotes as JSON and escapes C1 and bidi characters JSON.stringify leaves alone', () => {
    expect(quoteUntrusted('a\u001b\u009b\u202e"b')).toBe('"a\\u001b\\u009b\\u202e\\"b"');
    expect(quoteUntrusted(42)).toBe('"42"');
  });
});
