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
});

describe('manifestMediaType', () => {
  const where = 'registry r: r/a:1';
  it.each([
    [{ mediaType: OCI_INDEX, manifests: [] }, undefined, OCI_INDEX],
    [{ schemaVersion: 2, manifests: [] }, 'application/json', OCI_INDEX],
    [{ schemaVersion: 2, manifests: [] }, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_LIST],
    [{ schemaVersion: 2, layers: [], config: { mediaType: 'application/vnd.oci.image.config.v1+json' } }, undefined, OCI_MANIFEST],
    [{ schemaVersion: 2, layers: [] }, `${DOCKER_MANIFEST_V2}; charset=utf-8`, DOCKER_MANIFEST_V2],
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

  it('rejects bodies that are not JSON objects', () => {
    expect(() => parseManifestJson(Buffer.from('[1]'), where)).toThrow(/not a JSON object/);
  });
});
