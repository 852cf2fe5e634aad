import { describe, expect, it } from 'vitest';
import type { DriftItem, DriftReport } from '../../src/drift/types.js';
import { applyDrift } from '../../src/drift/update-lock.js';
import type { LockFile } from '../../src/lock/schema.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { digestOf } from './fakes.js';

const D = (s: string) => digestOf(s);
const NOW = '2026-11-21T06:00:00.000Z';

const LOCK: LockFile = {
  lockfileVersion: 1,
  images: {
    'r.example/app:1': {
      digest: D('v2'), mediaType: OCI_MANIFEST, files: ['a.yaml'], firstSeen: '2026-11-10T00:00:00.000Z',
      history: [{ digest: D('v1'), firstSeen: '2026-11-01T00:00:00.000Z', replaced: '2026-11-10T00:00:00.000Z' }],
    },
    'r.example/multi:1': { digest: D('m1'), mediaType: OCI_INDEX, platforms: { 'linux/amd64': D('m1-amd') }, files: ['b.yaml'], firstSeen: '2026-11-02T00:00:00.000Z' },
    'r.example/gone:1': { digest: D('gone'), files: ['c.yaml'], firstSeen: '2026-11-03T00:00:00.000Z' },
    'r.example/denied:1': { digest: D('denied'), files: ['c.yaml'], firstSeen: '2026-11-03T00:00:00.000Z' },
  },
};

const moved = (reference: string, currentDigest: string, extra: Partial<DriftItem> = {}): DriftItem => ({
  reference, status: 'moved', lockedDigest: LOCK.images[reference]!.digest, currentDigest, files: LOCK.images[reference]!.files, ...extra,
});

function reportOf(items: DriftItem[]): DriftReport {
  return {
    checked: items.length, unchanged: 0, items,
    moved: items.filter((i) => i.status === 'moved'),
    vanished: items.filter((i) => i.status === 'vanished'),
    errors: items.filter((i) => i.status === 'error').map((i) => ({ reference: i.reference, code: i.error!.code, message: i.error!.message, files: i.files })),
  };
}

describe('applyDrift', () => {
  const report = reportOf([
    moved('r.example/app:1', D('v3'), { currentMediaType: OCI_MANIFEST }),
    moved('r.example/multi:1', D('single'), { currentMediaType: OCI_MANIFEST, kindChange: 'index-to-manifest' }),
    { reference: 'r.example/gone:1', status: 'vanished', lockedDigest: D('gone'), files: ['c.yaml'], error: { code: 'MANIFEST_UNKNOWN', message: '404' } },
    { reference: 'r.example/denied:1', status: 'error', lockedDigest: D('denied'), files: ['c.yaml'], error: { code: 'DENIED', message: 'denied' } },
  ]);

  it('records the new digest and pushes the old one onto the history, newest first', () => {
    const next = applyDrift(LOCK, report, NOW);
    expect(next.images['r.example/app:1']).toEqual({
      digest: D('v3'), mediaType: OCI_MANIFEST, platforms: undefined, files: ['a.yaml'], firstSeen: NOW,
      history: [
        { digest: D('v2'), firstSeen: '2026-11-10T00:00:00.000Z', replaced: NOW },
        { digest: D('v1'), firstSeen: '2026-11-01T00:00:00.000Z', replaced: '2026-11-10T00:00:00.000Z' },
      ],
    });
  });

  it('follows a kind flip: the platforms of the old index are dropped, the media type updated', () => {
    const entry = applyDrift(LOCK, report, NOW).images['r.example/multi:1']!;
    expect(entry).toMatchObject({ digest: D('single'), mediaType: OCI_MANIFEST, history: [{ digest: D('m1'), firstSeen: '2026-11-02T00:00:00.000Z', replaced: NOW }] });
    expect(entry.platforms).toBeUndefined();
  });

  it('records the platforms of a moved index', () => {
    const platforms = { 'linux/amd64': D('n-amd'), 'linux/arm64': D('n-arm') };
    const next = applyDrift(LOCK, reportOf([moved('r.example/multi:1', D('m2'), { currentMediaType: OCI_INDEX, currentPlatforms: platforms })]), NOW);
    expect(next.images['r.example/multi:1']).toMatchObject({ digest: D('m2'), mediaType: OCI_INDEX, platforms });
  });

  it('keeps vanished and errored entries as they were, so they keep being reported', () => {
    const next = applyDrift(LOCK, report, NOW);
    expect(next.images['r.example/gone:1']).toBe(LOCK.images['r.example/gone:1']);
    expect(next.images['r.example/denied:1']).toBe(LOCK.images['r.example/denied:1']);
  });

  it('does not mutate the lock it was given, and keeps the lock version', () => {
    const before = structuredClone(LOCK);
    const next = applyDrift(LOCK, report, NOW);
    expect(LOCK).toEqual(before);
    expect(next.lockfileVersion).toBe(1);
  });

  it('ignores moved items that are not in the lock or have no current digest', () => {
    const odd = reportOf([
      { reference: 'r.example/unknown:1', status: 'moved', lockedDigest: D('x'), currentDigest: D('y'), files: [] },
      { reference: 'r.example/app:1', status: 'moved', lockedDigest: D('v2'), files: ['a.yaml'] },
    ]);
    expect(applyDrift(LOCK, odd, NOW)).toEqual(LOCK);
  });
});
