// planPinRun with a version planner, on files in a temp dir: fake tag source and resolver,
// so the failure paths (listing fails, tag field not editable) are checked without a registry.
import { describe, expect, it } from 'vitest';
import { PinError } from '../../src/errors.js';
import { emptyLock } from '../../src/lock/schema.js';
import { planPinRun } from '../../src/pipeline/pin.js';
import type { ImageReference } from '../../src/reference/types.js';
import type { ResolvedImage } from '../../src/registry/types.js';
import { versionPlanner } from '../../src/update/version-plan.js';
import { tempDir, writeTree } from '../helpers/cli.js';

const A = `sha256:${'a1'.repeat(32)}`;
const digests: Record<string, string> = {
  'docker.io/library/nginx:1.25.3': A,
  'docker.io/library/nginx:1.25.4': `sha256:${'b2'.repeat(32)}`,
  'docker.io/library/nginx:1.26.0': `sha256:${'c3'.repeat(32)}`,
  'ghcr.io/acme/broken:1.0.0': `sha256:${'d4'.repeat(32)}`,
};
const resolver = { resolve: async (ref: ImageReference): Promise<ResolvedImage> => ({ digest: digests[`${ref.name}:${ref.tag}`]!, mediaType: 'application/vnd.oci.image.manifest.v1+json' }) };

function tagSource() {
  const listed: string[] = [];
  return {
    listed,
    listTags: async (ref: ImageReference): Promise<string[]> => {
      listed.push(ref.name);
      if (ref.name === 'ghcr.io/acme/broken') throw new PinError('DENIED', 'registry ghcr.io: denied');
      return ['1.25.3', '1.25.4', '1.26.0', 'latest'];
    },
  };
}

async function run(files: Record<string, string>, level: 'patch' | 'minor') {
  const dir = await tempDir();
  await writeTree(dir, files);
  const tags = tagSource();
  const result = await planPinRun({
    paths: [dir], cwd: dir, resolver, mode: 'update', lock: emptyLock(), lockDir: dir, now: '2026-12-01T00:00:00Z',
    versions: versionPlanner(tags, () => ({ level })),
  });
  return { result, listed: tags.listed };
}

describe('planPinRun with a version planner', () => {
  it('lists each repository once and moves every occurrence of it', async () => {
    const { result, listed } = await run({
      'a.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25.3@${A}\n    - image: nginx:1.25.3\n`,
      'Dockerfile': 'FROM nginx:1.25.3\n',
    }, 'patch');
    expect(listed).toEqual(['docker.io/library/nginx']);
    expect(result.failures).toEqual([]);
    expect(result.changes.flatMap((c) => c.rewritten.map((r) => r.tag))).toEqual(['1.25.4', '1.25.4', '1.25.4']);
    expect(result.changes.map((c) => c.after).join('')).toContain(`FROM nginx:1.25.4@${digests['docker.io/library/nginx:1.25.4']}`);
    expect(Object.keys(result.lock.images)).toEqual(['docker.io/library/nginx:1.25.4']);
  });

  it('reports a repository whose tags cannot be listed as a failure and leaves its file alone', async () => {
    const { result } = await run({
      'a.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/broken:1.0.0@${A}\n`,
      'b.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25.3@${A}\n`,
    }, 'minor');
    expect(result.failures).toEqual([expect.objectContaining({ key: 'ghcr.io/acme/broken:1.0.0', code: 'DENIED', message: expect.stringContaining('listing tags for --versions') })]);
    expect(result.blockedFiles).toEqual([expect.stringContaining('a.yaml')]);
    expect(result.changes.map((c) => c.display)).toEqual([expect.stringContaining('b.yaml')]);
  });

  it('keeps digest-only behaviour where the tag cannot be edited in place (kustomize entry without newTag)', async () => {
    const { result, listed } = await run({
      'kustomization.yaml': `images:\n  - name: nginx\n    digest: ${A}\n`,
    }, 'minor');
    expect(listed).toEqual([]);
    expect(result.changes).toEqual([]);
  });
});
