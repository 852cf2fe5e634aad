// Table tests for docker-tag versioning, written from Renovate's docker versioning
// (lib/modules/versioning/docker/readme.md and docs/usage/docker.md "Version compatibility",
// "Preservation of Version Precision"), plus digestpin's own decisions noted in tag-version.ts.
import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { parseRange } from '../../src/versioning/range.js';
import { newestAllowed, type VersionPolicy } from '../../src/versioning/select.js';
import { compareVersions, familyOf, parseTagVersion, updateKind } from '../../src/versioning/tag-version.js';

const v = (tag: string) => {
  const parsed = parseTagVersion(tag);
  if (!parsed) throw new Error(`${tag} is not a version`);
  return parsed;
};

describe('parseTagVersion: families', () => {
  it.each([
    ['1.2.3', '3-part'],
    ['1.2', '2-part'],
    ['14', '1-part'],
    ['1.2.3.4', '4-part'],
    ['v1.2.3', 'v3-part'],
    ['1.2.3-alpine', '3-part-alpine'],
    ['12.15.0-alpine3.18', '3-part-alpine3.18'],
    ['1.2-bookworm', '2-part-bookworm'],
    ['17-jdk17', '1-part-jdk17'],
    ['3.1.4-bookworm-slim', '3-part-bookworm-slim'],
    ['1.3.0-rc.1', '3-part'],
    ['1.3.0-rc.1-alpine', '3-part-alpine'],
    ['3.0.0b2', '3-part'],
    ['20240101', 'date'],
    ['20241301', '1-part'],
    ['v2', 'v1-part'],
  ])('%s is family %s', (tag, family) => {
    expect(familyOf(v(tag))).toBe(family);
  });

  it.each(['latest', 'main', 'stable', 'edge', 'sha-1a2b3c4', 'a1b2c3d', 'deadbeefcafe', 'alpine', '', 'v', '1.2.3-', '1..2', 'version1'])(
    '%j is not a version',
    (tag) => {
      expect(parseTagVersion(tag)).toBeUndefined();
    },
  );

  it.each([
    ['1.3.0-rc.1', 'rc.1'],
    ['1.3.0-beta', 'beta'],
    ['1.3.0-alpha.2', 'alpha.2'],
    ['3.0.0b2', 'b2'],
    ['1.3.0', ''],
    ['1.3.0-alpine', ''],
  ])('%s has pre-release %j', (tag, pre) => {
    expect(v(tag).prerelease).toBe(pre);
  });
});

describe('compareVersions and updateKind', () => {
  it.each([
    ['1.2.3', '1.2.4', -1],
    ['1.10.0', '1.9.0', 1],
    ['1.3.0-rc.1', '1.3.0', -1],
    ['1.3.0-rc.2', '1.3.0-rc.10', -1],
    ['1.3.0-beta', '1.3.0-rc.1', -1],
    ['20240101', '20240201', -1],
    ['1.2.3.4', '1.2.3.5', -1],
    ['v1.2', 'v1.2', 0],
  ])('%s vs %s = %i', (a, b, expected) => {
    expect(compareVersions(v(a), v(b))).toBe(expected);
  });

  it.each([
    ['1.2.3', '1.2.4', 'patch'],
    ['1.2.3', '1.3.0', 'minor'],
    ['1.2.3', '2.0.0', 'major'],
    ['1.2', '1.3', 'minor'],
    ['1.2.3.4', '1.2.3.5', 'patch'],
    ['1.2.3.4', '1.2.4.0', 'patch'],
    ['14', '15', 'major'],
    ['20240101', '20240201', 'major'],
    ['1.3.0-rc.1', '1.3.0', 'patch'],
  ])('%s -> %s is %s', (from, to, kind) => {
    expect(updateKind(v(from), v(to))).toBe(kind);
  });
});

const LADDER = [
  'latest', 'stable', '1.2.3', '1.2.4', '1.2.10', '1.3.0', '1.3.1', '2.0.0', '2.1.0-rc.1', '2.1.0',
  '1.2.3-alpine', '1.2.5-alpine', '1.4.0-alpine', '2.0.0-alpine', '1.5.0', '1.6.0-rc.1', '1.2', '1.3', '2',
  'v1.2.3', 'v1.9.0', '1.2.3.4', '1.2.3.7', '1.2.4.0', '20240101', '20240315', '3', '1.2.3-bookworm',
  '1.2.3-jdk17', '1.2.9-jdk17', '1.2.9-jdk21', '3.0.0-rc.1', '3.0.0-rc.2', '3.0.0-beta.1', 'a1b2c3d4',
];

const policy = (level: VersionPolicy['level'], extra: Partial<VersionPolicy> = {}): VersionPolicy => ({ level, ...extra });

