import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempFile, removeStaleTempFiles, TEMP_MARKER, writeFileAtomic } from '../../src/fs/atomic.js';
import { collectFiles } from '../../src/pipeline/collect.js';
import { tempDir } from '../helpers/cli.js';

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the mode and leaves no temp file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'app.yaml');
    await fs.writeFile(file, 'old');
    await fs.chmod(file, 0o640);
    await writeFileAtomic(file, 'new');
    expect(await fs.readFile(file, 'utf8')).toBe('new');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
    expect((await fs.readdir(dir)).filter(isTempFile)).toEqual([]);
  });

  it('creates a new file with mode 0644', async () => {
    const file = path.join(await tempDir(), 'new.yaml');
    await writeFileAtomic(file, 'x');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o644);
  });
});

describe('removeStaleTempFiles', () => {
  it('removes temp files of writers that are gone, but not those of a running digestpin', async () => {
    const dir = await tempDir();
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const dead = `.app.yaml${TEMP_MARKER}999999999-deadbeef`;
      const live = `.app.yaml${TEMP_MARKER}${alive.pid}-cafebabe`;
      await fs.writeFile(path.join(dir, dead), 'partial');
      await fs.writeFile(path.join(dir, live), 'in progress');
      await fs.writeFile(path.join(dir, 'app.yaml'), 'kept');
      expect(await removeStaleTempFiles(dir)).toEqual([path.join(dir, dead)]);
      expect((await fs.readdir(dir)).sort()).toEqual([live, 'app.yaml'].sort());
    } finally {
      alive.kill();
    }
  });
});

describe('collectFiles and stale temp files', () => {
  it('removes a killed run\'s temp files in every walked directory, from the one listing it reads', async () => {
    const dir = await tempDir();
    await fs.mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    const dead = `.app.yaml${TEMP_MARKER}999999999-deadbeef`;
    await fs.writeFile(path.join(dir, 'a', 'b', dead), 'partial');
    await fs.writeFile(path.join(dir, 'a', 'b', 'app.yaml'), 'image: x\n');
    expect(await collectFiles([dir], { cwd: dir })).toEqual([path.join(dir, 'a', 'b', 'app.yaml')]);
    expect(await fs.readdir(path.join(dir, 'a', 'b'))).toEqual(['app.yaml']);
  });
});
