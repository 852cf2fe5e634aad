import { describe, expect, it } from 'vitest';

import { isPinError } from '../../src/errors.js';
import { indexPlatforms, manifestMediaType, parseManifestJson } from '../../src/registry/manifest.js';
import { DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { indexManifest, sha256 } from './helpers.js';

describe('indexPlatforms', () => {
  it('lists os/arch[/variant] and skips attestations', () => {
    expect(indexPlatforms(JSON.parse(indexManifest))).toEqual([
      { platform: 'linux/amd64', digest: sha256('amd64'), mediaType: OCI_MANIFEST },
      { platform: 'linux/arm64/v8', digest: sha256('arm64'), mediaType: OCI_MANIFEST },
    ]);
  });
  it('skips entries without a platform', () => {
    expect(indexPlatforms({ manifests: [{ digest: sha256('x') }] })).toEqual([]);
  });

  // issue 11 item 5: every descriptor is validated; a crafted one makes the whole index invalid.
  const good = { mediaType: OCI_MANIFEST, digest: sha256('amd64'), platform: { os: 'linux', architecture: 'amd64' } };
  it.each([
    ['a path-traversal digest', { ...good, digest: 'sha256:../../etc/passwd' }, /manifests\[1\] has an invalid digest "sha256:..\/..\/etc\/passwd"/],
    ['an upper-case digest', { ...good, digest: sha256('x').toUpperCase() }, /invalid digest/],
    ['a short digest', { ...good, digest: 'sha256:abc' }, /invalid digest/],
    ['no digest', { ...good, digest: undefined }, /invalid digest "none"/],
    ['a numeric digest', { ...good, digest: 42 }, /invalid digest "42"/],
    ['an attestation with a bad digest', { ...good, digest: 'sha256:x', platform: { os: 'unknown', architecture: 'unknown' } }, /invalid digest/],
    ['ESC in os', { ...good, platform: { os: 'linux\u001b[31m', architecture: 'amd64' } }, /invalid platform os "linux\\u001b\[31m"/],
    ['C1 CSI in architecture', { ...good, platform: { os: 'linux', architecture: 'amd64\u009b2J' } }, /invalid platform architecture "amd64\\u009b2J"/],
    ['a newline in variant', { ...good, platform: { os: 'linux', architecture: 'arm64', variant: 'v8\n::error::x' } }, /invalid platform variant "v8\\n::error::x"/],
    ['a slash in architecture', { ...good, platform: { os: 'linux', architecture: 'arm64/v8' } }, /invalid platform architecture/],
    ['upper case os', { ...good, platform: { os: 'Linux', architecture: 'amd64' } }, /invalid platform os/],
    ['a missing architecture', { ...good, platform: { os: 'linux' } }, /invalid platform architecture "none"/],
    ['a non-object entry', 'sha256:x', /manifests\[1\] is not an object/],
  ])('rejects an index with %s', (_name, entry, message) => {
    let error: unknown;
    try {
      indexPlatforms({ manifests: [good, entry] } as never, 'registry r: r/a:1');
    } catch (e) {
      error = e;
    }
    expect(isPinError(error, 'INVALID_MANIFEST')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('keeps sha512 children and [a-z0-9._-] platforms, and drops a malformed child mediaType', () => {
    const sha512 = `sha512:${'a'.repeat(128)}`;
    expect(indexPlatforms({ manifests: [{ mediaType: 'text/x\u001b', digest: sha512, platform: { os: 'linux', architecture: 'arm64', variant: 'v8.0' } }] } as never)).toEqual([
      { platform: 'linux/arm64/v8.0', digest: sha512 },
    ]);
  });
});

describe('manifestMediaType', () => {
  const where = 'registry r: r/a:1';
  it.each([
    [{ mediaType: OCI_INDEX, manifests: [] }, undefined, OCI_INDEX],
    [{ schemaVersion: 2, manifests: [] }, 'application/json', OCI_INDEX],
    [{ schemaVersion: 2, manifests: [] }, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_LIST],
    [{ schemaVersion: 2, layers: [], config: { mediaType: 'application/vnd.oci.image.config.v1+json' } }, undefined, OCI_MANIFEST],
    [{ schemaVersion: 2, layers: [] }, `${DOCKER_MANIFEST_V2}; charset=utf-8`, DOCKER_MANIFEST_V2],
    // issue 11 item 6: the body's shape decides the kind when it has no mediaType, whatever the header says.
    [{ schemaVersion: 2, manifests: [] }, OCI_MANIFEST, OCI_INDEX],
    [{ schemaVersion: 2, manifests: [] }, DOCKER_MANIFEST_V2, DOCKER_MANIFEST_LIST],
    [{ schemaVersion: 2, layers: [] }, OCI_INDEX, OCI_MANIFEST],
    [{ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }, OCI_MANIFEST, OCI_INDEX],
  ] as const)('%j with %s → %s', (json, contentType, expected) => {
    expect(manifestMediaType({ ...json } as never, contentType, where)).toBe(expected);
  });

  it.each([
    [{ schemaVersion: 1, fsLayers: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
    [{ schemaVersion: 2, mediaType: 'application/vnd.example+json' }, undefined],
  ])('rejects %j', (json, contentType) => {
    let error: unknown;
    try {
      manifestMediaType(json as never, contentType, where);
    } catch (e) {
      error = e;
    }
    expect(isPinError(error, 'UNSUPPORTED_MEDIA_TYPE')).toBe(true);
  });

  it.each([
    [{ schemaVersion: 2, mediaType: OCI_MANIFEST, manifests: [] }, /declares mediaType application\/vnd.oci.image.manifest.v1\+json but its body is an index/],
    [{ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, layers: [] }, /but its body is an image manifest/],
  ])('rejects a body whose mediaType contradicts its shape: %j', (json, message) => {
    let error: unknown;
    try {
      manifestMediaType(json as never, undefined, where);
    } catch (e) {
      error = e;
    }
    expect(isPinError(error, 'INVALID_MANIFEST')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects bodies that are not JSON objects', () => {
    expect(() => parseManifestJson(Buffer.from('[1]'), where)).toThrow(/not a JSON object/);
  });
});
