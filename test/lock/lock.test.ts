import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { readLock, serializeLock, writeLock } from '../../src/lock/io.js';
import { mergeLock } from '../../src/lock/merge.js';
import { LockResolver } from '../../src/lock/resolver.js';
import { emptyLock, validateLock, type LockFile } from '../../src/lock/schema.js';
import { parseReference } from '../../src/reference/index.js';
import { tempDir } from '../helpers/cli.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const KEY = 'docker.io/library/nginx:1.25';

describe('mergeLock', () => {
  const first = mergeLock(emptyLock(), [{ key: KEY, digest: A, files: ['b.yaml', 'a.yaml', 'a.yaml'] }], new Set(['a.yaml', 'b.yaml']), 'T1');

  it('records a new tag with sorted, unique files and firstSeen = now', () => {
    expect(first.images[KEY]).toEqual({ digest: A, files: ['a.yaml', 'b.yaml'], firstSeen: 'T1' });
  });

  it('keeps firstSeen while the digest stays the same', () => {
    const again = mergeLock(first, [{ key: KEY, digest: A, files: ['a.yaml'] }], new Set(['a.yaml', 'b.yaml']), 'T2');
    expect(again.images[KEY]!.firstSeen).toBe('T1');
    expect(again.images[KEY]!.files).toEqual(['a.yaml']);
  });

  it('moves the old digest to history when the digest changes', () => {
    const moved = mergeLock(first, [{ key: KEY, digest: B, files: ['a.yaml'] }], new Set(['a.yaml']), 'T3');
    expect(moved.images[KEY]).toMatchObject({ digest: B, firstSeen: 'T3', history: [{ digest: A, firstSeen: 'T1', replaced: 'T3' }] });
    expect(moved.images[KEY]!.files).toEqual(['a.yaml', 'b.yaml']);
  });

  it('keeps entries from files outside the scanned set and drops entries left with no file', () => {
    const other = mergeLock(first, [], new Set(['a.yaml']), 'T4');
    expect(other.images[KEY]!.files).toEqual(['b.yaml']);
    expect(mergeLock(first, [], new Set(['a.yaml', 'b.yaml']), 'T4').images).toEqual({});
  });

  it('never stores an empty media type', () => {
    const lock = mergeLock(emptyLock(), [{ key: KEY, digest: A, mediaType: '', files: ['a.yaml'] }], new Set(), 'T');
    expect(lock.images[KEY]).not.toHaveProperty('mediaType', '');
  });
});

