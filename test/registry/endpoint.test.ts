import { describe, expect, it } from 'vitest';

import { isPinError } from '../../src/errors.js';
import { canonicalRegistry, endpointFor, hostPolicy, parseMirror } from '../../src/registry/endpoint.js';
import { testRef } from './helpers.js';

describe('parseMirror', () => {
  it.each([
    ['docker.io=mirror.local:5000', { source: 'docker.io', target: 'mirror.local:5000' }],
    ['docker.io=mirror.local:5000/hub', { source: 'docker.io', target: 'mirror.local:5000/hub' }],
    ['index.docker.io=m.example/a/b/', { source: 'docker.io', target: 'm.example/a/b' }],
    ['docker.io=m.example/hub_mirror/dh-1.x', { source: 'docker.io', target: 'm.example/hub_mirror/dh-1.x' }],
    ['ghcr.io=[::1]:5000/ghcr', { source: 'ghcr.io', target: '[::1]:5000/ghcr' }],
  ])('%s', (spec, expected) => expect(parseMirror(spec)).toEqual(expected));

  // Issue 11 item 12: the prefix is pasted into the request path, so `?`, `#`, `..`, `%2e`
  // or upper case would change which URL is asked; it must be a repository path.
  it.each([
    'docker.io', '=mirror', 'docker.io=', 'docker.io=https://mirror', 'a b=c', 'docker.io=mirror//x',
    'docker.io=mirror.local/hub?x=1', 'docker.io=mirror.local/hub#frag', 'docker.io=mirror.local/../v2/other',
    'docker.io=mirror.local/hub/..', 'docker.io=mirror.local/./hub', 'docker.io=mirror.local/%2e%2e/x', 'docker.io=mirror.local/Hub',
    'docker.io=mirror.local/-hub', 'docker.io=mirror.local/hub\\x', 'docker.io=mirror.local/hub x',
  ])('rejects %j', (spec) => {
    let error: unknown;
    try {
      parseMirror(spec);
    } catch (e) {
      error = e;
    }
    expect(isPinError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toContain(JSON.stringify(spec));
  });
});

describe('endpointFor', () => {
  it('serves docker.io at registry-1.docker.io', () => {
    expect(endpointFor(testRef('docker.io', 'library/nginx', { tag: '1' }))).toEqual({
      registry: 'docker.io', host: 'registry-1.docker.io', repository: 'library/nginx',
    });
  });
  it('keeps other registries as they are', () => {
    expect(endpointFor(testRef('127.0.0.1:5000', 'app'))).toEqual({ registry: '127.0.0.1:5000', host: '127.0.0.1:5000', repository: 'app' });
  });
  it('rewrites to the first matching mirror with its prefix', () => {
    const mirrors = [parseMirror('docker.io=mirror.local:5000/hub'), parseMirror('docker.io=other.example')];
    expect(endpointFor(testRef('docker.io', 'library/nginx'), mirrors)).toEqual({
      registry: 'mirror.local:5000', host: 'mirror.local:5000', repository: 'hub/library/nginx',
    });
    expect(endpointFor(testRef('ghcr.io', 'o/r'), mirrors).host).toBe('ghcr.io');
  });
  it('folds Docker Hub aliases', () => {
    expect(canonicalRegistry('Index.Docker.IO')).toBe('docker.io');
  });
});

describe('hostPolicy', () => {
  const policy = hostPolicy(['insecure.example', 'reg.local:5000', 'http://legacy.example:8080/']);
  it.each([
    ['insecure.example', true, true],
    ['insecure.example:443', true, true],
    ['reg.local:5000', true, true],
    ['reg.local:5001', false, false],
    ['reg.local', false, false],
    ['legacy.example:8080', true, true],
    ['ghcr.io', false, false],
    ['localhost:5000', true, false],
    ['127.0.0.1:5000', true, false],
    ['[::1]:5000', true, false],
  ])('%s → http %s, skip TLS verify %s', (host, http, skip) => {
    expect(policy.allowHttp(host)).toBe(http);
    expect(policy.skipTlsVerify(host)).toBe(skip);
  });
});
