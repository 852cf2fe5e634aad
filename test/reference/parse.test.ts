import { describe, expect, it } from 'vitest';
import { PinError, isPinError } from '../../src/errors.js';
import { ReferenceError, parseReference } from '../../src/reference/index.js';
import type { ReferencePart } from '../../src/reference/index.js';

const HEX64 = '0123456789abcdef'.repeat(4);
const SHA256 = `sha256:${HEX64}`;
const SHA384 = `sha384:${'0123456789abcdef'.repeat(6)}`;
const SHA512 = `sha512:${'f'.repeat(128)}`;

interface Good {
  input: string;
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
  familiar: string;
}

// Expected values follow distribution/reference ParseNormalizedNamed and FamiliarName
// (https://github.com/distribution/reference/blob/main/normalize_test.go).
const good: Good[] = [
  { input: 'nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'nginx:latest', domain: 'docker.io', path: 'library/nginx', tag: 'latest', familiar: 'nginx' },
  { input: 'library/nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'docker.io/nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'docker.io/library/nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'index.docker.io/library/nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'index.docker.io/nginx', domain: 'docker.io', path: 'library/nginx', familiar: 'nginx' },
  { input: 'docker.io/library/foo/bar', domain: 'docker.io', path: 'library/foo/bar', familiar: 'library/foo/bar' },
  // Deviation from upstream FamiliarName: keep docker.io/ when the namespace would read as a registry.
  { input: 'docker.io/localhost/app', domain: 'docker.io', path: 'localhost/app', familiar: 'docker.io/localhost/app' },
  { input: 'docker.io/a.b/c', domain: 'docker.io', path: 'a.b/c', familiar: 'docker.io/a.b/c' },
  { input: 'a_b/c.d', domain: 'docker.io', path: 'a_b/c.d', familiar: 'a_b/c.d' },
  { input: 'bitnami/redis:7.2', domain: 'docker.io', path: 'bitnami/redis', tag: '7.2', familiar: 'bitnami/redis' },
  { input: 'localhost/app', domain: 'localhost', path: 'app', familiar: 'localhost/app' },
  { input: 'localhost:5000/app:v1', domain: 'localhost:5000', path: 'app', tag: 'v1', familiar: 'localhost:5000/app' },
  // A port makes the first element a registry even without a ".".
  {
    input: 'registry:5000/alpine:frozen',
    domain: 'registry:5000',
    path: 'alpine',
    tag: 'frozen',
    familiar: 'registry:5000/alpine',
  },
  {
    input: '10.42.0.1:30000/test-image:1.0.0',
    domain: '10.42.0.1:30000',
    path: 'test-image',
    tag: '1.0.0',
    familiar: '10.42.0.1:30000/test-image',
  },
  { input: '[::1]:5000/app', domain: '[::1]:5000', path: 'app', familiar: '[::1]:5000/app' },
  { input: '[2001:db8::1]/app', domain: '[2001:db8::1]', path: 'app', familiar: '[2001:db8::1]/app' },
  // Uppercase is allowed in domains, and an uppercase first element is a domain.
  { input: 'Foo.com/app', domain: 'Foo.com', path: 'app', familiar: 'Foo.com/app' },
  { input: 'Foo/bar', domain: 'Foo', path: 'bar', familiar: 'Foo/bar' },
  {
    input: `gcr.io/knative-releases/knative.dev/serving/cmd/activator@${SHA256}`,
    domain: 'gcr.io',
    path: 'knative-releases/knative.dev/serving/cmd/activator',
    digest: SHA256,
    familiar: 'gcr.io/knative-releases/knative.dev/serving/cmd/activator',
  },
  {
    input: `chrislusf/seaweedfs:4.40_large_disk@${SHA256}`,
    domain: 'docker.io',
    path: 'chrislusf/seaweedfs',
    tag: '4.40_large_disk',
    digest: SHA256,
    familiar: 'chrislusf/seaweedfs',
  },
  { input: `nginx:1.25@${SHA256}`, domain: 'docker.io', path: 'library/nginx', tag: '1.25', digest: SHA256, familiar: 'nginx' },
  { input: `nginx@${SHA512}`, domain: 'docker.io', path: 'library/nginx', digest: SHA512, familiar: 'nginx' },
  { input: `nginx@${SHA384}`, domain: 'docker.io', path: 'library/nginx', digest: SHA384, familiar: 'nginx' },
  // Tags may be uppercase; only the repository path must be lowercase.
  { input: 'new-app-1:MYNEWTAG-1', domain: 'docker.io', path: 'library/new-app-1', tag: 'MYNEWTAG-1', familiar: 'new-app-1' },
  { input: `app:${'t'.repeat(128)}`, domain: 'docker.io', path: 'library/app', tag: 't'.repeat(128), familiar: 'app' },
  { input: 'a__b', domain: 'docker.io', path: 'library/a__b', familiar: 'a__b' },
  { input: 'a--b/c.d_e', domain: 'docker.io', path: 'a--b/c.d_e', familiar: 'a--b/c.d_e' },
  { input: 'ghcr.io/o/r', domain: 'ghcr.io', path: 'o/r', familiar: 'ghcr.io/o/r' },
  { input: 'registry.k8s.io/pause:3.9', domain: 'registry.k8s.io', path: 'pause', tag: '3.9', familiar: 'registry.k8s.io/pause' },
  {
    input: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:prod',
    domain: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    path: 'team/app',
    tag: 'prod',
    familiar: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app',
  },
  // Without a "/" a reference is always a Docker Hub name: "localhost:5000" is image "localhost", tag "5000".
  { input: 'localhost:5000', domain: 'docker.io', path: 'library/localhost', tag: '5000', familiar: 'localhost' },
  { input: 'docker.io', domain: 'docker.io', path: 'library/docker.io', familiar: 'docker.io' },
  // "sha256:abc" is a valid reference: image "sha256", tag "abc" (only as a digest is it bad).
  { input: 'sha256:abc', domain: 'docker.io', path: 'library/sha256', tag: 'abc', familiar: 'sha256' },
  // The image-ID rule applies to the whole input only.
  { input: `${HEX64}:tag`, domain: 'docker.io', path: `library/${HEX64}`, tag: 'tag', familiar: HEX64 },
  { input: `docker.io/${HEX64}`, domain: 'docker.io', path: `library/${HEX64}`, familiar: HEX64 },
  // 255 characters of path is the maximum: "library/" (8) + 247.
  { input: 'a'.repeat(247), domain: 'docker.io', path: `library/${'a'.repeat(247)}`, familiar: 'a'.repeat(247) },
  // The limit is on the path, not the domain (distribution/reference#9).
  {
    input: `${'d'.repeat(60)}.example.com/${'p'.repeat(255)}`,
    domain: `${'d'.repeat(60)}.example.com`,
    path: 'p'.repeat(255),
    familiar: `${'d'.repeat(60)}.example.com/${'p'.repeat(255)}`,
  },
];

describe('parseReference: valid references', () => {
  it.each(good)('$input', (c) => {
    const ref = parseReference(c.input);
    expect(ref.original).toBe(c.input);
    expect(ref.domain).toBe(c.domain);
    expect(ref.path).toBe(c.path);
    expect(ref.name).toBe(`${c.domain}/${c.path}`);
    expect(ref.tag).toBe(c.tag);
    expect(ref.digest).toBe(c.digest);
    expect(ref.familiarName).toBe(c.familiar);
    const tail = (c.tag === undefined ? '' : `:${c.tag}`) + (c.digest === undefined ? '' : `@${c.digest}`);
    expect(ref.toString()).toBe(`${c.domain}/${c.path}${tail}`);
    expect(String(ref)).toBe(ref.toString());
  });

  it('returns a frozen value that serializes its fields', () => {
    const ref = parseReference('nginx:1.25');
    expect(Object.isFrozen(ref)).toBe(true);
    expect(JSON.parse(JSON.stringify(ref))).toEqual({
      original: 'nginx:1.25',
      domain: 'docker.io',
      path: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: '1.25',
      familiarName: 'nginx',
    });
  });
});

interface Bad {
  input: string;
  part: ReferencePart;
  message: string | RegExp;
}

const bad: Bad[] = [
  { input: '', part: 'empty', message: 'empty reference' },
  { input: 'Nginx:1', part: 'path', message: 'invalid reference "Nginx:1": repository name must be lowercase' },
  { input: 'docker/Docker', part: 'path', message: 'repository name must be lowercase ("docker/Docker")' },
  { input: 'ghcr.io/Org/app', part: 'path', message: 'repository name must be lowercase' },
  { input: 'nginx:', part: 'tag', message: 'tag is empty (trailing ":")' },
  { input: 'nginx@', part: 'digest', message: 'digest is empty (trailing "@")' },
  { input: 'nginx:1@', part: 'digest', message: 'digest is empty' },
  { input: 'nginx@sha256:abc', part: 'digest', message: 'digest "sha256:abc": sha256 digest must be 64 hex characters, got 3' },
  { input: `nginx@sha256:${HEX64.slice(1)}`, part: 'digest', message: 'must be 64 hex characters, got 63' },
  { input: `nginx@sha256:${HEX64}0`, part: 'digest', message: 'must be 64 hex characters, got 65' },
  { input: `nginx@sha256:${HEX64.toUpperCase()}`, part: 'digest', message: 'sha256 digest must be lowercase hex' },
  { input: `nginx@sha256:${HEX64.slice(1)}g`, part: 'digest', message: 'found "g"' },
  { input: `nginx@sha512:${HEX64}`, part: 'digest', message: 'sha512 digest must be 128 hex characters, got 64' },
  { input: `nginx@md5:${HEX64.slice(32)}`, part: 'digest', message: 'unsupported digest algorithm "md5"' },
  { input: `nginx@SHA256:${HEX64}`, part: 'digest', message: 'unsupported digest algorithm "SHA256"' },
  { input: `nginx@sha256:${HEX64}@sha256:${HEX64}`, part: 'digest', message: 'found "@"' },
  { input: `nginx@${HEX64}`, part: 'digest', message: 'digest must be "algorithm:hex"' },
  { input: 'docker///docker', part: 'path', message: 'empty path component at position 8 (double or trailing "/")' },
  { input: 'ghcr.io/a//b', part: 'path', message: 'empty path component at position 11' },
  { input: 'app/', part: 'path', message: 'empty path component at position 5' },
  { input: 'a___b', part: 'path', message: 'path component "a___b" is invalid' },
  { input: '-a', part: 'path', message: 'path component "-a" is invalid' },
  { input: 'a-', part: 'path', message: 'path component "a-" is invalid' },
  // A "." makes the first element a domain, even when it would be a bad path component anyway.
  { input: 'dock..er/docker', part: 'domain', message: 'invalid domain "dock..er"' },
  { input: 'docker/dock..er', part: 'path', message: 'path component "dock..er" is invalid' },
  { input: 'aa/asdf$$^/aa', part: 'path', message: 'invalid character "$" at position 8' },
  { input: ' nginx', part: 'path', message: 'invalid character " " at position 1' },
  { input: 'ghcr.io/org/ap p', part: 'path', message: 'invalid character " " at position 15' },
  { input: ':justtag', part: 'path', message: 'repository name is empty' },
  { input: `@${SHA256}`, part: 'path', message: 'repository name is empty' },
  { input: 'localhost/', part: 'path', message: 'repository name is empty' },
  {
    input: `app:${'t'.repeat(129)}`,
    part: 'tag',
    message: `tag "${'t'.repeat(129)}" is invalid: must match [\\w][\\w.-]{0,127} (129 characters, at most 128)`,
  },
  { input: 'app:-x', part: 'tag', message: 'must start with a letter, digit or "_"' },
  { input: 'app:1.25:extra', part: 'tag', message: 'invalid character ":" at position 9' },
  { input: 'a/b:c/d', part: 'tag', message: 'tag "c/d" is invalid' },
  { input: 'a'.repeat(248), part: 'name', message: 'name exceeds 255 characters (repository path is 256)' },
  { input: `ghcr.io/${'a'.repeat(256)}`, part: 'name', message: 'name exceeds 255 characters' },
  { input: HEX64, part: 'name', message: 'a 64-character hex string is an image ID' },
  { input: 'https://github.com/docker/docker', part: 'domain', message: 'invalid domain "https:": a URL is not an image reference' },
  { input: 'fc00::1:5000/debian', part: 'domain', message: 'IPv6 addresses must be in brackets' },
  { input: '[fe80::1%eth0]:5000/repo', part: 'domain', message: 'invalid domain "[fe80::1%eth0]:5000": invalid character "%" at position 9' },
  { input: '[2001:db8:3:4::192.0.2.33]:5000/debian', part: 'domain', message: 'invalid character "." at position 19' },
  { input: '[::1]:port/app', part: 'domain', message: 'invalid character "p" at position 7' },
  { input: 'localhost:abc/app', part: 'domain', message: 'port "abc" must be numeric' },
  { input: 'example.com:/app', part: 'domain', message: 'port "" must be numeric' },
  { input: '-docker.io/docker/docker', part: 'domain', message: 'host name labels must be non-empty and start and end' },
  { input: 'a..b.com/app', part: 'domain', message: 'invalid domain "a..b.com"' },
  // Upstream accepts this with an empty domain (foo_bar.com as a path); it cannot be pulled, so we reject it.
  { input: 'foo_bar.com/app', part: 'domain', message: 'invalid domain "foo_bar.com": invalid character "_" at position 4' },
  { input: '[::1]:5000', part: 'path', message: 'invalid character "[" at position 1' },
];

describe('parseReference: invalid references', () => {
  it.each(bad)('$input', (c) => {
    let caught: unknown;
    try {
      parseReference(c.input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReferenceError);
    expect(caught).toBeInstanceOf(PinError);
    const error = caught as ReferenceError;
    expect(error.part).toBe(c.part);
    expect(error.input).toBe(c.input);
    expect(isPinError(error, c.part === 'digest' ? 'INVALID_DIGEST' : 'INVALID_REFERENCE')).toBe(true);
    // The message always quotes the input first.
    expect(error.message.startsWith(`invalid reference ${JSON.stringify(c.input)}: `)).toBe(true);
    if (typeof c.message === 'string') expect(error.message).toContain(c.message);
    else expect(error.message).toMatch(c.message);
  });

  it('shortens very long inputs in the message', () => {
    const input = `${'a/'.repeat(200)}a`;
    expect(() => parseReference(input)).toThrow(/^invalid reference "(a\/){150}…": name exceeds 255/);
  });
});

describe('parseReference: defaultDomain', () => {
  it.each([
    ['app', 'registry.local:5000', 'registry.local:5000', 'app'],
    ['team/app:v1', 'registry.local', 'registry.local', 'team/app'],
    ['ghcr.io/o/r', 'registry.local', 'ghcr.io', 'o/r'],
    ['docker.io/nginx', 'registry.local', 'docker.io', 'library/nginx'],
    ['nginx', 'index.docker.io', 'docker.io', 'library/nginx'],
    ['nginx', 'docker.io', 'docker.io', 'library/nginx'],
    ['nginx', '[::1]:5000', '[::1]:5000', 'nginx'],
  ])('%s with default %s', (input, defaultDomain, domain, path) => {
    const ref = parseReference(input, { defaultDomain });
    expect([ref.domain, ref.path]).toEqual([domain, path]);
  });

  it('keeps Docker familiar names independent of the default domain', () => {
    expect(parseReference('app', { defaultDomain: 'registry.local' }).familiarName).toBe('registry.local/app');
  });

  it('rejects an invalid default domain', () => {
    expect(() => parseReference('app', { defaultDomain: 'bad_host' })).toThrow(
      'invalid default domain "bad_host": invalid character "_" at position 4',
    );
  });
});
