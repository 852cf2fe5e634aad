import type { DriftReport } from '../../src/drift/types.js';

const hex = (c: string) => c.repeat(64);

/** REPORT is a fixed drift report with one item of every class (lock order: sorted keys). */
export const REPORT: DriftReport = (() => {
  const items: DriftReport['items'] = [
    {
      reference: 'registry.example:5000/team/api:2.3', status: 'moved', lockedDigest: `sha256:${hex('a')}`, currentDigest: `sha256:${hex('b')}`,
      currentMediaType: 'application/vnd.docker.distribution.manifest.v2+json', files: ['deploy/api.yaml', 'deploy/web.yaml'],
      explanation: {
        summary: 'rebuilt: created 2026-11-19T10:00:00Z → 2026-11-20T10:00:00Z, revision 1a2b3c4d5e6f → 9f8e7d6c5b4a',
        old: { version: '2.3.0', created: '2026-11-19T10:00:00Z', revision: '1a2b3c4d5e6f7081' },
        new: { version: '2.3.0', created: '2026-11-20T10:00:00Z', revision: '9f8e7d6c5b4a3928' },
        oldAvailable: true,
      },
    },
    { reference: 'registry.example:5000/team/cache:7', status: 'unchanged', lockedDigest: `sha256:${hex('c')}`, currentDigest: `sha256:${hex('c')}`, files: ['deploy/cache.yaml'] },
    {
      reference: 'registry.example:5000/team/secret:v1', status: 'error', lockedDigest: `sha256:${hex('d')}`, files: ['deploy/jobs.yaml'],
      error: { code: 'DENIED', message: 'registry registry.example:5000: HEAD answered 403 | denied\nby policy' },
    },
    {
      reference: 'registry.example:5000/team/web:1.0', status: 'moved', lockedDigest: `sha256:${hex('e')}`, currentDigest: `sha256:${hex('f')}`,
      currentMediaType: 'application/vnd.oci.image.index.v1+json', files: ['deploy/web.yaml'], kindChange: 'manifest-to-index',
      platformsChanged: ['linux/amd64', 'linux/arm64'], currentPlatforms: { 'linux/amd64': `sha256:${hex('1')}`, 'linux/arm64': `sha256:${hex('2')}` },
    },
    {
      reference: 'registry.example:5000/team/worker:stable', status: 'vanished', lockedDigest: `sha256:${hex('9')}`, files: [],
      error: { code: 'MANIFEST_UNKNOWN', message: 'registry registry.example:5000: HEAD answered 404 100%' },
    },
  ];
  return {
    checked: items.length,
    unchanged: 1,
    moved: items.filter((i) => i.status === 'moved'),
    vanished: items.filter((i) => i.status === 'vanished'),
    errors: items.filter((i) => i.status === 'error').map((i) => ({ reference: i.reference, code: i.error!.code, message: i.error!.message, files: i.files })),
    items,
  };
})();
