import { describe, expect, it } from 'vitest';
import type { ManifestSource } from '../../src/drift/explain.js';
import { planPinRun, type PinRun } from '../../src/pipeline/pin.js';
import { scanText } from '../../src/pipeline/scan.js';
import { emptyLock } from '../../src/lock/schema.js';
import type { ResolvedImage } from '../../src/registry/types.js';
import { digestOnlyReferences, explainUpdates, imageUpdates } from '../../src/update/image-updates.js';
import { MapResolver } from '../../src/update/map-resolver.js';

// imageUpdates / explainUpdates / digestOnlyReferences on real `update` runs planned in memory:
// files are scanned from strings and tags answer from a map (no disk, no network).

const A = `sha256:${'a1'.repeat(32)}`;
const B = `sha256:${'b2'.repeat(32)}`;
const C = `sha256:${'c3'.repeat(32)}`;
const D = `sha256:${'d4'.repeat(32)}`;
const ROOT = '/repo';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const pod = (...images: string[]) =>
  `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((i) => `    - image: ${i}\n`).join('')}`;

/** plan runs `update` over in-memory files with tags resolving as `now` says. */
async function plan(files: Record<string, string>, now: Record<string, string>): Promise<PinRun> {
  const known = new Map<string, ResolvedImage>(Object.entries(now).map(([key, digest]) => [key, { digest, mediaType: MANIFEST }]));
  return planPinRun({
    paths: ['.'], cwd: ROOT, resolver: new MapResolver(known), mode: 'update', lock: emptyLock(), lockDir: ROOT,
    now: '2026-11-21T06:00:00.000Z',
    scanned: Object.entries(files).map(([rel, text]) => scanText(`${ROOT}/${rel}`, rel, text, {})),
  });
}

describe('imageUpdates', () => {
  it('gives one update per moved tag with every file that pins it, sorted by reference', async () => {
    const run = await plan({
      'deploy/web.yaml': pod(`nginx:1.25@${A}`, `ghcr.io/acme/api:2.3@${B}`),
      'deploy/job.yaml': pod(`docker.io/library/nginx:1.25@${A}`, `nginx:1.25@${A}`),
      'Dockerfile': `FROM ghcr.io/acme/api:2.3@${B}\n`,
      'deploy/stable.yaml': pod(`ghcr.io/acme/db:16@${D}`),
    }, {
      'docker.io/library/nginx:1.25': C,
      'ghcr.io/acme/api:2.3': D,
      'ghcr.io/acme/db:16': D,
    });
    expect(imageUpdates(run, ROOT)).toEqual([
      { reference: 'docker.io/library/nginx:1.25', image: 'nginx', tag: '1.25', oldDigest: A, newDigest: C, files: ['deploy/web.yaml', 'deploy/job.yaml'] },
      { reference: 'ghcr.io/acme/api:2.3', image: 'ghcr.io/acme/api', tag: '2.3', oldDigest: B, newDigest: D, files: ['deploy/web.yaml', 'Dockerfile'] },
    ].sort((x, y) => (x.reference < y.reference ? -1 : 1)));
  });

  it('reports a kustomization newTag + digest entry by its name and tag', async () => {
    const run = await plan({
      'kustomization.yaml': `images:\n  - name: ghcr.io/acme/front\n    newTag: v2\n    digest: ${A}\n`,
    }, { 'ghcr.io/acme/front:v2': B });
    expect(imageUpdates(run, ROOT)).toEqual([
      { reference: 'ghcr.io/acme/front:v2', image: 'ghcr.io/acme/front', tag: 'v2', oldDigest: A, newDigest: B, files: ['kustomization.yaml'] },
    ]);
  });

  it('is empty when no tag moved', async () => {
    const run = await plan({ 'a.yaml': pod(`nginx:1.25@${A}`) }, { 'docker.io/library/nginx:1.25': A });
    expect(run.changes).toEqual([]);
    expect(imageUpdates(run, ROOT)).toEqual([]);
  });

  it('makes files relative to the repository root, not the scan directory', async () => {
    const run = await plan({ 'a.yaml': pod(`nginx:1.25@${A}`) }, { 'docker.io/library/nginx:1.25': B });
    expect(imageUpdates(run, '/')[0]!.files).toEqual(['repo/a.yaml']);
  });

  it('keeps the real old digest per file when one tag is pinned to different digests', async () => {
    const run = await plan({
      'a.yaml': pod(`nginx:1.25@${A}`),
      'b.yaml': pod(`nginx:1.25@${B}`),
    }, { 'docker.io/library/nginx:1.25': C });
    const updates = imageUpdates(run, ROOT);
    expect(updates.map((u) => [u.oldDigest, u.newDigest, u.files])).toEqual([[A, C, ['a.yaml']], [B, C, ['b.yaml']]]);
  });
});

describe('digestOnlyReferences', () => {
  it('lists pinned references without a tag, and nothing tagged, unpinned or skipped', async () => {
    const run = await plan({
      'a.yaml': pod(`ghcr.io/acme/tool@${A}`, `nginx:1.25@${B}`, 'redis:7', '${REGISTRY}/app:1'),
    }, { 'docker.io/library/nginx:1.25': B });
    expect(digestOnlyReferences(run).map((o) => [o.file, o.line, o.span.raw])).toEqual([[`a.yaml`, 5, `ghcr.io/acme/tool@${A}`]]);
  });
});

describe('explainUpdates', () => {
  /** source serves one config per manifest digest, with OCI labels. */
  function source(labels: Record<string, Record<string, string>>): ManifestSource & { reads: number } {
    const s = {
      reads: 0,
      async getManifest(_ref: unknown, digest: string) {
        s.reads++;
        if (!labels[digest]) throw new Error(`manifest ${digest} unknown`);
        return { digest, mediaType: MANIFEST, json: { config: { digest: `config-of-${digest}` } } };
      },
      async getBlob(_ref: unknown, digest: string) {
        const labelSet = labels[digest.replace('config-of-', '')]!;
        return Buffer.from(JSON.stringify({ config: { Labels: labelSet } }));
      },
    };
    return s;
  }

  it('adds the version/revision/created summary to each update', async () => {
    const run = await plan({ 'a.yaml': pod(`nginx:1.25@${A}`) }, { 'docker.io/library/nginx:1.25': B });
    const updates = imageUpdates(run, ROOT);
    await explainUpdates(updates, run, source({
      [A]: { 'org.opencontainers.image.version': '1.25.4', 'org.opencontainers.image.created': '2026-11-19T10:00:00Z' },
      [B]: { 'org.opencontainers.image.version': '1.25.5', 'org.opencontainers.image.created': '2026-11-20T10:00:00Z' },
    }));
    expect(updates[0]!.explanation).toBe('new version: version 1.25.4 → 1.25.5, created 2026-11-19T10:00:00Z → 2026-11-20T10:00:00Z');
  });

  it('says what it could tell when the old image is gone', async () => {
    const run = await plan({ 'a.yaml': pod(`nginx:1.25@${A}`) }, { 'docker.io/library/nginx:1.25': B });
    const updates = imageUpdates(run, ROOT);
    await explainUpdates(updates, run, source({ [B]: { 'org.opencontainers.image.version': '1.25.5' } }));
    expect(updates[0]!.explanation).toBe('old digest no longer in the registry; new: version 1.25.5');
  });

  it('does nothing (and reads nothing) without updates', async () => {
    const run = await plan({ 'a.yaml': pod(`nginx:1.25@${A}`) }, { 'docker.io/library/nginx:1.25': A });
    const s = source({});
    await explainUpdates([], run, s);
    expect(s.reads).toBe(0);
  });
});
