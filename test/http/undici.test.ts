// src/http/undici.ts loads undici's Agent, EnvHttpProxyAgent and request from undici's own
// modules instead of its index (issue 13: the index cost ~70 ms and ~9 MB at every registry
// run's start-up, and its cookie module made Node load its bundled undici as well).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as undiciIndex from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Agent, EnvHttpProxyAgent, request } from '../../src/http/undici.js';
import { sha256Of, startScriptedRegistry, type ScriptedRegistry } from '../helpers/scripted-registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let reg: ScriptedRegistry;
beforeAll(async () => {
  reg = await startScriptedRegistry();
});
afterAll(async () => reg.stop());

describe('src/http/undici.ts', () => {
  it('loads the very classes undici exports (one module graph with MockAgent and the index)', () => {
    expect(Agent).toBe(undiciIndex.Agent);
    expect(EnvHttpProxyAgent).toBe(undiciIndex.EnvHttpProxyAgent);
  });

  it('request sends the URL path and query through the given dispatcher, GET by default', async () => {
    reg.routes.set('GET /v2/app/tags/list?n=2&last=a', { headers: { 'content-type': 'application/json' }, body: '{"tags":["b"]}' });
    const agent = new Agent();
    try {
      const res = await request(new URL(`http://${reg.host}/v2/app/tags/list?n=2&last=a`), { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('{"tags":["b"]}');
      const head = await request(`http://${reg.host}/v2/app/tags/list?n=2&last=a`, { dispatcher: agent, method: 'HEAD' });
      await head.body.dump();
      expect(reg.seen.slice(-2)).toEqual(['GET /v2/app/tags/list?n=2&last=a', 'HEAD /v2/app/tags/list?n=2&last=a']);
    } finally {
      await agent.close();
    }
  });

  it('a pin run loads neither undici\'s index nor the undici bundled with Node', async () => {
    if (!existsSync(path.join(root, 'dist', 'cli', 'process.js'))) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Of('cfg'), size: 2 }, layers: [] });
    reg.routes.set('ANY /v2/app/manifests/v1', { headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256Of(manifest) }, body: manifest });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'digestpin-undici-'));
    writeFileSync(path.join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: ${reg.host}/app:v1\n`);
    const hook = path.join(dir, 'hook.cjs');
    writeFileSync(hook, [
      "process.on('exit', () => {",
      "  const index = Object.keys(require.cache).some((k) => k.endsWith(require('node:path').join('undici', 'index.js')));",
      "  const bundled = process.moduleLoadList.some((m) => m.includes('internal/deps/undici/undici'));",
      "  process.stderr.write(`UNDICI index=${index} bundled=${bundled}\\n`);",
      '});',
    ].join('\n'));
    // Asynchronous: the scripted registry answers from this process's event loop.
    const child = await promisify(execFile)(process.execPath, ['--require', hook, path.join(root, 'bin', 'digestpin.js'), 'pin', '.', '--no-lock', '--retries', '0'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' });
    expect(child.stderr).toContain('UNDICI index=false bundled=false');
    expect(reg.seen).toContain('HEAD /v2/app/manifests/v1');
  });
});
