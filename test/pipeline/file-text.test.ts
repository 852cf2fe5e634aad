import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { occurrencesJson } from '../../src/cli/output.js';
import { isPinError } from '../../src/errors.js';
import { commitWrites, prepareWrites } from '../../src/fs/transaction.js';
import { fingerprintOf } from '../../src/fs/fingerprint.js';
import { lockKey, PinError, pinTree, type ImageReference, type Resolver } from '../../src/index.js';
import { diskTextOf, textInMemory } from '../../src/pipeline/file-text.js';
import { planPinRun } from '../../src/pipeline/pin.js';
import { scanPaths } from '../../src/pipeline/scan.js';
import { writeRun } from '../../src/pipeline/write.js';
import { emptyLock } from '../../src/lock/schema.js';
import { tempDir, writeTree, readTreeText } from '../helpers/cli.js';

// Issue 13 cause 5: a scanned tree does not hold every file's text. A file keeps the size and
// hash of the bytes read; its text is re-read when needed and must still be those bytes.

const digestOf = (ref: ImageReference): string => `sha256:${createHash('sha256').update(lockKey(ref)).digest('hex')}`;
const stub: Resolver = { resolve: async (ref) => ({ digest: digestOf(ref), mediaType: 'application/vnd.oci.image.manifest.v1+json' }) };
const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
const NOW = '2026-12-03T00:00:00.000Z';

const FILE_CHANGED = (display: string) => (e: unknown) => isPinError(e, 'FILE_CHANGED') && (e as Error).message.startsWith(`${display}: changed on disk while digestpin ran; nothing was written`);

describe('scanned files do not hold their texts', () => {
  it('an ASCII manifest keeps a fingerprint, not its text; the texts tree-wide steps and --json need stay in memory', async () => {
    const dir = await writeTree(await tempDir(), {
      'app.yaml': pod('nginx:1.25'),
      'utf8.yaml': `# café\n${pod('nginx:1.25')}`,
      'kustomization.yaml': 'resources: [app.yaml]\n',
      'Tiltfile': "docker_build('app', '.')\n",
      'skaffold-like.yaml': 'apiVersion: skaffold/v4beta6\nkind: Config\n',
    });
    const scanned = await scanPaths(['.'], { cwd: dir });
    const byName = new Map(scanned.map((f) => [f.display, f]));
    const app = byName.get('app.yaml')!;
    expect(textInMemory(app)).toBeUndefined();
    expect(diskTextOf(app)).toMatchObject(fingerprintOf(pod('nginx:1.25')));
    expect(app.text).toBe(pod('nginx:1.25'));
    for (const held of ['utf8.yaml', 'kustomization.yaml', 'Tiltfile', 'skaffold-like.yaml']) expect(textInMemory(byName.get(held)!), held).toBeDefined();
  });

  it('reading the text of a file edited or deleted since the scan is FILE_CHANGED naming it', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox:1') });
    const [a, b] = await scanPaths(['.'], { cwd: dir });
    await fs.appendFile(path.join(dir, 'a.yaml'), '# edited\n');
    await fs.rm(path.join(dir, 'b.yaml'));
    expect(() => a!.text).toThrow(expect.objectContaining({ code: 'FILE_CHANGED', message: expect.stringMatching(/^a\.yaml: changed on disk/) }));
    expect(() => b!.text).toThrow(expect.objectContaining({ code: 'FILE_CHANGED', message: expect.stringMatching(/^b\.yaml: changed on disk/) }));
  });

  it('a plan holds no texts: its changes re-read before and after, and the commit check compares fingerprints', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox:1') });
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', now: NOW, write: false });
    expect(report.changes.map((c) => c.display)).toEqual(['a.yaml', 'b.yaml']);
    for (const change of report.changes) {
      expect(diskTextOf(change), change.display).toBeDefined();
      expect(Object.values(change)).not.toContain(pod('nginx:1.25'));
      expect(change.before).toBe(await fs.readFile(change.file, 'utf8'));
      expect(change.after).toContain('@sha256:');
    }
    for (const f of report.scanned) expect(textInMemory(f)).toBeUndefined();
  });
});

describe('a file changed between the scan and the write', () => {
  it('while references resolve: FILE_CHANGED naming it, nothing written, no lock', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox:1') });
    const editing: Resolver = {
      async resolve(ref) {
        await fs.writeFile(path.join(dir, 'b.yaml'), pod('busybox:2'));
        return stub.resolve(ref);
      },
    };
    const before = { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox:2') };
    const error = await pinTree({ paths: ['.'], cwd: dir, resolver: editing, mode: 'pin', now: NOW, lockFile: path.join(dir, 'digestpin.lock.json') }).catch((e: unknown) => e);
    expect(error).toSatisfy(FILE_CHANGED('b.yaml'));
    expect(await readTreeText(dir)).toEqual(before);
  });

  it('after planning, before the temp files: FILE_CHANGED, nothing written, no temp file left', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25'), 'b.yaml': pod('busybox:1') });
    const run = await planPinRun({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', lock: emptyLock(), lockDir: dir, now: NOW });
    await fs.writeFile(path.join(dir, 'a.yaml'), pod('nginx:1.26'));
    const error = await writeRun(run, { lockFile: path.join(dir, 'digestpin.lock.json') }).catch((e: unknown) => e);
    expect(error).toSatisfy(FILE_CHANGED('a.yaml'));
    expect(await readTreeText(dir)).toEqual({ 'a.yaml': pod('nginx:1.26'), 'b.yaml': pod('busybox:1') });
  });

  it('after its temp file was written: the fingerprint check at commit renames nothing', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const writes = ['a.yaml', 'b.yaml'].map((f) => ({ target: path.join(dir, f), display: f, content: 'new\n', expected: fingerprintOf(`${f[0]}: 1\n`) }));
    const prepared = await prepareWrites(writes);
    await fs.writeFile(path.join(dir, 'b.yaml'), 'b: 2\n');
    await expect(commitWrites(prepared)).rejects.toSatisfy(FILE_CHANGED('b.yaml'));
    expect(await readTreeText(dir)).toEqual({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n' });
    await commitWrites(await prepareWrites([{ ...writes[0]!, content: 'ok\n' }]));
    expect(await fs.readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe('ok\n');
  });

  it('--json byte offsets need no text, so they still answer after the files were rewritten', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': pod('nginx:1.25') });
    const report = await pinTree({ paths: ['.'], cwd: dir, resolver: stub, mode: 'pin', now: NOW });
    expect(report.written).toBe(true);
    const [json] = occurrencesJson(report.scanned[0]!);
    expect(json).toMatchObject({ start: pod('').length - 1, byteStart: pod('').length - 1, raw: 'nginx:1.25' });
    expect(() => report.scanned[0]!.text).toThrow(PinError);
  });
});
