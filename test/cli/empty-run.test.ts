import { existsSync } from 'node:fs';
import path from 'node:path';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Empty runs speak (issue 14 item 10): files scanned but no reference found says so and why
// on stderr, and no empty lock file is created where none existed. No network is needed:
// the dispatcher refuses every connection.

const TEMPLATE = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n';

function offline(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

describe('a run that finds nothing to pin', () => {
  it('pin on Helm templates only: says no reference was found and why, exits 0, writes no lock', async () => {
    const dir = await writeTree(await tempDir(), { 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n', 'chart/templates/deploy.yaml': TEMPLATE });
    const result = await runCli(['pin', '.'], { cwd: dir, dispatcher: offline() });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^digestpin: no image reference to pin in 2 scanned file\(s\): 1 skipped \(helm-template: 1\); skipped references are never pinned \(see "digestpin list"\)/m);
    expect(existsSync(path.join(dir, 'digestpin.lock.json'))).toBe(false);
  });

  it('pin on YAML without any image: says so, exits 0, writes no lock', async () => {
    const dir = await writeTree(await tempDir(), { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {}\n' });
    const result = await runCli(['pin', '.'], { cwd: dir, dispatcher: offline() });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^digestpin: no image reference to pin in 1 scanned file\(s\); none of them holds an image reference digestpin recognises/m);
    expect(existsSync(path.join(dir, 'digestpin.lock.json'))).toBe(false);
  });

  it('pin --check on an empty tree exits 0 and says it', async () => {
    const dir = await writeTree(await tempDir(), { 'cm.yaml': 'kind: ConfigMap\n' });
    const result = await runCli(['pin', '--check', '.'], { cwd: dir, dispatcher: offline() });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no image reference to pin/);
  });

  it('an existing lock is still rewritten (emptied) when its entries are gone', async () => {
    const lock = JSON.stringify({ lockfileVersion: 1, images: { 'registry.invalid/app:1': { digest: `sha256:${'b'.repeat(64)}`, files: ['cm.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' } } });
    const dir = await writeTree(await tempDir(), { 'cm.yaml': 'kind: ConfigMap\n', 'digestpin.lock.json': lock });
    const result = await runCli(['pin', '.'], { cwd: dir, dispatcher: offline() });
    expect(result.code).toBe(0);
    expect(existsSync(path.join(dir, 'digestpin.lock.json'))).toBe(true);
  });
});
