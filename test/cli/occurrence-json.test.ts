import { describe, expect, it } from 'vitest';
import { occurrenceJson } from '../../src/cli/output.js';
import { scanText } from '../../src/pipeline/scan.js';

describe('occurrenceJson', () => {
  it('gives UTF-16 offsets and UTF-8 byte offsets, which differ after non-ASCII text', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: "é😀"}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n';
    const [o] = scanText('p.yaml', 'p.yaml', text, {}).occurrences;
    const json = occurrenceJson(o!, text);
    expect(text.slice(json.start as number, json.end as number)).toBe('nginx:1.25');
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.subarray(json.byteStart as number, json.byteEnd as number).toString('utf8')).toBe('nginx:1.25');
    expect((json.byteStart as number) - (json.start as number)).toBe(1 + 2); // é: +1 byte, 😀: 4 bytes vs 2 units
  });

  it('reports the tag a reference follows: a tagless one follows latest (issue 12 item 9)', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: busybox\n    - image: nginx:1.25\n    - image: busybox@sha256:' + '0'.repeat(64) + '\n';
    const tags = scanText('p.yaml', 'p.yaml', text, {}).occurrences.map((o) => occurrenceJson(o, text).tag);
    expect(tags).toEqual(['latest', '1.25', undefined]);
  });
});
