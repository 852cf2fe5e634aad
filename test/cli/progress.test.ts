import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/output.js';

function stream(isTTY: boolean): { s: PassThrough & { isTTY?: boolean }; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  s.isTTY = isTTY;
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { s, text: () => chunks.join('') };
}

describe('progressLine', () => {
  it('redraws one line on a TTY and clears it when done', async () => {
    const { s, text } = stream(true);
    const report = progressLine(s, 'resolving')!;
    report(1, 2);
    report(2, 2);
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('\rresolving 1/2\rresolving 2/2\r\x1b[K');
  });

  it('prints nothing when stderr is not a TTY (CI logs stay clean)', () => {
    expect(progressLine(stream(false).s, 'resolving')).toBeUndefined();
  });
});