describe('lock file I/O', () => {
  const lock: LockFile = { lockfileVersion: 1, images: { [KEY]: { digest: A, files: ['a.yaml'], firstSeen: 'T', platforms: { 'linux/arm64': B, 'linux/amd64': A } } } };

  it('serializes deterministically: sorted keys, two-space indent, trailing newline', () => {
    const text = serializeLock(lock);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"images"')).toBeLessThan(text.indexOf('"lockfileVersion"'));
    expect(text.indexOf('linux/amd64')).toBeLessThan(text.indexOf('linux/arm64'));
    expect(serializeLock(JSON.parse(text) as LockFile)).toBe(text);
  });

  it('writes only when the bytes change, and reads back what it wrote', async () => {
    const file = path.join(await tempDir(), 'digestpin.lock.json');
    expect(await writeLock(file, lock)).toBe(true);
    expect(await writeLock(file, lock)).toBe(false);
    expect(await readLock(file)).toEqual(JSON.parse(serializeLock(lock)));
  });

  it('treats a missing lock as empty unless it is required (LOCK_MISSING)', async () => {
    const file = path.join(await tempDir(), 'none.json');
    expect(await readLock(file)).toEqual(emptyLock());
    await expect(readLock(file, { required: true })).rejects.toSatisfy((e) => isPinError(e, 'LOCK_MISSING'));
  });

  it.each([
    ['not JSON', '{', /invalid JSON/],
    ['a newer version', '{"lockfileVersion": 2, "images": {}}', /lockfileVersion 2 is newer than this digestpin understands/],
    ['a bad digest', `{"lockfileVersion": 1, "images": {"x:1": {"digest": "sha256:abc", "files": [], "firstSeen": "T"}}}`, /images\["x:1"\]\.digest is not a valid digest/],
    ['files not a list', `{"lockfileVersion": 1, "images": {"x:1": {"digest": "${A}", "files": "a", "firstSeen": "T"}}}`, /files must be a list/],
  ])('rejects %s with LOCK_INVALID naming the file', async (_what, text, message) => {
    const file = path.join(await tempDir(), 'bad.json');
    await fs.writeFile(file, text);
    await expect(readLock(file)).rejects.toSatisfy((e) => isPinError(e, 'LOCK_INVALID') && message.test((e as Error).message) && (e as Error).message.startsWith(file));
  });

  // Issue 11 item 19: --frozen trusts the lock, so every field is validated on read.
  const entry = (fields: Record<string, unknown>): string => JSON.stringify({ lockfileVersion: 1, images: { [KEY]: { digest: A, files: ['a.yaml'], firstSeen: 'T', ...fields } } });
  it.each([
    ['a fractional version', '{"lockfileVersion": 1.5, "images": {}}', /lockfileVersion 1.5 must be a positive integer/],
    ['an unknown top-level field', '{"lockfileVersion": 1, "images": {}, "x": 1}', /"x" is not a lock field/],
    ['a key with a digest', `{"lockfileVersion": 1, "images": {"x@${A}": {"digest": "${A}", "files": [], "firstSeen": "T"}}}`, /key must be "registry\/repo:tag"/],
    ['a key with control characters', JSON.stringify({ lockfileVersion: 1, images: { 'x:1\u001b[31m': { digest: A, files: [], firstSeen: 'T' } } }), /key contains control characters/],
    ['an upper-case digest', entry({ digest: `sha256:${'A'.repeat(64)}` }), /\.digest is not a valid digest/],
    ['a path-like digest', entry({ digest: 'sha256:../../etc/passwd' }), /\.digest is not a valid digest/],
    ['a platform with an escape', entry({ platforms: { 'linux/amd64\u001b': B } }), /platforms: .* is not an os\/arch\[\/variant\] platform/],
    ['a bad platform digest', entry({ platforms: { 'linux/amd64': 'sha256:x' } }), /platforms\["linux\/amd64"\] is not a valid digest/],
    ['a bad media type', entry({ mediaType: 'text/html; x=<script>' }), /mediaType is not a media type/],
    ['a file with ..', entry({ files: ['../../etc/passwd'] }), /files\[0\] "..\/..\/etc\/passwd" must not contain ".."/],
    ['an absolute file', entry({ files: ['/etc/passwd'] }), /files\[0\] .* must be relative/],
    ['a file with a newline', entry({ files: ['a\n::error::x'] }), /files\[0\] contains control characters/],
    ['a bad history digest', entry({ history: [{ digest: 'md5:1', firstSeen: 'T', replaced: 'T' }] }), /history\[0\]\.digest is not a valid digest/],
    ['an unknown entry field', entry({ note: 'x' }), /\.note is not a lock field/],
    ['deep nesting', `{"lockfileVersion": 1, "images": {}, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /nested deeper than 16 levels/],
  ])('rejects %s with LOCK_INVALID naming the entry', async (_what, text, message) => {
    const file = path.join(await tempDir(), 'bad.json');
    await fs.writeFile(file, text);
    const error = await readLock(file).catch((e: unknown) => e);
    expect(isPinError(error, 'LOCK_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('validateLock accepts the empty lock', () => {
    expect(validateLock(emptyLock(), 'x')).toEqual(emptyLock());
  });
});

describe('LockResolver (--frozen)', () => {
  const lock: LockFile = { lockfileVersion: 1, images: { [KEY]: { digest: A, files: [], firstSeen: 'T', platforms: { 'linux/amd64': B } } } };

  it('answers from the lock, with platforms', async () => {
    await expect(new LockResolver(lock, 'l.json').resolve(parseReference('nginx:1.25'))).resolves.toMatchObject({ digest: A, platforms: [{ platform: 'linux/amd64', digest: B }] });
  });

  it('fails with LOCK_MISSING naming the reference and the lock file', async () => {
    const error = await new LockResolver(lock, 'l.json').resolve(parseReference('nginx:1.26')).catch((e: unknown) => e);
    expect(isPinError(error, 'LOCK_MISSING')).toBe(true);
    expect((error as Error).message).toBe('docker.io/library/nginx:1.26 is not in l.json (run "digestpin pin" without --frozen to add it)');
  });
});
