import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeLines } from '../../src/cli/io.js';
import { scrubbingStream } from '../../src/cli/scrub-stream.js';

function capture(): { stream: PassThrough; writes: string[] } {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')));
  return { stream, writes };
}

describe('writeLines', () => {
  it('writes every line in order, in few writes, each ending at a line end', () => {
    const { stream, writes } = capture();
    const lines = Array.from({ length: 5000 }, (_, i) => `pinned deploy/app-${i}.yaml:3:12 nginx:1.${i} -> sha256:0123456789ab`);
    writeLines(stream, lines);
    expect(writes.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(writes.length).toBeLessThan(10);
    for (const w of writes) expect(w.endsWith('\n')).toBe(true);
  });

  it('writes nothing for no lines', () => {
    const { stream, writes } = capture();
    writeLines(stream, []);
    expect(writes).toEqual([]);
  });

  it('still scrubs a secret on every line through the scrubbing stream (chunks end at line ends)', () => {
    const { stream, writes } = capture();
    const scrubbed = scrubbingStream(stream, (text) => text.replace(/hunter2/gi, '***'));
    writeLines(scrubbed, Array.from({ length: 3000 }, (_, i) => `line ${i} HUNTER2 ${'x'.repeat(i % 50)}`));
    const out = writes.join('');
    expect(out).not.toMatch(/hunter2/i);
    expect(out.split('\n').filter(Boolean)).toHaveLength(3000);
  });
});
