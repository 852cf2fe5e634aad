import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Every error line has the documented shape `digestpin: <message> [CODE]` (issue 14 item 11),
// per-reference failures included; a registry-wide failure (the /v2/ ping) is reported once
// for the registry with the references it affected, never attributed to one of them.

const HOST = 'registry.example.test';
let agent: MockAgent;
afterEach(async () => {
  await agent.close();
});

function pod(...images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

describe('failure lines', () => {
  it('a ping failure is one line for the registry, listing every reference it affected', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(`https://${HOST}`).intercept({ path: '/v2/', method: 'GET' }).replyWithError(new Error('simulated DNS failure')).persist();
    const dir = await writeTree(await tempDir(), { 'p.yaml': pod(`${HOST}/app:1`, `${HOST}/other:2`) });
    const result = await runCli(['pin', '.', '--retries', '0'], { cwd: dir, dispatcher: agent });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^digestpin: .+ \[[A-Z_]+\]$|^digestpin: \d+ reference\(s\) failed/);
    const registryLines = lines.filter((l) => l.includes('simulated DNS failure'));
    expect(registryLines).toHaveLength(1);
    expect(registryLines[0]).toMatch(new RegExp(`^digestpin: registry ${HOST}: .*simulated DNS failure.*; affects 2 reference\\(s\\): ${HOST}/app:1 \\(p\\.yaml:6:14\\), ${HOST}/other:2 \\(p\\.yaml:8:14\\) \\[NETWORK\\]$`));
    expect(result.stderr).not.toMatch(/\(reference /);
  });

  it('a per-reference failure is `digestpin: <reference> (<where>): <message> [CODE]`', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const origin = agent.get(`https://${HOST}`);
    origin.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}').persist();
    origin.intercept({ path: '/v2/app/manifests/1', method: 'HEAD' }).reply(404, '').persist();
    origin.intercept({ path: '/v2/app/manifests/1', method: 'GET' }).reply(404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), { headers: { 'content-type': 'application/json' } }).persist();
    const dir = await writeTree(await tempDir(), { 'p.yaml': pod(`${HOST}/app:1`) });
    const result = await runCli(['pin', '.', '--retries', '0'], { cwd: dir, dispatcher: agent });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^digestpin: ${HOST}/app:1 \\(p\\.yaml:6:14\\): .+ \\[MANIFEST_UNKNOWN\\]$`, 'm'));
    expect(result.stderr).not.toMatch(/^error: /m);
  });
});
