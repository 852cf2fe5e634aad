// Tables ported from distribution/reference (https://github.com/distribution/reference):
// normalize_test.go (TestValidateReferenceName, TestValidateRemoteName, TestParseRepositoryInfo,
// TestNormalizedSplitHostname, TestParseReferenceWithTagAndDigest, TestParseAnyReference) and
// reference_test.go (TestReferenceParse, run through ParseNormalizedNamed, so names without a
// registry gain docker.io/ and library/).
import { describe, expect, it } from 'vitest';
import { familiarString, parseReference } from '../../src/reference/index.js';

const FFF64 = 'f'.repeat(64);

describe('TestValidateReferenceName', () => {
  it.each([
    'docker/docker',
    'library/debian',
    'debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
  ])('accepts %s', (name) => {
    expect(() => parseReference(name)).not.toThrow();
  });

  it.each([
    'https://github.com/docker/docker',
    'docker/Docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker/Docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  ])('rejects %s', (name) => {
    expect(() => parseReference(name)).toThrow(/^invalid reference /);
  });
});

describe('TestValidateRemoteName', () => {
  it.each([
    'docker/docker',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker-rules/docker',
    'docker---rules/docker',
    'doc/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
  ])('accepts %s', (name) => {
    expect(() => parseReference(name)).not.toThrow();
  });

  it.each([
    'docker/Docker',
    'docker///docker',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    '-docker/docker',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4).slice(0, -1)}/docker`,
  ])('rejects %s', (name) => {
    expect(() => parseReference(name)).toThrow(/^invalid reference /);
  });
});

describe('TestParseRepositoryInfo', () => {
  const cases: { path: string; familiar: string; full: string; ambiguous?: string; domain: string }[] = [
    { path: 'fooo/bar', familiar: 'fooo/bar', full: 'docker.io/fooo/bar', ambiguous: 'index.docker.io/fooo/bar', domain: 'docker.io' },
    { path: 'library/ubuntu', familiar: 'ubuntu', full: 'docker.io/library/ubuntu', ambiguous: 'library/ubuntu', domain: 'docker.io' },
    { path: 'nonlibrary/ubuntu', familiar: 'nonlibrary/ubuntu', full: 'docker.io/nonlibrary/ubuntu', domain: 'docker.io' },
    { path: 'other/library', familiar: 'other/library', full: 'docker.io/other/library', domain: 'docker.io' },
    { path: 'private/moonbase', familiar: '127.0.0.1:8000/private/moonbase', full: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000' },
    { path: 'privatebase', familiar: '127.0.0.1:8000/privatebase', full: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000' },
    { path: 'private/moonbase', familiar: 'example.com/private/moonbase', full: 'example.com/private/moonbase', domain: 'example.com' },
    { path: 'privatebase', familiar: 'example.com/privatebase', full: 'example.com/privatebase', domain: 'example.com' },
    { path: 'private/moonbase', familiar: 'example.com:8000/private/moonbase', full: 'example.com:8000/private/moonbase', domain: 'example.com:8000' },
    { path: 'privatebasee', familiar: 'example.com:8000/privatebasee', full: 'example.com:8000/privatebasee', domain: 'example.com:8000' },
    {
      path: 'library/ubuntu-12.04-base',
      familiar: 'ubuntu-12.04-base',
      full: 'docker.io/library/ubuntu-12.04-base',
      ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
      domain: 'docker.io',
    },
    { path: 'library/foo', familiar: 'foo', full: 'docker.io/library/foo', ambiguous: 'docker.io/foo', domain: 'docker.io' },
    { path: 'library/foo/bar', familiar: 'library/foo/bar', full: 'docker.io/library/foo/bar', domain: 'docker.io' },
    { path: 'store/foo/bar', familiar: 'store/foo/bar', full: 'docker.io/store/foo/bar', domain: 'docker.io' },
    { path: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo' },
    { path: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO' },
  ];
  const rows = cases.flatMap((c) =>
    [c.familiar, c.full, ...(c.ambiguous ? [c.ambiguous] : [])].map((input) => ({ input, ...c })),
  );

  it.each(rows)('$input', (c) => {
    const ref = parseReference(c.input);
    expect(ref.familiarName).toBe(c.familiar);
    expect(ref.toString()).toBe(c.full);
    expect(ref.domain).toBe(c.domain);
    expect(ref.path).toBe(c.path);
  });
});

describe('TestNormalizedSplitHostname', () => {
  it.each([
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  ])('%s', (input, domain, path) => {
    const ref = parseReference(input);
    expect([ref.domain, ref.path]).toEqual([domain, path]);
  });
});

describe('TestParseReferenceWithTagAndDigest', () => {
  it('keeps both tag and digest', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const ref = parseReference(short);
    expect(ref.toString()).toBe(`docker.io/library/${short}`);
    expect(ref.tag).toBe('latest');
    expect(ref.digest).toBe('sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
    expect(familiarString(ref)).toBe(short);
  });
});

describe('TestParseAnyReference (named references)', () => {
  const dgst = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
  it.each([
    ['redis', 'docker.io/library/redis'],
    ['redis:latest', 'docker.io/library/redis:latest'],
    ['docker.io/library/redis:latest', 'docker.io/library/redis:latest'],
    [`redis@${dgst}`, `docker.io/library/redis@${dgst}`],
    [`docker.io/library/redis@${dgst}`, `docker.io/library/redis@${dgst}`],
    ['dmcgowan/myapp', 'docker.io/dmcgowan/myapp'],
    ['dmcgowan/myapp:latest', 'docker.io/dmcgowan/myapp:latest'],
    ['docker.io/mcgowan/myapp:latest', 'docker.io/mcgowan/myapp:latest'],
    [`dmcgowan/myapp@${dgst}`, `docker.io/dmcgowan/myapp@${dgst}`],
    [`docker.io/dmcgowan/myapp@${dgst}`, `docker.io/dmcgowan/myapp@${dgst}`],
    // 63 hex characters is a name, not an image ID.
    ['dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', 'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9'],
    ['dbcc1', 'docker.io/library/dbcc1'],
  ])('%s', (input, equivalent) => {
    expect(parseReference(input).toString()).toBe(equivalent);
  });
});

describe('TestReferenceParse (normalized)', () => {
  it.each([
    ['test_com', 'docker.io/library/test_com'],
    ['test.com:tag', 'docker.io/library/test.com:tag'],
    ['test.com:5000', 'docker.io/library/test.com:5000'],
    ['test.com/repo:tag', 'test.com/repo:tag'],
    ['test:5000/repo', 'test:5000/repo'],
    ['test:5000/repo:tag', 'test:5000/repo:tag'],
    [`test:5000/repo@sha256:${FFF64}`, `test:5000/repo@sha256:${FFF64}`],
    [`test:5000/repo:tag@sha256:${FFF64}`, `test:5000/repo:tag@sha256:${FFF64}`],
    ['lowercase:Uppercase', 'docker.io/library/lowercase:Uppercase'],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, `docker.io/${'a/'.repeat(127)}a:tag-puts-this-over-max`],
    ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com/bar/baz/quux'],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com/bar/baz/quux:some-long-tag'],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io/test.example.com/my-app:test.example.com'],
    ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com/myimage:xn--n3h.com'],
    [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`, `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`],
    ['foo_bar.com:8080', 'docker.io/library/foo_bar.com:8080'],
    ['foo/foo_bar.com:8080', 'docker.io/foo/foo_bar.com:8080'],
    ['192.168.1.1', 'docker.io/library/192.168.1.1'],
    ['192.168.1.1:tag', 'docker.io/library/192.168.1.1:tag'],
    ['192.168.1.1:5000', 'docker.io/library/192.168.1.1:5000'],
    ['192.168.1.1/repo', '192.168.1.1/repo'],
    ['192.168.1.1:5000/repo', '192.168.1.1:5000/repo'],
    ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000/repo:5050'],
    ['[2001:db8::1]/repo', '[2001:db8::1]/repo'],
    ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]/repo:tag'],
    ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000/repo'],
    ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000/repo:tag'],
    [`[2001:db8::1]:5000/repo@sha256:${FFF64}`, `[2001:db8::1]:5000/repo@sha256:${FFF64}`],
    [`[2001:db8::1]:5000/repo:tag@sha256:${FFF64}`, `[2001:db8::1]:5000/repo:tag@sha256:${FFF64}`],
    ['[2001:db8::]:5000/repo', '[2001:db8::]:5000/repo'],
    ['[::1]:5000/repo', '[::1]:5000/repo'],
  ])('%s', (input, full) => {
    expect(parseReference(input).toString()).toBe(full);
  });

  it.each([
    ['', 'empty'],
    [':justtag', 'path'],
    [`@sha256:${FFF64}`, 'path'],
    [`repo@sha256:${'f'.repeat(34)}`, 'digest'],
    [`validname@invaliddigest:${FFF64}`, 'digest'],
    ['Uppercase:tag', 'path'],
    ['test:5000/Uppercase/lowercase:tag', 'path'],
    [`${'a/'.repeat(128)}a:tag`, 'name'],
    ['aa/asdf$$^/aa', 'path'],
    ['[2001:db8::1]', 'path'],
    ['[2001:db8::1]:5000', 'path'],
    ['[2001:db8::1]:tag', 'path'],
    ['[fe80::1%eth0]:5000/repo', 'domain'],
    ['[fe80::1%@invalidzone]:5000/repo', 'domain'],
  ])('rejects %s (%s)', (input, part) => {
    expect(() => parseReference(input)).toThrow(expect.objectContaining({ part }));
  });
});
