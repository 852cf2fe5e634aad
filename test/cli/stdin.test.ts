import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// stdin is a first-class input (issue 14 item 8): `pin -` honours --check, --diff and --json;
// `list -`, `lint -` and `update -` read stdin. Bytes that are not UTF-8 text fail clearly
// (issue 11 item 18) instead of being corrupted. Locations name --stdin-filename (default stdin.yaml),
// the name the finders pick by. Runs offline: `pin --frozen` answers from a lock.

const DIGEST = `sha256:${'a'.repeat(64)}`;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: registry.invalid/app:1.0\n';
const PINNED = POD.replace('app:1.0', `app:1.0@${DIGEST}`);
const LOCK = JSON.stringify({
  lockfileVersion: 1,
  images: { 'registry.invalid/app:1.0': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', files: ['stdin.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' } },
});

async function lockedDir(): Promise<string> {
  return writeTree(await tempDir(), { 'digestpin.lock.json': LOCK });
}

describe('pin - (stdin)', () => {
  it('writes the pinned text to stdout and exits 0', async () => {
    const result = await runCli(['pin', '-', '--frozen'], { cwd: await lockedDir(), stdin: POD });
    expect(result).toMatchObject({ code: 0, stdout: PINNED });
  });

  it('--check exits 1 when the input would change, prints nothing on stdout, and says what would change', async () => {
    const result = await runCli(['pin', '-', '--frozen', '--check'], { cwd: await lockedDir(), stdin: POD });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/would pin stdin\.yaml:8:\d+ registry\.invalid\/app:1\.0/);
  });

  it('--check exits 0 when the input is already pinned', async () => {
    const result = await runCli(['pin', '-', '--frozen', '--check'], { cwd: await lockedDir(), stdin: PINNED });
    expect(result.code).toBe(0);
  });

  it('--diff prints a unified diff of stdin and exits 0', async () => {
    const result = await runCli(['pin', '-', '--frozen', '--diff'], { cwd: await lockedDir(), stdin: POD });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-      image: registry.invalid/app:1.0\n');
    expect(result.stdout).toContain(`+      image: registry.invalid/app:1.0@${DIGEST}\n`);
  });

  it('--json prints the report and the pinned text, and never writes the lock', async () => {
    const dir = await lockedDir();
    const result = await runCli(['pin', '-', '--frozen', '--json'], { cwd: dir, stdin: POD });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { output: string; files: unknown[] };
    expect(report.output).toBe(PINNED);
    expect(report.files).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8')).toBe(LOCK);
  });

  it.each([
    ['Latin-1 bytes', Buffer.from('apiVersion: v1\nkind: Pod\n# caf\xe9\n', 'latin1'), /not valid UTF-8/],
    ['a NUL byte', Buffer.from('apiVersion: v1\nkind: Pod\x00\n'), /binary .*NUL/],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD, 'utf16le')]), /binary|UTF-8/],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(POD, 'utf16le').swap16()]), /binary|UTF-8/],
  ])('refuses %s on stdin with exit 2 and a clear error, writing nothing to stdout', async (_name, bytes, reason) => {
    const result = await runCli(['pin', '-', '--frozen'], { cwd: await lockedDir(), stdin: bytes });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^digestpin: stdin: cannot read as text: .+ \[INPUT_NOT_TEXT\]\n$/);
    expect(result.stderr).toMatch(reason);
  });
});

describe('list -, lint -, update - read stdin', () => {
  it('list - lists the references on stdin', async () => {
    const result = await runCli(['list', '-'], { cwd: await tempDir(), stdin: POD });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('stdin.yaml:8:14\tunpinned\tregistry.invalid/app:1.0\n');
  });

  it('list - --json lists them as JSON', async () => {
    const result = await runCli(['list', '-', '--json'], { cwd: await tempDir(), stdin: POD });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ file: 'stdin.yaml', line: 8 })]);
  });

  it('list --stdin-filename Dockerfile - picks the Dockerfile finder', async () => {
    const result = await runCli(['list', '-', '--stdin-filename', 'Dockerfile'], { cwd: await tempDir(), stdin: 'FROM registry.invalid/base:2\n' });
    expect(result.stdout).toBe('Dockerfile:1:6\tunpinned\tregistry.invalid/base:2\n');
  });

  it('lint - checks stdin and exits 1 on a mutable tag', async () => {
    const result = await runCli(['lint', '-'], { cwd: await tempDir(), stdin: POD.replace('app:1.0', 'app:latest') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('stdin.yaml:8:');
  });

  it('list - refuses bytes that are not UTF-8', async () => {
    const result = await runCli(['list', '-'], { cwd: await tempDir(), stdin: Buffer.from('image: caf\xe9\n', 'latin1') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[INPUT_NOT_TEXT\]\n$/);
  });

  it('update - reads stdin (a pinned reference whose registry cannot be reached fails, it is not "no such file")', async () => {
    const result = await runCli(['update', '-', '--no-lock', '--retries', '0', '--timeout', '2'], { cwd: await tempDir(), stdin: PINNED });
    expect(result.stderr).not.toMatch(/no such file/);
    expect(result.stderr).toMatch(/registry\.invalid/);
    expect(result.code).toBe(2);
  });
});
