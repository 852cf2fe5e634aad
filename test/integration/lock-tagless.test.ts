import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { moveTag, seedImage } from '../harness/seed.js';
import type { SeededImage } from '../harness/types.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Issue 11 item 13 / issue 12 item 9: a tagless reference (`image: NAME`) means NAME:latest
// everywhere. `pin` keeps the user's spelling (NAME@sha256:…) under the lock key NAME:latest,
// and the next pin / update / drift --update-lock keep that entry byte for byte.

const reg = registryFromContext('anonymous');
const repo = uniqueRepository('tagless');
const ARGS = ['--insecure-registry', reg.host];
const NOW = () => new Date('2026-11-21T06:00:00Z');
const name = `${reg.host}/${repo}`;
let seeded: SeededImage;

const manifest = (image: string): string =>
  ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', '    - name: c', `      image: ${image}`, ''].join('\n');

async function pinnedTree(): Promise<string> {
  const dir = await tempDir('digestpin-tagless-');
  await writeTree(dir, { 'pod.yaml': manifest(name) });
  const pin = await runCli(['pin', ...ARGS, '.'], { cwd: dir, now: NOW });
  expect(pin.stderr).toContain('lock written');
  expect(pin.code).toBe(0);
  return dir;
}

const read = (dir: string, file: string): Promise<string> => fs.readFile(path.join(dir, file), 'utf8');

beforeAll(async () => {
  seeded = await seedImage(reg, { repository: repo, tag: 'latest', kind: 'oci-manifest', dispatcher: reg.dispatcher });
});
afterAll(() => reg.close());

describe('tagless references and the lock', () => {
  it('pin keeps the spelling (NAME@sha256) and locks NAME:latest', async () => {
    const dir = await pinnedTree();
    expect(await read(dir, 'pod.yaml')).toBe(manifest(`${name}@${seeded.digest}`));
    const lock = JSON.parse(await read(dir, 'digestpin.lock.json'));
    expect(lock.images[`${name}:latest`]).toMatchObject({ digest: seeded.digest, files: ['pod.yaml'] });
  });

  it('a second pin leaves the lock byte-identical', async () => {
    const dir = await pinnedTree();
    const before = await read(dir, 'digestpin.lock.json');
    const again = await runCli(['pin', ...ARGS, '.'], { cwd: dir, now: () => new Date('2026-11-22T00:00:00Z') });
    expect(again.code).toBe(0);
    expect(await read(dir, 'digestpin.lock.json')).toBe(before);
    const frozen = await runCli(['pin', '--frozen', '--check', '.'], { cwd: dir });
    expect(frozen.code).toBe(0);
  });

  it('update --check right after pin exits 0 and update leaves files and lock alone', async () => {
    const dir = await pinnedTree();
    const before = await read(dir, 'digestpin.lock.json');
    const check = await runCli(['update', ...ARGS, '--check', '.'], { cwd: dir, now: NOW });
    expect(check.stderr).not.toContain('digest only');
    expect(check.code).toBe(0);
    const update = await runCli(['update', ...ARGS, '.'], { cwd: dir, now: NOW });
    expect(update.code).toBe(0);
    expect(await read(dir, 'digestpin.lock.json')).toBe(before);
    expect(await read(dir, 'pod.yaml')).toBe(manifest(`${name}@${seeded.digest}`));
  });

  it('drift --update-lock with nothing moved leaves the lock byte-identical', async () => {
    const dir = await pinnedTree();
    const before = await read(dir, 'digestpin.lock.json');
    const drift = await runCli(['drift', ...ARGS, '--update-lock'], { cwd: dir, now: NOW });
    expect(drift.code).toBe(0);
    expect(await read(dir, 'digestpin.lock.json')).toBe(before);
  });

  it('update follows NAME@sha256 as NAME:latest when the tag moves, keeping the spelling', async () => {
    const dir = await pinnedTree();
    const moved = await moveTag(reg, repo, 'latest', 'oci-manifest', { version: '2' });
    try {
      const update = await runCli(['update', ...ARGS, '.'], { cwd: dir, now: NOW });
      expect(update.code).toBe(0);
      expect(await read(dir, 'pod.yaml')).toBe(manifest(`${name}@${moved.digest}`));
      const lock = JSON.parse(await read(dir, 'digestpin.lock.json'));
      expect(lock.images[`${name}:latest`]).toMatchObject({ digest: moved.digest, files: ['pod.yaml'] });
    } finally {
      seeded = await moveTag(reg, repo, 'latest', 'oci-manifest', { version: '3' });
    }
  });
});
