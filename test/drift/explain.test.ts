import { describe, expect, it } from 'vitest';
import { explainMove, readProvenance, summarize } from '../../src/drift/explain.js';
import type { ImageProvenance } from '../../src/drift/types.js';
import { PinError } from '../../src/errors.js';
import { parseReference } from '../../src/reference/index.js';
import { fakeSource, digestOf } from './fakes.js';

const OLD: ImageProvenance = { version: '2.3.0', created: '2026-11-19T10:00:00Z', revision: '1a2b3c4d5e6f708192a3b4c5' };

describe('summarize', () => {
  it.each<[string, ImageProvenance | undefined, ImageProvenance | undefined, string]>([
    ['rebuild: same version, new created and revision (revision cut to 12)', OLD,
      { ...OLD, created: '2026-11-20T10:00:00Z', revision: '9f8e7d6c5b4a39281706f5e4' },
      'rebuilt: created 2026-11-19T10:00:00Z → 2026-11-20T10:00:00Z, revision 1a2b3c4d5e6f → 9f8e7d6c5b4a'],
    ['new version, fields in version, created, revision order', OLD, { version: '2.4.0', created: '2026-11-21', revision: 'abc' },
      'new version: version 2.3.0 → 2.4.0, created 2026-11-19T10:00:00Z → 2026-11-21, revision 1a2b3c4d5e6f → abc'],
    ['only the fields that changed', OLD, { ...OLD, revision: 'ffff' }, 'rebuilt: revision 1a2b3c4d5e6f → ffff'],
    ['a field the old image lacked shows as ?', { version: '1' }, { version: '1', created: '2026-01-01' }, 'rebuilt: created ? → 2026-01-01'],
    ['old digest gone: the new values alone', undefined, OLD,
      'old digest no longer in the registry; new: version 2.3.0, created 2026-11-19T10:00:00Z, revision 1a2b3c4d5e6f'],
    ['identical labels: content differs', OLD, { ...OLD }, 'rebuilt: same version, created and revision labels (content differs)'],
    ['old gone and no labels on the new image', undefined, {}, 'no org.opencontainers.image.* metadata on the new image'],
    ['new manifest unreadable', OLD, undefined, 'new manifest could not be read'],
    ['source is not part of the summary', { source: 'a' }, { source: 'b' }, 'rebuilt: same version, created and revision labels (content differs)'],
  ])('%s', (_name, old, next, expected) => {
    expect(summarize(old, next)).toBe(expected);
  });
});

describe('readProvenance', () => {
  const ref = parseReference('registry.example/team/app:1.0');

  it('reads OCI manifest annotations first, then fills the gaps from config labels', async () => {
    const source = fakeSource();
    const config = source.blob({ created: '2026-01-02T00:00:00Z', config: { Labels: { 'org.opencontainers.image.version': 'from-label', 'org.opencontainers.image.revision': 'rev-label', 'org.opencontainers.image.source': 'https://git.example/app' } } });
    const digest = source.manifest({ config: { digest: config }, annotations: { 'org.opencontainers.image.version': 'from-annotation' } });
    expect(await readProvenance(source, ref, digest)).toEqual({
      version: 'from-annotation', revision: 'rev-label', source: 'https://git.example/app', created: '2026-01-02T00:00:00Z',
    });
  });

  it('strips control characters from labels and the created field (issue 11 item 10)', async () => {
    const source = fakeSource();
    const config = source.blob({ created: '2026\u001b[2J-01-02', config: { Labels: { 'org.opencontainers.image.version': '1.0\u0007\u009b31m\u202e', 'org.opencontainers.image.revision': '\u001b]0;x\u0007abc' } } });
    const digest = source.manifest({ config: { digest: config } });
    expect(await readProvenance(source, ref, digest)).toEqual({ version: '1.031m', revision: ']0;xabc', created: '2026[2J-01-02' });
  });

  it('prefers the created label over the config created field, and skips empty labels', async () => {
    const source = fakeSource();
    const config = source.blob({ created: '1970-01-01T00:00:00Z', config: { Labels: { 'org.opencontainers.image.created': '2026-05-05', 'org.opencontainers.image.version': '' } } });
    const digest = source.manifest({ config: { digest: config } });
    expect(await readProvenance(source, ref, digest)).toEqual({ created: '2026-05-05' });
  });

  it('follows an index to its linux/amd64 child (not attestations, not the first entry)', async () => {
    const source = fakeSource();
    const armConfig = source.blob({ config: { Labels: { 'org.opencontainers.image.revision': 'arm' } } });
    const amdConfig = source.blob({ config: { Labels: { 'org.opencontainers.image.revision': 'amd' } } });
    const arm = source.manifest({ config: { digest: armConfig } });
    const amd = source.manifest({ config: { digest: amdConfig } });
    const index = source.manifest({
      manifests: [
        { digest: source.manifest({}), platform: { os: 'unknown', architecture: 'unknown' } },
        { digest: arm, platform: { os: 'linux', architecture: 'arm64' } },
        { digest: amd, platform: { os: 'linux', architecture: 'amd64' } },
      ],
      annotations: { 'org.opencontainers.image.version': '3.0' },
    });
    expect(await readProvenance(source, ref, index)).toEqual({ version: '3.0', revision: 'amd' });
  });

  it('falls back to the first real child of an index without linux/amd64', async () => {
    const source = fakeSource();
    const config = source.blob({ config: { Labels: { 'org.opencontainers.image.revision': 's390x' } } });
    const child = source.manifest({ config: { digest: config } });
    const index = source.manifest({ manifests: [{ digest: child, platform: { os: 'linux', architecture: 's390x' } }] });
    expect(await readProvenance(source, ref, index)).toEqual({ revision: 's390x' });
  });
});

describe('explainMove', () => {
  const ref = parseReference('registry.example/team/app:1.0');

  it('compares the old and the new image when both are still there', async () => {
    const source = fakeSource();
    const older = source.manifest({ annotations: { 'org.opencontainers.image.version': '1.0', 'org.opencontainers.image.revision': 'aaaa' } });
    const newer = source.manifest({ annotations: { 'org.opencontainers.image.version': '1.0', 'org.opencontainers.image.revision': 'bbbb' } });
    expect(await explainMove(source, ref, older, newer)).toEqual({
      summary: 'rebuilt: revision aaaa → bbbb', old: { version: '1.0', revision: 'aaaa' }, new: { version: '1.0', revision: 'bbbb' }, oldAvailable: true,
    });
  });

  it('marks the old image unavailable when its digest is gone', async () => {
    const source = fakeSource();
    const newer = source.manifest({ annotations: { 'org.opencontainers.image.version': '1.1' } });
    const gone = digestOf('deleted');
    expect(await explainMove(source, ref, gone, newer)).toEqual({
      summary: 'old digest no longer in the registry; new: version 1.1', old: undefined, new: { version: '1.1' }, oldAvailable: false,
    });
  });

  it('says the new manifest could not be read when fetching it fails', async () => {
    const source = fakeSource();
    source.fail = new PinError('RATE_LIMITED', 'too many requests');
    const result = await explainMove(source, ref, digestOf('a'), digestOf('b'));
    expect(result.summary).toBe('new manifest could not be read');
    expect(result.oldAvailable).toBe(false);
  });
});
