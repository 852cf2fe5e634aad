import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../src/pipeline/byte-size.js';
import { runCli, tempDir } from '../helpers/cli.js';

// Issue 12 item 2: one unreadable file never hides the rest. Issue 11 item 20: --max-file-size.

const DIGEST = `sha256:${'a'.repeat(64)}`;
const GOOD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n';
// A sed template (`{PREFIX}` is filled in by a script): no YAML parser reads it, go-yaml neither.
const SED_TEMPLATE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: {PREFIX}.16\n';
const LOCK = JSON.stringify({
  lockfileVersion: 1,
  images: { 'docker.io/library/nginx:1.25': { digest: DIGEST, files: ['good.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' } },
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return dir;
}

const ERROR_LINE = /^digestpin: bad\.yaml:6:\d+: .+ \[YAML_SYNTAX\]$/m;
const occurrencesOf = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

describe('one unreadable file never hides the rest (issue 12 item 2)', () => {
  it('list reports every other file, names the bad one once with file:line:col, exits 2', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'bad.yaml': SED_TEMPLATE, 'z/later.yaml': GOOD.replace('nginx:1.25', 'redis:7.2') });
    const result = await runCli(['list', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('good.yaml:8:12\tunpinned\tnginx:1.25');
    expect(result.stdout).toContain('z/later.yaml:8:12\tunpinned\tredis:7.2');
    expect(occurrencesOf(result.stderr, ERROR_LINE)).toBe(1);
    expect(occurrencesOf(result.stderr, /bad\.yaml/)).toBe(1);
    expect(result.stderr).toMatch(/1 file\(s\) could not be read/);
  });

  it('list --json still prints the other files and exits 2', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'bad.yaml': SED_TEMPLATE });
    const result = await runCli(['list', '--json', '.'], { cwd });
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as Array<{ file: string }>).map((o) => o.file)).toEqual(['good.yaml']);
    expect(result.stderr).toMatch(ERROR_LINE);
  });

  it('lint lints every other file and exits 2 (a check that could not be made is not success)', async () => {
    const cwd = await tree({ 'good.yaml': GOOD.replace('nginx:1.25', 'nginx:latest'), 'bad.yaml': SED_TEMPLATE });
    const result = await runCli(['lint', '--format', 'json', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('good.yaml');
    expect(occurrencesOf(result.stderr, ERROR_LINE)).toBe(1);
  });

  it('lint with only readable files keeps its exit codes', async () => {
    const cwd = await tree({ 'good.yaml': GOOD });
    expect((await runCli(['lint', '.'], { cwd })).code).not.toBe(2);
  });

  it('pin stays all-or-nothing: nothing written, the bad file named', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'bad.yaml': SED_TEMPLATE, 'digestpin.lock.json': LOCK });
    const result = await runCli(['pin', '--frozen', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml:6:\d+: .+\[YAML_SYNTAX\]/);
    expect(await fs.readFile(path.join(cwd, 'good.yaml'), 'utf8')).toBe(GOOD);
  });

  it('pin --keep-going writes every other file, reports the bad one once, exits 2', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'bad.yaml': SED_TEMPLATE, 'digestpin.lock.json': LOCK });
    const result = await runCli(['pin', '--frozen', '--keep-going', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(await fs.readFile(path.join(cwd, 'good.yaml'), 'utf8')).toBe(GOOD.replace('nginx:1.25', `nginx:1.25@${DIGEST}`));
    expect(await fs.readFile(path.join(cwd, 'bad.yaml'), 'utf8')).toBe(SED_TEMPLATE);
    expect(occurrencesOf(result.stderr, ERROR_LINE)).toBe(1);
  });

  it('pin --keep-going --json lists the unreadable file', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'bad.yaml': SED_TEMPLATE, 'digestpin.lock.json': LOCK });
    const result = await runCli(['pin', '--frozen', '--keep-going', '--json', '.'], { cwd });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { written: boolean; unreadableFiles: Array<{ file: string; error: string }> };
    expect(report.written).toBe(true);
    expect(report.unreadableFiles).toEqual([{ file: 'bad.yaml', error: expect.stringMatching(/^bad\.yaml:6:\d+: /) }]);
  });
});

describe('--max-file-size (issue 11 item 20)', () => {
  it('ignores larger files unread, with the reason, and scans the rest', async () => {
    const big = `${GOOD}${'# padding\n'.repeat(20)}`;
    const cwd = await tree({ 'good.yaml': GOOD, 'big.yaml': big });
    const result = await runCli(['list', '--max-file-size', '200', '.'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('good.yaml:8:12');
    expect(result.stdout).not.toContain('big.yaml');
    expect(result.stderr).toContain(`ignored big.yaml: larger than --max-file-size (${Buffer.byteLength(big)} bytes > 200;`);
  });

  it('defaults to 16 MiB', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'huge.yaml': `${GOOD}#${'x'.repeat(16 * 1024 * 1024)}\n` });
    const result = await runCli(['list', '.'], { cwd });
    expect(result.stdout).toContain('good.yaml:8:12');
    expect(result.stderr).toMatch(/ignored huge\.yaml: larger than --max-file-size \(\d+ bytes > 16777216;/);
  });

  it('reads maxFileSize from .digestpin.yaml; the flag wins', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, '.digestpin.yaml': 'maxFileSize: 100B\n' });
    expect((await runCli(['list', '.'], { cwd })).stderr).toMatch(/ignored good\.yaml: larger than --max-file-size/);
    expect((await runCli(['list', '--max-file-size', '1KiB', '.'], { cwd })).stdout).toContain('good.yaml:8:12');
  });

  it('applies to pin, lint and update too', async () => {
    const cwd = await tree({ 'good.yaml': GOOD, 'digestpin.lock.json': LOCK });
    const pin = await runCli(['pin', '--frozen', '--check', '--max-file-size', '10', '.'], { cwd });
    expect(pin.stderr).toContain('ignored good.yaml: larger than --max-file-size');
    expect(pin.code).toBe(0);
    const lint = await runCli(['lint', '--max-file-size', '10', '.'], { cwd });
    expect(lint.stderr + lint.stdout).not.toContain('good.yaml:8');
    const update = await runCli(['update', '--help'], { cwd });
    expect(update.stdout).toContain('--max-file-size <size>');
  });

  it('rejects sizes that are not sizes, as usage errors', async () => {
    const cwd = await tree({ 'good.yaml': GOOD });
    const result = await runCli(['list', '--max-file-size', 'lots', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-file-size "lots" is not a size .*\[USAGE\]/);
    const config = await tree({ 'good.yaml': GOOD, '.digestpin.yaml': 'maxFileSize: -1\n' });
    expect((await runCli(['list', '.'], { cwd: config })).stderr).toMatch(/"maxFileSize" .*\[CONFIG_INVALID\]/);
  });

  it.each([
    ['1048576', 1048576], ['16MiB', 16 * 1024 * 1024], ['16M', 16 * 1024 * 1024], ['512KiB', 512 * 1024],
    ['2GB', 2e9], ['1.5MB', 1_500_000], ['100B', 100], ['7 kib', 7 * 1024],
  ])('parseByteSize(%j) = %d', (text, bytes) => {
    expect(parseByteSize(text, '--max-file-size')).toBe(bytes);
  });

  it.each(['', '0', '-1', '1.5', 'MiB', '16 TiB', '1e9'])('parseByteSize(%j) is an error', (text) => {
    expect(() => parseByteSize(text, '--max-file-size')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
