import { describe, expect, it } from 'vitest';
import { DIGEST, GOOD, type HostileOutcome, pinHostile, pinHostileInChild, unpinned } from './hostile-run.js';

// Hostile input (issue 8): alias bombs, huge documents, deep nesting, invalid UTF-8, BOMs,
// 10k-character references and binary files, through `digestpin pin --frozen` (no network).
// Each ends in a clear error with nothing written, or in a skip that leaves the file alone
// while the normal file next to it is pinned.

interface PinJson {
  written: boolean;
  occurrences: Array<{ file: string; status: string; skipReason?: string; raw: string }>;
  ignoredFiles: Array<{ file: string; reason: string }>;
}

const json = (o: HostileOutcome) => JSON.parse(o.stdout) as PinJson;
const pod = (extra: string[], containers: string) =>
  ['apiVersion: v1', 'kind: Pod', 'metadata: {name: hostile}', ...extra, 'spec:', `  containers: ${containers}`, ''].join('\n');

/** chain builds a 9-level alias bomb: level 0 is `base`, each next level holds 9 aliases of the previous. */
function chain(base: string, level: (previous: string, i: number) => string): string[] {
  const lines = [`x0: &a0 ${base}`];
  for (let i = 1; i < 10; i++) lines.push(`x${i}: &a${i} ${level(`*a${i - 1}`, i)}`);
  return lines;
}
const nine = (alias: string) => `[${Array(9).fill(alias).join(', ')}]`;

function expectNothingWritten(o: HostileOutcome): void {
  expect(o.code).toBe(2);
  expect([...o.after.keys()].sort()).toEqual([...o.before.keys()].sort());
  for (const [name, bytes] of o.before) expect(o.after.get(name)!.equals(bytes), `${name} was written`).toBe(true);
}

/** expectGoodPinned checks exit 0, good.yaml pinned, and `file` unchanged except for pinned image scalars. */
function expectGoodPinned(o: HostileOutcome, file: string, images = 0): void {
  expect(o.stderr.match(/^error: .*/m)?.[0]).toBeUndefined();
  expect(o.code).toBe(0);
  expect(o.after.get('good.yaml')!.toString('utf8')).toBe(GOOD.replace('nginx:1.25', `nginx:1.25@${DIGEST}`));
  const after = o.after.get(file)!;
  expect(after.toString('utf8').split(`@${DIGEST}`).length - 1).toBe(images);
  if (images === 0) expect(after.equals(o.before.get(file)!)).toBe(true);
  else expect(unpinned(after)).toBe(o.before.get(file)!.toString('utf8'));
}

describe('alias bombs', () => {
  it('billion laughs beside a container: the bomb is not expanded, only the image is pinned', async () => {
    const o = await pinHostile({ 'lol.yaml': pod(chain('["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', nine), '[{name: c, image: "nginx:1.25", args: *a9}]') });
    expectGoodPinned(o, 'lol.yaml', 1);
  });

  it('a bomb of nested sequences as the container list: no container found, file left alone', async () => {
    const o = await pinHostile({ 'seqs.yaml': pod(chain('[{name: c, image: "nginx:1.25"}]', nine), '*a9') });
    expectGoodPinned(o, 'seqs.yaml');
  });

  it('a bomb of mappings in a custom resource: walked once per node, only the image is pinned', async () => {
    const maps = chain('{name: c, image: "nginx:1.25"}', (a) => `{${Array.from({ length: 9 }, (_, k) => `k${k}: ${a}`).join(', ')}}`);
    const crd = ['apiVersion: example.com/v1', 'kind: Widget', 'metadata: {name: w}', ...maps, 'spec:', '  template: *a9', '  containers: [*a0]', ''].join('\n');
    expectGoodPinned(await pinHostile({ 'crd.yaml': crd }), 'crd.yaml', 1);
  });

  it('a bomb of merge keys: YAML_SYNTAX naming file:line:col, nothing written', async () => {
    const merges = chain('{image: "nginx:1.25"}', (a, i) => `{<<: ${nine(a)}, k${i}: v}`);
    const o = await pinHostile({ 'merges.yaml': pod(merges, '[{<<: *a9, name: c}]') });
    expectNothingWritten(o);
    expect(o.stderr).toMatch(/merges\.yaml:\d+:\d+: too many alias dereferences \(alias bomb\?\) \[YAML_SYNTAX\]/);
  });
});

