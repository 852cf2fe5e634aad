import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { familiarString, parseReference, pinnedText } from '../../src/reference/index.js';
import type { ImageReference } from '../../src/reference/index.js';

// Valid components, generated from the grammar's pieces (grammar.ts).
const alnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '---');
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(''));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`);
const hostName = fc.tuple(label, fc.array(label, { minLength: 1, maxLength: 3 })).map(([h, t]) => [h, ...t].join('.'));
const ipv4 = fc.ipV4();
const ipv6 = fc.constantFrom('[::1]', '[2001:db8::1]', '[fc00:1:2:3:4:5:6:7]', '[FE80::A]');
const domain = fc.oneof(
  fc.tuple(fc.oneof(hostName, ipv4, ipv6, fc.constant('localhost')), fc.option(port, { nil: '' })).map(([h, p]) => h + p),
  fc.constantFrom('docker.io', 'index.docker.io', 'Registry', 'ghcr.io'),
);

const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const digest = fc.oneof(
  hex(64).map((h) => `sha256:${h}`),
  hex(96).map((h) => `sha384:${h}`),
  hex(128).map((h) => `sha512:${h}`),
);

// Without a registry, a first element like "a_b.c" reads as a (bad) domain: see the
// documented deviation in parse.ts; such inputs are not valid references here.
const ambiguous = (r: { domain?: string; path: string }) =>
  r.domain === undefined && /^[^/]*\.[^/]*\//.test(r.path) && /^[^/]*_/.test(r.path);

const reference = fc
  .record({
    domain: fc.option(domain, { nil: undefined }),
    path,
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  .filter((r) => !ambiguous(r))
  .map(
    (r) =>
      (r.domain === undefined ? '' : `${r.domain}/`) +
      r.path +
      (r.tag === undefined ? '' : `:${r.tag}`) +
      (r.digest === undefined ? '' : `@${r.digest}`),
  );

function fields(ref: ImageReference) {
  const { domain, path: p, name, tag: t, digest: d, familiarName } = ref;
  return { domain, path: p, name, tag: t, digest: d, familiarName };
}

describe('round trips', () => {
  it('parseReference(ref.toString()) equals ref', () => {
    fc.assert(
      fc.property(reference, (input) => {
        const ref = parseReference(input);
        const again = parseReference(ref.toString());
        expect(fields(again)).toEqual(fields(ref));
        expect(again.toString()).toBe(ref.toString());
      }),
      { numRuns: 2_000 },
    );
  });

  it('the familiar form parses back to the same reference', () => {
    fc.assert(
      fc.property(reference, (input) => {
        const ref = parseReference(input);
        expect(fields(parseReference(familiarString(ref)))).toEqual(fields(ref));
      }),
      { numRuns: 2_000 },
    );
  });

  it('pinnedText keeps the name and tag and sets the digest', () => {
    fc.assert(
      fc.property(reference, digest, fc.boolean(), (input, d, digestOnly) => {
        const ref = parseReference(input);
        const pinned = parseReference(pinnedText(input, d, { digestOnly }));
        expect(pinned.name).toBe(ref.name);
        expect(pinned.tag).toBe(digestOnly ? undefined : ref.tag);
        expect(pinned.digest).toBe(d);
      }),
      { numRuns: 1_000 },
    );
  });
});
