import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config.js';
import { parseReference } from '../../src/reference/index.js';
import { policyResolver } from '../../src/update/rules.js';
import { parseTagVersion } from '../../src/versioning/tag-version.js';

const settings = (updates: unknown) => validateConfig({ updates }, '.digestpin.yaml').updates;

describe('.digestpin.yaml updates: section', () => {
  it('reads the default level, rules, labels, reviewers and assignees', () => {
    const s = settings({
      versions: 'minor', labels: ['deps'], reviewers: 'alice', assignees: ['bob'],
      rules: [{ images: ['ghcr.io/acme/**'], versions: 'patch', allowed: '>=1.2 <2', ignoreTags: ['*-rc*'], group: 'acme' }, { images: 'nginx', ignore: true }],
    });
    expect(s).toEqual({
      versions: 'minor', labels: ['deps'], reviewers: ['alice'], assignees: ['bob'],
      rules: [{ images: ['ghcr.io/acme/**'], versions: 'patch', allowed: '>=1.2 <2', ignoreTags: ['*-rc*'], group: 'acme' }, { images: ['nginx'], ignore: true }],
    });
  });

  it.each([
    [{ versions: 'huge' }, /updates\.versions must be one of digest, patch, minor, major/],
    [{ rules: {} }, /"updates\.rules" must be a list/],
    [{ rules: [{ versions: 'patch' }] }, /updates\.rules\[0\]\.images must list at least one image glob/],
    [{ rules: [{ images: ['x'], allowed: '~1.2' }] }, /updates\.rules\[0\]: allowed range "~1\.2"/],
    [{ rules: [{ images: ['x'], group: 'no spaces' }] }, /updates\.rules\[0\]\.group must be a branch-safe name/],
    [{ rules: [{ images: ['x'], group: 'a..b' }] }, /updates\.rules\[0\]\.group must be a branch-safe name/],
    [{ rules: [{ images: ['x'], group: 'x.lock' }] }, /updates\.rules\[0\]\.group must be a branch-safe name/],
    [{ rules: [{ images: ['x'], ignore: 'yes' }] }, /updates\.rules\[0\]\.ignore must be true or false/],
    [{ rules: [{ images: ['x'], typo: 1 }] }, /unknown key "updates\.rules\[0\]\.typo"/],
    [{ level: 'minor' }, /unknown key "updates\.level"/],
    [[], /updates must be a mapping/],
  ])('rejects %j with CONFIG_INVALID naming the key', (updates, message) => {
    expect(() => settings(updates)).toThrow(message);
  });
});

describe('policyResolver', () => {
  const ref = (text: string) => parseReference(text);
  const s = settings({
    versions: 'patch',
    rules: [
      { images: ['ghcr.io/acme/**'], versions: 'minor', group: 'acme' },
      { images: ['ghcr.io/acme/legacy'], versions: 'digest' },
      { images: ['nginx'], allowed: '<2', ignoreTags: ['1.27.*'] },
      { images: ['docker.io/library/redis'], ignore: true },
    ],
  });

  it('uses --versions over updates.versions as the default, and digest without either', () => {
    expect(policyResolver(s, undefined)(ref('busybox:1')).level).toBe('patch');
    expect(policyResolver(s, 'major')(ref('busybox:1')).level).toBe('major');
    expect(policyResolver(settings({}), undefined)(ref('busybox:1')).level).toBe('digest');
  });

  it('applies matching rules in order, later ones winning, by familiar or full name', () => {
    const policy = policyResolver(s, undefined);
    expect(policy(ref('ghcr.io/acme/api:1'))).toMatchObject({ level: 'minor', group: 'acme', ignore: false });
    expect(policy(ref('ghcr.io/acme/legacy:1'))).toMatchObject({ level: 'digest', group: 'acme' });
    const nginx = policy(ref('nginx:1.25'));
    expect(nginx.allowed?.(parseTagVersion('2.0')!)).toBe(false);
    expect(nginx.ignoreTags).toEqual(['1.27.*']);
    expect(policy(ref('redis:7')).ignore).toBe(true);
    expect(policy(ref('docker.io/library/nginx:1.25')).allowed).toBeDefined();
  });
});
