import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { scrubbingStream } from '../../src/cli/scrub-stream.js';

// Issue 11 item 9: once a registry client exists, every write to stdout/stderr is scrubbed.
describe('scrubbingStream', () => {
  it('scrubs strings and Buffers and keeps the rest of the stream working', async () => {
    const target = Object.assign(new PassThrough(), { isTTY: false });
    const chunks: string[] = [];
    target.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const stream = scrubbingStream(target, (text) => text.replace(/hunter2/gi, '***'));
    stream.write('password HUNTER2\n');
    stream.write(Buffer.from('again hunter2\n'));
    expect(stream.isTTY).toBe(false);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(chunks.join('')).toBe('password ***\nagain ***\n');
  });
});
