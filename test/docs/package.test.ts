import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

// What a user gets from the package (issue 14 item 3): the licence package.json names, the
// docs --help links to, no source maps pointing at unshipped files, and a README whose
// TypeScript blocks compile against the built package types exactly as a user imports them.
// `npm test` builds dist/ before the tests run.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string; name: string };

/** packedFiles lists what `npm pack` would ship (scripts skipped: dist/ is already built). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

/** typescriptBlocks extracts every ```ts / ```typescript block of a markdown file. */
function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('the published package', () => {
  it('has a LICENSE with the licence package.json names', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const text = readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(text).toContain('Apache License');
    expect(text).toContain('Version 2.0, January 2004');
  });

  it('ships LICENSE, README and every doc --help links to, and no source map', async () => {
    expect(existsSync(path.join(root, 'dist', 'index.js')), 'run npm run build first').toBe(true);
    const files = packedFiles();
    const help = (await runCli(['--help'])).stdout;
    const linked = [...help.matchAll(/\b(README\.md|docs\/[\w.-]+\.md)\b/g)].map((m) => m[1]!);
    expect(linked).toContain('docs/drift.md');
    for (const doc of ['LICENSE', 'README.md', ...linked]) expect(files, doc).toContain(doc);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    // Nothing built refers to a source map either.
    const js = files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    for (const f of js) expect(readFileSync(path.join(root, f), 'utf8'), f).not.toContain('sourceMappingURL');
  }, 60_000);

  it('README TypeScript blocks compile against the built package types', async () => {
    const blocks = typescriptBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThan(0);
    // A tiny consumer project: node_modules/digestpin is this repository (its package.json exports).
    const dir = await tempDir('digestpin-readme-');
    await fs.mkdir(path.join(dir, 'node_modules', '@types'), { recursive: true });
    await fs.symlink(root, path.join(dir, 'node_modules', pkg.name), 'dir');
    await fs.symlink(path.join(root, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const names = await Promise.all(blocks.map(async (code, i) => {
      const name = `readme-${i + 1}.ts`;
      await fs.writeFile(path.join(dir, name), `${code}\nexport {};\n`);
      return name;
    }));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', ...names], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 180_000);
});
