import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

const reg = registryFromContext('anonymous');
afterAll(() => reg.close());
const registryArgs = ['--insecure-registry', reg.host];

function deployment(image: string, extra = ''): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: app}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    ...(extra ? [extra] : []),
    '',
  ].join('\n');
}

describe('--require-platforms', () => {
  it('pins an index that has every required platform', async () => {
    const dir = await writeTree(await tempDir(), { 'app.yaml': deployment(`${reg.host}/app/multi:v1`) });
    const result = await runCli(['pin', '--require-platforms', 'linux/amd64,linux/arm64', ...registryArgs, '.'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'app.yaml'), 'utf8')).toContain(`@${reg.image('app/multi', 'v1').digest}`);
  });

  it('refuses a single-platform image and a missing platform, naming them, and writes nothing', async () => {
    const files = { 'a.yaml': deployment(`${reg.host}/app/oci:v1`), 'b.yaml': deployment(`${reg.host}/app/multi:v1`) };
    const dir = await writeTree(await tempDir(), files);
    const result = await runCli(['pin', '--require-platforms', 'linux/amd64,linux/s390x', ...registryArgs, '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${reg.host}/app/oci:v1 is a single-platform manifest`);
    expect(result.stderr).toContain(`${reg.host}/app/multi:v1 lacks linux/s390x (has linux/amd64, linux/arm64)`);
    expect(result.stderr).toContain('PLATFORM_MISSING');
    for (const [name, text] of Object.entries(files)) expect(await fs.readFile(path.join(dir, name), 'utf8')).toBe(text);
    await expect(fs.stat(path.join(dir, 'digestpin.lock.json'))).rejects.toThrow();
  });

  it('drift reports locked tags without the platforms as errors', async () => {
    const dir = await writeTree(await tempDir(), { 'a.yaml': deployment(`${reg.host}/app/oci:v1`), 'b.yaml': deployment(`${reg.host}/app/list:v1`) });
    expect((await runCli(['pin', ...registryArgs, '.'], { cwd: dir })).code).toBe(0);
    const result = await runCli(['drift', '--format', 'json', '--fail-on', 'error', '--require-platforms', 'linux/arm64/v8', ...registryArgs], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { errors: Array<{ reference: string; code: string }>; unchanged: number };
    expect(report.errors).toEqual([expect.objectContaining({ reference: `${reg.host}/app/oci:v1`, code: 'PLATFORM_MISSING' })]);
    expect(report.unchanged).toBe(1);
  });

  it('rejects a malformed platform list as a usage error', async () => {
    const result = await runCli(['pin', '--require-platforms', 'linux', '.'], { cwd: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"linux" must look like os/arch');
  });
});

describe('pin --set-pull-policy', () => {
  it('inserts the policy at the container indentation next to the pinned image, once', async () => {
    const input = deployment(`${reg.host}/app/docker:v1`);
    const dir = await writeTree(await tempDir(), { 'app.yaml': input });
    const args = ['pin', '--set-pull-policy', 'IfNotPresent', ...registryArgs, '.'];
    expect((await runCli(args, { cwd: dir })).code).toBe(0);
    const digest = reg.image('app/docker', 'v1').digest;
    const expected = input.replace(
      `image: ${reg.host}/app/docker:v1\n`,
      `image: ${reg.host}/app/docker:v1@${digest}\n          imagePullPolicy: IfNotPresent\n`,
    );
    expect(await fs.readFile(path.join(dir, 'app.yaml'), 'utf8')).toBe(expected);
    expect((await runCli(args, { cwd: dir })).code).toBe(0);
    expect(await fs.readFile(path.join(dir, 'app.yaml'), 'utf8')).toBe(expected);
  });

  it('replaces an existing policy value', async () => {
    const input = deployment(`${reg.host}/app/docker:v1`, '          imagePullPolicy: Always');
    const dir = await writeTree(await tempDir(), { 'app.yaml': input });
    expect((await runCli(['pin', '--set-pull-policy', 'IfNotPresent', ...registryArgs, '.'], { cwd: dir })).code).toBe(0);
    const out = await fs.readFile(path.join(dir, 'app.yaml'), 'utf8');
    expect(out).toContain('          imagePullPolicy: IfNotPresent\n');
    expect(out).not.toContain('Always');
  });
});

describe('digestpin lint', () => {
  it('flags an unpinned IfNotPresent container and passes once pinned', async () => {
    const dir = await writeTree(await tempDir(), { 'app.yaml': deployment(`${reg.host}/app/docker:latest`) });
    const before = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
    expect(before.code).toBe(1);
    const ids = (JSON.parse(before.stdout) as { findings?: Array<{ ruleId: string }> } | Array<{ ruleId: string }>);
    const list = Array.isArray(ids) ? ids : (ids.findings ?? []);
    expect(list.map((f) => f.ruleId)).toContain('mutable-tag');
    const pinned = await writeTree(await tempDir(), { 'app.yaml': deployment(`${reg.host}/app/docker:v1`) });
    expect((await runCli(['pin', '--set-pull-policy', 'IfNotPresent', ...registryArgs, '.'], { cwd: pinned })).code).toBe(0);
    const after = await runCli(['lint', '.'], { cwd: pinned });
    expect(after.code).toBe(0);
  });
});
