import { describe, expect, it } from 'vitest';
import {
  KubeletKeyring,
  isDefaultRegistryMatch,
  kubeletImageName,
  normalizeKeyringKey,
  urlsMatchStr,
} from '../../src/auth/kubelet-match.js';

// Tables ported from kubernetes pkg/credentialprovider/keyring_test.go
// (TestURLsMatch, TestDockerKeyringForGlob, TestKeyringMiss,
// TestKeyringMissWithDockerHubCredentials, TestKeyringHitWith*DockerHub,
// TestIsDefaultRegistryMatch, TestDockerKeyringLookup, TestIssue3797).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/keyring_test.go

describe('urlsMatchStr (TestURLsMatch)', () => {
  it.each([
    // match when there is no path component
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    // match with path components
    ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    // match with path components and ports
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
    // no match when number of parts mismatch
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['*kubernetes.io', 'a.kubernetes.io', false],
    // match when number of parts match
    ['*kubernetes.io', 'kubernetes.io', true],
    ['*.*.*.kubernetes.io', 'a.b.c.kubernetes.io', true],
    // no match when some parts mismatch
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    // no match when ports mismatch
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
    // digestpin additions: path is a plain string prefix, hosts are case-sensitive like Go
    ['registry.io/team', 'registry.io/teamster/app', true],
    ['registry.io/team/', 'registry.io/teamster/app', false],
    ['registry.io:5000', 'registry.io/app', false],
    ['Registry.io', 'registry.io/app', false],
    ['[::1]:5000', '[::1]:5000/app', true],
    ['bad host', 'bad host/app', false],
  ])('%s vs %s → %s', (glob, target, expected) => {
    expect(urlsMatchStr(glob, target)).toBe(expected);
  });
});

function keyringWith(entries: Array<[string, string]>): KubeletKeyring<string> {
  const keyring = new KubeletKeyring<string>();
  keyring.add(entries);
  return keyring;
}

describe('KubeletKeyring lookup', () => {
  it.each([
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ])('TestDockerKeyringForGlob: key %s finds %s/foo/bar', (key, image) => {
    expect(keyringWith([[key, 'cred']]).lookup(`${image}/foo/bar`)).toEqual(['cred']);
  });

  it.each([
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
  ])('TestKeyringMiss: key %s misses %s/foo/bar', (key, image) => {
    expect(keyringWith([[key, 'cred']]).lookup(`${image}/foo/bar`)).toEqual([]);
  });

  it('TestDockerKeyringLookup: most specific key first, prefix on the path string', () => {
    const keyring = keyringWith([
      ['bar.example.com/pong', 'grace'],
      ['bar.example.com', 'ada'],
    ]);
    expect(keyring.lookup('bar.example.com')).toEqual(['ada']);
    expect(keyring.lookup('bar.example.com/pong')).toEqual(['grace', 'ada']);
    expect(keyring.lookup('bar.example.com/ping')).toEqual(['ada']);
    expect(keyring.lookup('bar.example.com/pongz')).toEqual(['grace', 'ada']);
    expect(keyring.lookup('bar.example.com/pong/pang')).toEqual(['grace', 'ada']);
    expect(keyring.lookup('example.com')).toEqual([]);
    expect(keyring.lookup('foo.example.com')).toEqual([]);
  });

  it('TestIssue3797: a key with scheme and /v1/ matches by host', () => {
    const keyring = keyringWith([['https://quay.io/v1/', 'rex']]);
    for (const image of ['quay.io', 'quay.io/foo', 'quay.io/foo/bar']) expect(keyring.lookup(image)).toEqual(['rex']);
  });

  it('orders several matches in reverse lexical order: exact before wildcard, longer before shorter', () => {
    const keyring = keyringWith([
      ['*.example.com', 'wild'],
      ['r.example.com', 'host'],
      ['r.example.com/team', 'team'],
      ['r.example.com/team/app', 'app'],
      ['r.example.com:5000', 'other-port'],
    ]);
    expect(keyring.lookup('r.example.com/team/app')).toEqual(['app', 'team', 'host', 'wild']);
    expect(keyring.keys()).toEqual(['r.example.com:5000', 'r.example.com/team/app', 'r.example.com/team', 'r.example.com', '*.example.com']);
  });

  it('keeps insertion order for credentials under the same normalized key', () => {
    const keyring = keyringWith([
      ['https://ghcr.io/v2/', 'first'],
      ['ghcr.io', 'second'],
      ['http://ghcr.io/', 'third'],
    ]);
    expect(keyring.lookup('ghcr.io/acme/app')).toEqual(['first', 'second', 'third']);
  });
});

