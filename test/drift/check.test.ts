import { describe, expect, it } from 'vitest';
import { changedPlatforms, checkDrift } from '../../src/drift/check.js';
import { PinError } from '../../src/errors.js';
import type { LockEntry, LockFile } from '../../src/lock/schema.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { digestOf, fakeRegistry, type FakeRegistry } from './fakes.js';

describe('changedPlatforms', () => {
  const a = digestOf('a');
  const b = digestOf('b');
  it.each<[string, Record<string, string> | undefined, Record<string, string> | undefined, string[]]>([
    ['same platforms, same digests', { 'linux/amd64': a }, { 'linux/amd64': a }, []],
    ['a digest changed', { 'linux/amd64': a, 'linux/arm64': a }, { 'linux/amd64': a, 'linux/arm64': b }, ['linux/arm64']],
    ['a platform appeared', { 'linux/amd64': a }, { 'linux/amd64': a, 'linux/s390x': b }, ['linux/s390x']],
    ['a platform disappeared', { 'linux/amd64': a, 'linux/arm/v7': b }, { 'linux/amd64': a }, ['linux/arm/v7']],
    ['manifest to index: every new platform', undefined, { 'linux/arm64': b, 'linux/amd64': a }, ['linux/amd64', 'linux/arm64']],
    ['index to manifest: every old platform', { 'linux/arm64': b, 'linux/amd64': a }, undefined, ['linux/amd64', 'linux/arm64']],
    ['neither side an index', undefined, undefined, []],
  ])('%s', (_name, before, after, expected) => {
    expect(changedPlatforms(before, after)).toEqual(expected);
  });
});

const REG = 'registry.example';
const entry = (digest: string, extra: Partial<LockEntry> = {}): LockEntry => ({ digest, files: ['deploy/app.yaml'], firstSeen: '2026-11-01T00:00:00.000Z', ...extra });
const lockOf = (images: Record<string, LockEntry>): LockFile => ({ lockfileVersion: 1, images });
const label = (version: string, revision: string) => ({ annotations: { 'org.opencontainers.image.version': version, 'org.opencontainers.image.revision': revision } });

/** image stores a single-platform manifest carrying version/revision annotations. */
function image(reg: FakeRegistry, version: string, revision: string): string {
  return reg.manifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: reg.blob({ config: {} }) }, ...label(version, revision) });
}

/** index stores an OCI index over the given platform → child digest map. */
function index(reg: FakeRegistry, platforms: Record<string, string>, version = '1', revision = 'r'): string {
  const manifests = Object.entries(platforms).map(([p, digest]) => {
    const [os, architecture] = p.split('/');
    return { mediaType: OCI_MANIFEST, digest, platform: { os, architecture } };
  });
  return reg.manifest({ schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...label(version, revision) });
}

