import { describe, expect, it } from 'vitest';
import {
  ReferenceError,
  familiarString,
  parseReference,
  pinnedText,
  validateDigest,
  withDigest,
} from '../../src/reference/index.js';

const NEW = `sha256:${'0123456789abcdef'.repeat(4)}`;
const OLD = `sha256:${'f'.repeat(64)}`;
const SHA512 = `sha512:${'ab'.repeat(64)}`;

describe('pinnedText', () => {
  // [raw, digestOnly, expected]: the user's spelling is kept byte for byte except for the digest (and tag when digestOnly).
  it.each<[string, boolean, string]>([
    ['nginx', false, `nginx@${NEW}`],
    ['nginx', true, `nginx@${NEW}`],
    ['nginx:1.25', false, `nginx:1.25@${NEW}`],
    ['nginx:1.25', true, `nginx@${NEW}`],
    ['nginx:1.25@sha256:old', false, `nginx:1.25@${NEW}`], // a malformed old digest is replaced, not validated
    ['nginx:1.25@sha256:old', true, `nginx@${NEW}`],
    [`nginx:1.25@${OLD}`, false, `nginx:1.25@${NEW}`],
    [`nginx@${OLD}`, false, `nginx@${NEW}`],
    [`nginx@${OLD}`, true, `nginx@${NEW}`],
    [`nginx:1.25@${NEW}`, false, `nginx:1.25@${NEW}`], // already pinned: unchanged
    ['library/nginx:1', false, `library/nginx:1@${NEW}`],
    ['docker.io/nginx:1', true, `docker.io/nginx@${NEW}`],
    ['index.docker.io/library/nginx:1', false, `index.docker.io/library/nginx:1@${NEW}`],
    ['registry:5000/alpine:frozen', false, `registry:5000/alpine:frozen@${NEW}`],
    ['registry:5000/alpine:frozen', true, `registry:5000/alpine@${NEW}`],
    ['registry:5000/alpine', true, `registry:5000/alpine@${NEW}`], // the port is not a tag
    ['localhost:5000/app:v1', true, `localhost:5000/app@${NEW}`],
    ['localhost:5000/team/app', false, `localhost:5000/team/app@${NEW}`],
    ['10.42.0.1:30000/test-image:1.0.0', false, `10.42.0.1:30000/test-image:1.0.0@${NEW}`],
    ['10.42.0.1:30000/test-image:1.0.0', true, `10.42.0.1:30000/test-image@${NEW}`],
    ['[::1]:5000/app:v1', false, `[::1]:5000/app:v1@${NEW}`],
    ['[::1]:5000/app:v1', true, `[::1]:5000/app@${NEW}`],
    ['[::1]:5000/app', true, `[::1]:5000/app@${NEW}`],
    ['[2001:db8::1]/app:v1', true, `[2001:db8::1]/app@${NEW}`],
    ['Foo.com/app:V1', false, `Foo.com/app:V1@${NEW}`],
    ['localhost:5000', true, `localhost@${NEW}`], // no "/": Docker Hub image "localhost", tag "5000"
    ['new-app-1:MYNEWTAG-1', false, `new-app-1:MYNEWTAG-1@${NEW}`],
    [`chrislusf/seaweedfs:4.40_large_disk@${OLD}`, false, `chrislusf/seaweedfs:4.40_large_disk@${NEW}`],
    [
      `gcr.io/knative-releases/knative.dev/serving/cmd/activator@${OLD}`,
      false,
      `gcr.io/knative-releases/knative.dev/serving/cmd/activator@${NEW}`,
    ],
  ])('%s (digestOnly=%s)', (raw, digestOnly, expected) => {
    expect(pinnedText(raw, NEW, { digestOnly })).toBe(expected);
    // Pinning the result again is a no-op.
    expect(pinnedText(expected, NEW, { digestOnly })).toBe(expected);
  });

  it('keeps the tag by default and accepts sha512', () => {
    expect(pinnedText('nginx:1.25', SHA512)).toBe(`nginx:1.25@${SHA512}`);
  });

  it.each<[string, string, 'INVALID_REFERENCE' | 'INVALID_DIGEST', string]>([
    ['nginx', 'sha256:abc', 'INVALID_DIGEST', 'invalid digest "sha256:abc": sha256 digest must be 64 hex characters, got 3'],
    ['nginx', 'md5:0123456789abcdef0123456789abcdef', 'INVALID_DIGEST', 'unsupported digest algorithm "md5"'],
    ['Nginx:1', NEW, 'INVALID_REFERENCE', 'repository name must be lowercase'],
    ['nginx:', NEW, 'INVALID_REFERENCE', 'tag is empty'],
    ['', NEW, 'INVALID_REFERENCE', 'empty reference'],
    ['${REGISTRY}/app', NEW, 'INVALID_REFERENCE', 'invalid reference'],
  ])('rejects %s with %s', (raw, digest, code, message) => {
    expect(() => pinnedText(raw, digest)).toThrow(expect.objectContaining({ code, message: expect.stringContaining(message) }));
  });
});

