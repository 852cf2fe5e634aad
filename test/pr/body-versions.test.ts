import { describe, expect, it } from 'vitest';
import { normalizeUpdates, renderBody, renderCommitMessage, renderTitle, VERSIONS_TITLE } from '../../src/pr/body.js';
import type { ImageUpdate } from '../../src/pr/types.js';

const A = `sha256:${'1a'.repeat(32)}`;
const B = `sha256:${'2b'.repeat(32)}`;
const C = `sha256:${'3c'.repeat(32)}`;

const bump: ImageUpdate = {
  reference: 'ghcr.io/acme/api:1.2.3', image: 'ghcr.io/acme/api', tag: '1.2.3', newTag: '1.3.0', kind: 'minor',
  oldDigest: A, newDigest: B, files: ['deploy/api.yaml'], explanation: 'new version: version 1.2.3 → 1.3.0',
  compareUrl: 'https://github.com/acme/api/compare/aaa...bbb',
};
const fresh: ImageUpdate = {
  reference: 'docker.io/library/redis:7.2-alpine', image: 'redis', tag: '7.2-alpine', newTag: '7.4-alpine', kind: 'minor',
  oldDigest: '', newDigest: C, files: ['compose.yaml'],
};
const digestOnly: ImageUpdate = { reference: 'docker.io/library/nginx:1.25', image: 'nginx', tag: '1.25', oldDigest: A, newDigest: C, files: ['web.yaml'] };

describe('pull request texts for version moves', () => {
  it('titles a single move by its versions, several by "versions and digests"', () => {
    expect(renderTitle([bump])).toBe('chore(deps): update ghcr.io/acme/api from 1.2.3 to 1.3.0');
    expect(renderTitle([bump, digestOnly])).toBe(VERSIONS_TITLE);
  });

  it('keeps a version move whose new tag has the same digest', () => {
    expect(normalizeUpdates([{ ...bump, newDigest: A }])).toHaveLength(1);
  });

  it('lists old -> new version, kind, digests, files and why, with a compare link', () => {
    const body = renderBody([bump, fresh, digestOnly]);
    expect(body).toContain('| Image | Version | Kind | Digest | Files | Why |');
    expect(body).toContain('| `ghcr.io/acme/api` | `1.2.3` → `1.3.0` | minor | `1a1a1a1a1a1a` → `2b2b2b2b2b2b` | `deploy/api.yaml` | '
      + 'new version: version 1.2.3 → 1.3.0 [source changes](https://github.com/acme/api/compare/aaa...bbb) |');
    expect(body).toContain('| `redis` | `7.2-alpine` → `7.4-alpine` | minor | not pinned → `3c3c3c3c3c3c` | `compose.yaml` |  |');
    expect(body).toContain('| `nginx` | `1.25` | digest | `1a1a1a1a1a1a` → `3c3c3c3c3c3c` | `web.yaml` |  |');
    expect(body).toContain(`# ghcr.io/acme/api:1.2.3 → 1.3.0\n- ${A}\n+ ${B}\n`);
    expect(body).toContain(`# docker.io/library/redis:7.2-alpine → 7.4-alpine\n- (not pinned)\n+ ${C}\n`);
  });

  it('names the versions in the commit message', () => {
    expect(renderCommitMessage([bump, fresh])).toContain('- ghcr.io/acme/api:1.2.3 → 1.3.0 (minor): 1a1a1a1a1a1a → 2b2b2b2b2b2b\n');
    expect(renderCommitMessage([bump, fresh])).toContain('- redis:7.2-alpine → 7.4-alpine (minor): (not pinned) → 3c3c3c3c3c3c\n');
  });
});