describe('newestAllowed: Renovate-style candidates', () => {
  it.each([
    // levels
    ['1.2.3', 'patch', '1.2.10', 'patch'],
    ['1.2.3', 'minor', '1.5.0', 'minor'],
    ['1.2.3', 'major', '2.1.0', 'major'],
    // suffix families never change (`-alpine` stays `-alpine`, never plain or `-bookworm`)
    ['1.2.3-alpine', 'patch', '1.2.5-alpine', 'patch'],
    ['1.2.3-alpine', 'minor', '1.4.0-alpine', 'minor'],
    ['1.2.3-alpine', 'major', '2.0.0-alpine', 'major'],
    ['1.2.3-jdk17', 'major', '1.2.9-jdk17', 'patch'],
    ['1.2.3-bookworm', 'major', undefined, undefined],
    // precision is preserved: 2-part stays 2-part, 1-part stays 1-part
    ['1.2', 'minor', '1.3', 'minor'],
    ['1.2', 'patch', undefined, undefined],
    ['2', 'major', '3', 'major'],
    // `v` prefixes are a family of their own
    ['v1.2.3', 'minor', 'v1.9.0', 'minor'],
    // 4-part versions: the 3rd and 4th parts are patch-level
    ['1.2.3.4', 'patch', '1.2.4.0', 'patch'],
    // dates move only among dates, and a date move is major
    ['20240101', 'major', '20240315', 'major'],
    ['20240101', 'minor', undefined, undefined],
    // non-versions keep digest-only behaviour
    ['latest', 'major', undefined, undefined],
    ['stable', 'major', undefined, undefined],
    ['a1b2c3d4', 'major', undefined, undefined],
    // nothing newer
    ['2.1.0', 'major', undefined, undefined],
    // the digest level never moves a tag
    ['1.2.3', 'digest', undefined, undefined],
  ])('%s at level %s -> %s (%s)', (current, level, to, kind) => {
    const bump = newestAllowed(current, LADDER, policy(level as VersionPolicy['level']));
    expect(bump && { to: bump.to, kind: bump.kind }).toEqual(to === undefined ? undefined : { to, kind });
  });

  it('never proposes a pre-release to a stable tag', () => {
    expect(newestAllowed('1.5.0', LADDER, policy('minor'))).toBeUndefined();
    expect(newestAllowed('2.0.0', ['2.0.0', '2.1.0-rc.1'], policy('major'))).toBeUndefined();
  });

  it('from a pre-release, proposes newer pre-releases of the same release or a stable tag', () => {
    expect(newestAllowed('3.0.0-beta.1', LADDER, policy('major'))?.to).toBe('3.0.0-rc.2');
    expect(newestAllowed('2.1.0-rc.1', LADDER, policy('major'))?.to).toBe('2.1.0');
    expect(newestAllowed('1.6.0-rc.1', ['1.6.0-rc.1', '1.6.0-rc.2', '1.7.0-rc.1'], policy('major'))?.to).toBe('1.6.0-rc.2');
  });

  it('honours an allowed range and ignored tags', () => {
    expect(newestAllowed('1.2.3', LADDER, policy('major', { allowed: parseRange('<2', 'test') }))?.to).toBe('1.5.0');
    expect(newestAllowed('1.2.3', LADDER, policy('major', { allowed: parseRange('1.3.x || 2.0.*', 'test') }))?.to).toBe('2.0.0');
    expect(newestAllowed('1.2.3', LADDER, policy('minor', { ignoreTags: ['1.5.*'] }))?.to).toBe('1.3.1');
  });
});

describe('parseRange', () => {
  it.each([
    ['>=1.2 <2', '1.2.0', true],
    ['>=1.2 <2', '1.1.9', false],
    ['>=1.2 <2', '2.0.0', false],
    ['<2', '1.99.99', true],
    ['1.x', '1.7.3', true],
    ['1.x', '2.0.0', false],
    ['1.2.*', '1.2.9', true],
    ['2', '2.4', true],
    ['<1 || >=3', '3.1', true],
    ['<1 || >=3', '2.9', false],
    ['=1.2.3', '1.2.3-alpine', true],
    ['>v1.2', 'v1.3', true],
    ['*', '9', true],
  ])('%s allows %s: %s', (range, version, expected) => {
    expect(parseRange(range, 'test')(v(version))).toBe(expected);
  });

  it.each(['', '||', '>=', '~1.2', '^1', '1.x.2', '>=1.x', 'one'])('rejects %j with CONFIG_INVALID', (range) => {
    let error: unknown;
    try {
      parseRange(range, '.digestpin.yaml: updates.rules[0]');
    } catch (e) {
      error = e;
    }
    expect(isPinError(error, 'CONFIG_INVALID')).toBe(true);
    expect(String((error as Error).message)).toContain('updates.rules[0]');
  });
});