describe('checkDrift', () => {
  it('classifies unchanged, moved, vanished and error, in sorted key order, with counts', async () => {
    const reg = fakeRegistry();
    const same = image(reg, '1', 'aaa');
    const oldApi = image(reg, '2.3.0', 'old');
    const newApi = image(reg, '2.3.0', 'new');
    const lock = lockOf({
      [`${REG}/z/same:1`]: entry(same),
      [`${REG}/a/api:2.3`]: entry(oldApi, { files: ['a.yaml', 'b.yaml'] }),
      [`${REG}/m/gone:1`]: entry(digestOf('gone')),
      [`${REG}/m/no-repo:1`]: entry(digestOf('no-repo')),
      [`${REG}/p/private:1`]: entry(digestOf('private')),
      [`${REG}/p/limited:1`]: entry(digestOf('limited')),
      [`${REG}/p/broken:1`]: entry(digestOf('broken')),
    });
    reg.tags.set(`${REG}/z/same:1`, { digest: same });
    reg.tags.set(`${REG}/a/api:2.3`, { digest: newApi });
    reg.tags.set(`${REG}/m/no-repo:1`, { error: new PinError('NAME_UNKNOWN', 'repository name not known to registry') });
    reg.tags.set(`${REG}/p/private:1`, { error: new PinError('DENIED', 'requested access to the resource is denied') });
    reg.tags.set(`${REG}/p/limited:1`, { error: new PinError('RATE_LIMITED', 'toomanyrequests') });
    reg.tags.set(`${REG}/p/broken:1`, { error: new Error('socket hang up') as PinError });

    const report = await checkDrift(lock, reg);
    expect(report.items.map((i) => [i.reference.slice(REG.length + 1), i.status])).toEqual([
      ['a/api:2.3', 'moved'], ['m/gone:1', 'vanished'], ['m/no-repo:1', 'vanished'],
      ['p/broken:1', 'error'], ['p/limited:1', 'error'], ['p/private:1', 'error'], ['z/same:1', 'unchanged'],
    ]);
    expect({ checked: report.checked, unchanged: report.unchanged }).toEqual({ checked: 7, unchanged: 1 });
    expect(report.moved).toEqual([{
      reference: `${REG}/a/api:2.3`, status: 'moved', lockedDigest: oldApi, currentDigest: newApi, currentMediaType: OCI_MANIFEST, files: ['a.yaml', 'b.yaml'],
      explanation: { summary: 'rebuilt: revision old → new', old: { version: '2.3.0', revision: 'old' }, new: { version: '2.3.0', revision: 'new' }, oldAvailable: true },
    }]);
    expect(report.vanished.map((v) => v.error!.code)).toEqual(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);
    expect(report.errors).toEqual([
      { reference: `${REG}/p/broken:1`, code: 'UNKNOWN', message: 'socket hang up', files: ['deploy/app.yaml'] },
      { reference: `${REG}/p/limited:1`, code: 'RATE_LIMITED', message: 'toomanyrequests', files: ['deploy/app.yaml'] },
      { reference: `${REG}/p/private:1`, code: 'DENIED', message: 'requested access to the resource is denied', files: ['deploy/app.yaml'] },
    ]);
    expect(report.items.find((i) => i.status === 'unchanged')).toEqual({
      reference: `${REG}/z/same:1`, status: 'unchanged', lockedDigest: same, currentDigest: same, currentMediaType: OCI_MANIFEST, files: ['deploy/app.yaml'],
    });
  });

  it('uses HEAD only for unchanged tags (no manifest or blob reads)', async () => {
    const reg = fakeRegistry();
    const same = image(reg, '1', 'a');
    reg.tags.set(`${REG}/x/y:1`, { digest: same });
    const report = await checkDrift(lockOf({ [`${REG}/x/y:1`]: entry(same) }), reg);
    expect(report.unchanged).toBe(1);
    expect(reg.heads).toEqual([`${REG}/x/y:1`]);
    expect(reg.resolves).toEqual([]);
    expect(reg.reads).toEqual([]);
  });

  it('falls back to a full resolve when HEAD gives no digest', async () => {
    const reg = fakeRegistry();
    const same = image(reg, '1', 'a');
    reg.tags.set(`${REG}/x/y:1`, { digest: same, headWithoutDigest: true });
    const report = await checkDrift(lockOf({ [`${REG}/x/y:1`]: entry(same) }), reg);
    expect(report.unchanged).toBe(1);
    expect(reg.resolves).toEqual([`${REG}/x/y:1`]);
  });

  it('flags an index whose platforms changed, without a kind change', async () => {
    const reg = fakeRegistry();
    const amd = image(reg, '1', 'amd');
    const arm = image(reg, '1', 'arm');
    const arm2 = image(reg, '1', 'arm2');
    const before = index(reg, { 'linux/amd64': amd, 'linux/arm64': arm });
    const after = index(reg, { 'linux/amd64': amd, 'linux/arm64': arm2, 'linux/s390x': arm2 });
    reg.tags.set(`${REG}/x/multi:1`, { digest: after });
    const lock = lockOf({ [`${REG}/x/multi:1`]: entry(before, { mediaType: OCI_INDEX, platforms: { 'linux/amd64': amd, 'linux/arm64': arm } }) });
    const [item] = (await checkDrift(lock, reg, { explain: false })).moved;
    expect(item!.kindChange).toBeUndefined();
    expect(item!.platformsChanged).toEqual(['linux/arm64', 'linux/s390x']);
    expect(item!.currentPlatforms).toEqual({ 'linux/amd64': amd, 'linux/arm64': arm2, 'linux/s390x': arm2 });
    expect(item!.explanation).toBeUndefined();
  });

  it.each([
    ['manifest-to-index', false, true],
    ['index-to-manifest', true, false],
  ] as const)('flags a %s flip', async (flip, wasIndex, isIndex) => {
    const reg = fakeRegistry();
    const single = image(reg, '1', 'single');
    const multi = index(reg, { 'linux/amd64': image(reg, '1', 'amd'), 'linux/arm64': image(reg, '1', 'arm') });
    reg.tags.set(`${REG}/x/app:1`, { digest: isIndex ? multi : single });
    const locked = wasIndex ? entry(multi, { mediaType: OCI_INDEX }) : entry(single, { mediaType: OCI_MANIFEST });
    const [item] = (await checkDrift(lockOf({ [`${REG}/x/app:1`]: locked }), reg)).moved;
    expect(item!.kindChange).toBe(flip);
    if (isIndex) expect(item!.platformsChanged).toEqual(['linux/amd64', 'linux/arm64']);
    else expect(item!.platformsChanged).toBeUndefined();
  });

  it('treats a lock entry with platforms (and no mediaType) as an index', async () => {
    const reg = fakeRegistry();
    const single = image(reg, '1', 'single');
    reg.tags.set(`${REG}/x/app:1`, { digest: single });
    const lock = lockOf({ [`${REG}/x/app:1`]: entry(digestOf('old-index'), { platforms: { 'linux/amd64': digestOf('c') } }) });
    const [item] = (await checkDrift(lock, reg, { explain: false })).moved;
    expect(item).toMatchObject({ kindChange: 'index-to-manifest', platformsChanged: ['linux/amd64'] });
  });

  it('explains a move whose old digest is gone from the registry', async () => {
    const reg = fakeRegistry();
    const next = image(reg, '2.0', 'b');
    reg.tags.set(`${REG}/x/app:1`, { digest: next });
    const [item] = (await checkDrift(lockOf({ [`${REG}/x/app:1`]: entry(digestOf('deleted')) }), reg)).moved;
    expect(item!.explanation).toMatchObject({ summary: 'old digest no longer in the registry; new: version 2.0, revision b', oldAvailable: false });
  });

  it('filters lock keys with include and exclude globs', async () => {
    const reg = fakeRegistry();
    const d = image(reg, '1', 'a');
    const keys = [`${REG}/team/api:1`, `${REG}/team/web:1`, `${REG}/other/db:1`, 'docker.io/library/nginx:1.25'];
    for (const key of keys) reg.tags.set(key, { digest: d });
    const lock = lockOf(Object.fromEntries(keys.map((k) => [k, entry(d)])));
    const checked = async (include: string[], exclude: string[]) => (await checkDrift(lock, reg, { include, exclude })).items.map((i) => i.reference);
    expect(await checked([`${REG}/team/**`], [])).toEqual([`${REG}/team/api:1`, `${REG}/team/web:1`]);
    expect(await checked([], [`${REG}/**`])).toEqual(['docker.io/library/nginx:1.25']);
    expect(await checked(['**/team/*:1', 'docker.io/**'], ['**/web:*'])).toEqual(['docker.io/library/nginx:1.25', `${REG}/team/api:1`]);
    expect(await checked(['nothing/**'], [])).toEqual([]);
  });

  it('reports an empty lock as nothing checked', async () => {
    expect(await checkDrift(lockOf({}), fakeRegistry())).toEqual({ checked: 0, unchanged: 0, moved: [], vanished: [], errors: [], items: [] });
  });
});