describe('withDigest', () => {
  it('adds a digest and keeps the tag', () => {
    const ref = parseReference('nginx:1.25');
    const pinned = withDigest(ref, NEW, { keepTag: true });
    expect(pinned.toString()).toBe(`docker.io/library/nginx:1.25@${NEW}`);
    expect(pinned.original).toBe(`nginx:1.25@${NEW}`);
    expect(pinned.tag).toBe('1.25');
    expect(pinned.digest).toBe(NEW);
    expect(pinned.familiarName).toBe('nginx');
    expect(ref.digest).toBeUndefined(); // the source value is untouched
  });

  it('drops the tag unless keepTag, and replaces an existing digest', () => {
    const ref = parseReference(`registry:5000/alpine:frozen@${OLD}`);
    const pinned = withDigest(ref, NEW, { keepTag: false });
    expect(pinned.toString()).toBe(`registry:5000/alpine@${NEW}`);
    expect(pinned.original).toBe(`registry:5000/alpine@${NEW}`);
    expect(pinned.tag).toBeUndefined();
  });

  it.each(['nginx', 'nginx:1.25', `ghcr.io/o/r:v1@${OLD}`, '[::1]:5000/app:v1', 'localhost:5000'])(
    'the new original parses to the new reference (%s)',
    (input) => {
      for (const keepTag of [true, false]) {
        const pinned = withDigest(parseReference(input), NEW, { keepTag });
        expect(parseReference(pinned.original)).toEqual(pinned);
      }
    },
  );

  it('rejects an invalid digest', () => {
    expect(() => withDigest(parseReference('nginx'), 'sha256:abc', { keepTag: true })).toThrow(ReferenceError);
  });
});

describe('validateDigest', () => {
  // go-digest digest_test.go TestParseDigest, with v1.0.0's registered algorithms.
  it.each([
    'sha256:e58fcf7418d4390dec8e8fb69d88c06ec07039d651fedd3aa72af9972e7d046b',
    'sha384:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d',
    SHA512,
  ])('accepts %s', (digest) => {
    expect(validateDigest(digest)).toBe(digest);
  });

  it.each([
    ['', 'digest is empty'],
    ['     ', 'digest must be "algorithm:hex"'],
    ['sha256:', 'digest must be "algorithm:hex"'],
    [':', 'digest must be "algorithm:hex"'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'digest must be "algorithm:hex"'],
    ['sha256:d41d8cd98f00b204e9800m98ecf8427e', 'found "m"'],
    ['sha256:abcdef0123456789', 'must be 64 hex characters, got 16'],
    ['sha512:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', 'must be 128 hex characters, got 64'],
    ['foo:d41d8cd98f00b204e9800998ecf8427e', 'unsupported digest algorithm "foo"'],
    ['blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262', 'unsupported digest algorithm "blake3"'],
    ['sha384__foo+bar:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d', 'is malformed'],
    ['sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564', 'unsupported digest algorithm "sha256+b64"'],
    ['sha256:E58FCF7418D4390DEC8E8FB69D88C06EC07039D651FEDD3AA72AF9972E7D046B', 'must be lowercase hex'],
  ])('rejects %j', (digest, message) => {
    expect(() => validateDigest(digest)).toThrow(
      expect.objectContaining({ code: 'INVALID_DIGEST', part: 'digest', message: expect.stringContaining(message) }),
    );
  });
});

describe('familiarString', () => {
  it.each([
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    [`index.docker.io/library/busybox:latest@${NEW}`, `busybox:latest@${NEW}`],
    ['docker.io/bitnami/redis', 'bitnami/redis'],
    ['docker.io/library/foo/bar:v1', 'library/foo/bar:v1'],
    ['ghcr.io/o/r:v1', 'ghcr.io/o/r:v1'],
    [`[::1]:5000/app@${NEW}`, `[::1]:5000/app@${NEW}`],
  ])('%s -> %s', (input, expected) => {
    expect(familiarString(parseReference(input))).toBe(expected);
  });
});