describe('deep nesting', () => {
  it.each([
    ['flow sequences', `deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['flow mappings', `deep: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
    // 5k levels (12.5 MB: indentation grows quadratically) stay under the default
    // --max-file-size; 10k levels (50 MB) would be ignored unread for their size.
    ['block mappings', Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ])('thousands of levels of %s: YAML_SYNTAX naming the file, no crash, nothing written', async (_what, deep) => {
    const o = await pinHostile({ 'deep.yaml': `${pod([], '[{name: c, image: "nginx:1.25"}]')}${deep}\n` });
    expectNothingWritten(o);
    expect(o.stderr).toMatch(/^digestpin: deep\.yaml:\d+:\d+: .+ \[YAML_SYNTAX\]$/m);
    expect(o.stderr).not.toContain('unexpected error');
    expect(o.stderr).not.toContain('Maximum call stack');
  });
});

describe('encodings', () => {
  const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(`\n${pod([], '[{name: c, image: "nginx:1.25"}]')}`)]);

  it('invalid UTF-8: the file is ignored with its reason and left alone', async () => {
    const o = await pinHostile({ 'latin1.yaml': latin1 });
    expectGoodPinned(o, 'latin1.yaml');
    expect(json(o).ignoredFiles).toEqual([{ file: 'latin1.yaml', reason: 'not valid UTF-8' }]);
  });

  it('invalid UTF-8: the text output says the file was ignored and why', async () => {
    const o = await pinHostile({ 'latin1.yaml': latin1 }, []);
    expect(o.code).toBe(0);
    expect(o.stderr).toContain('latin1.yaml: not valid UTF-8');
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('a UTF-8 BOM (%s) is kept and only the image changes', async (_name, eol) => {
    const text = `\ufeff${pod(['# with a byte order mark'], '[{name: c, image: "nginx:1.25"}]').replace(/\n/g, eol)}`;
    const o = await pinHostile({ 'bom.yaml': text });
    expectGoodPinned(o, 'bom.yaml', 1);
    expect(o.after.get('bom.yaml')!.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it.each([
    ['a PNG', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR image: nginx:1.25')])],
    ['UTF-16 YAML', Buffer.from(`\ufeff${pod([], '[{name: c, image: "nginx:1.25"}]')}`, 'utf16le')],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
  ])('%s named .yaml is ignored as binary and left alone', async (_what, bytes) => {
    const o = await pinHostile({ 'blob.yaml': bytes });
    expectGoodPinned(o, 'blob.yaml');
    expect(json(o).ignoredFiles.map((f) => f.file)).toEqual(['blob.yaml']);
    expect(json(o).ignoredFiles[0]!.reason).toMatch(/binary|UTF-8/);
  });
});

describe('10k-character references', () => {
  it.each([
    ['repository name', `registry.example.com/${'a'.repeat(10_000)}:v1`],
    ['tag', `nginx:${'t'.repeat(10_000)}`],
    ['path of many components', `${Array(3_000).fill('ab').join('/')}:v1`],
  ])('a 10k-character %s is skipped as an invalid reference with a short reason', async (_what, ref) => {
    const o = await pinHostile({ 'long.yaml': pod([], `[{name: c, image: "${ref}"}]`) });
    expectGoodPinned(o, 'long.yaml');
    const skipped = json(o).occurrences.filter((x) => x.file === 'long.yaml');
    expect(skipped.map((x) => x.status)).toEqual(['skipped']);
    expect(skipped[0]!.skipReason).toMatch(/^invalid-reference: /);
    expect(skipped[0]!.skipReason!.length).toBeLessThan(1_000);
  });

  it('a 10k-character registry host (valid grammar: only the path is limited) fails clearly, nothing written', async () => {
    // distribution/reference v0.6.0 limits the repository path to 255, not the domain
    // (https://github.com/distribution/reference/pull/9), so this reaches the resolver.
    const ref = `${'h'.repeat(10_000)}.example.com/app:v1`;
    const o = await pinHostile({ 'long.yaml': pod([], `[{name: c, image: "${ref}"}]`) });
    expectNothingWritten(o);
    expect(o.stderr).toContain(`digestpin: ${ref} (long.yaml:5:`);
    expect(o.stderr).toContain('[LOCK_MISSING]');
  });
});

describe('huge documents', () => {
  it('a 20 MB document is ignored unread under the default --max-file-size (16 MiB), with the reason', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(20_000_000)}"\n---\n${pod([], '[{name: c, image: "nginx:1.25"}]')}`;
    const o = await pinHostileInChild({ 'big.yaml': big }, { heapMb: 256, killAfterMs: 60_000 });
    expect(o.timedOut).toBe(false);
    expect(o.code).toBe(0);
    const report = JSON.parse(o.stdout) as { ignoredFiles: Array<{ file: string; reason: string }> };
    expect(report.ignoredFiles).toEqual([{ file: 'big.yaml', reason: expect.stringMatching(/^larger than --max-file-size \(\d+ bytes > 16777216;/) }]);
    expectGoodPinned(o, 'big.yaml', 0);
  }, 90_000);

  it('a 20 MB document (with --max-file-size 64MiB) pins the image beside it within a 1.5 GB heap, or fails clearly', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(20_000_000)}"\n---\n${pod([], '[{name: c, image: "nginx:1.25"}]')}`;
    const o = await pinHostileInChild({ 'big.yaml': big }, { heapMb: 1536, killAfterMs: 60_000, args: ['--max-file-size', '64MiB'] });
    expect(o.timedOut).toBe(false);
    console.log(`20 MB document: peak RSS ${Math.round((o.maxRssKb ?? 0) / 1024)} MiB`);
    if (o.code !== 0) return expectNothingWritten(o);
    expectGoodPinned(o, 'big.yaml', 1);
  }, 90_000);

  // Regression guard, not a timing claim: yaml's own unique-key check is quadratic (60k keys
  // took minutes, 400k never ended); the kill timer only stops a hang from blocking CI.
  it('a ConfigMap with 60k keys (2.6 MB) is scanned and pinned (no quadratic key check)', async () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  key${i}: "${'v'.repeat(30)}"`).join('\n');
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${keys}\n---\n${pod([], '[{name: c, image: "nginx:1.25"}]')}`;
    const o = await pinHostileInChild({ 'keys.yaml': big }, { heapMb: 1536, killAfterMs: 60_000 });
    expect(o.timedOut).toBe(false);
    expectGoodPinned(o, 'keys.yaml', 1);
  }, 90_000);
});