describe('Docker Hub keys (defaultRegistryHost)', () => {
  const hub = (key: string) => keyringWith([[key, 'hub']]);

  it.each([
    ['https://index.docker.io/v1/', 'docker.io/library/nginx', ['hub']],
    ['index.docker.io', 'docker.io/library/nginx', ['hub']],
    ['docker.io', 'docker.io/library/nginx', ['hub']],
    ['https://index.docker.io/v1/', 'google/docker-registry', ['hub']], // TestKeyringHitWithUnqualifiedDockerHub
    ['https://index.docker.io/v1/', 'jenkins', ['hub']], // TestKeyringHitWithUnqualifiedLibraryDockerHub
    ['https://index.docker.io/v1/', 'index.docker.io/v1//google/docker-registry', ['hub']], // TestKeyringHitWithQualifiedDockerHub
    ['https://index.docker.io/v1/', 'world.mesos.org/foo/bar', []], // TestKeyringMissWithDockerHubCredentials
    ['docker.io', 'ghcr.io/acme/app', []],
    ['registry-1.docker.io', 'docker.io/library/nginx', []], // not kubelet's default key and a different host
  ])('key %s, image %s', (key, image, expected) => {
    expect(hub(key).lookup(image)).toEqual(expected);
  });

  it('falls back to Docker Hub credentials only when no key matched', () => {
    const keyring = keyringWith([
      ['https://index.docker.io/v1/', 'hub'],
      ['docker.io/acme', 'acme'],
    ]);
    expect(keyring.lookup('docker.io/acme/app')).toEqual(['acme']);
    expect(keyring.lookup('docker.io/library/nginx')).toEqual(['hub']);
  });

  it('looks images up by their normalized name, as kubelet does after ParseImageName', () => {
    expect(kubeletImageName({ registry: 'docker.io', repository: 'library/nginx' })).toBe('docker.io/library/nginx');
  });
});

describe('isDefaultRegistryMatch (TestIsDefaultRegistryMatch)', () => {
  it.each([
    ['foo/bar', true],
    ['docker.io/foo/bar', true],
    ['index.docker.io/foo/bar', true],
    ['foo', true],
    ['', false],
    ['registry.tld/foo/bar', false],
    ['registry:5000/foo/bar', false],
    ['myhostdocker.io/foo/bar', false],
  ])('%j → %s', (image, expected) => {
    expect(isDefaultRegistryMatch(image)).toBe(expected);
  });
});

describe('normalizeKeyringKey (BasicDockerKeyring.Add)', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['index.docker.io/v1/', 'index.docker.io'],
    ['https://quay.io/v2/', 'quay.io'],
    ['http://quay.io', 'quay.io'],
    ['quay.io/', 'quay.io'],
    ['quay.io/v1/coreos', 'quay.io/coreos'],
    ['quay.io/v2', 'quay.io/v2'],
    ['quay.io/coreos/etcd', 'quay.io/coreos/etcd'],
    ['localhost:5000', 'localhost:5000'],
    ['https://user@host.example:443/x', 'host.example:443/x'],
    ['host.example/a%20b', 'host.example/a b'],
    ['bad host', undefined],
    ['host:port', undefined],
    ['host/%zz', undefined],
    ['host\u0001', undefined],
  ])('%j → %j', (key, expected) => {
    expect(normalizeKeyringKey(key)).toBe(expected);
  });

  it('ignores entries whose key Go cannot parse, like kubelet', () => {
    expect(keyringWith([['bad host', 'x'], ['good.io', 'y']]).lookup('good.io/app')).toEqual(['y']);
  });
});
