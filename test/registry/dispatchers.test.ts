import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { Agent, EnvHttpProxyAgent, MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { RegistryClient } from '../../src/registry/client.js';
import { DEFAULT_TIMEOUTS, DispatcherSet, proxyEnv } from '../../src/registry/dispatchers.js';
import { hostPolicy } from '../../src/registry/endpoint.js';
import { OCI_MANIFEST } from '../../src/registry/media-types.js';
import { imageDigest, imageManifest, testRef, useMockAgent } from './helpers.js';

describe('proxyEnv', () => {
  it.each([
    [{}, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, { httpProxy: '', httpsProxy: 'http://proxy:3128', noProxy: '' }],
    [{ http_proxy: 'http://p:1', HTTP_PROXY: 'http://ignored:2', NO_PROXY: 'localhost,.corp' }, { httpProxy: 'http://p:1', httpsProxy: '', noProxy: 'localhost,.corp' }],
  ])('%j', (env, expected) => expect(proxyEnv(env)).toEqual(expected));
});

describe('DispatcherSet', () => {
  const base = { policy: hostPolicy(['insecure.example']), timeouts: DEFAULT_TIMEOUTS, connectionsPerOrigin: 8 };

  it('routes everything through an injected dispatcher', async () => {
    const mock = new MockAgent();
    const close = vi.spyOn(mock, 'close');
    const set = new DispatcherSet({ ...base, dispatcher: mock, env: { HTTPS_PROXY: 'http://proxy:3128' } });
    expect(set.for(new URL('https://ghcr.io/v2/'))).toBe(mock);
    expect(set.for(new URL('https://insecure.example/v2/'))).toBe(mock);
    await set.close();
    expect(close).not.toHaveBeenCalled();
    close.mockRestore();
    await mock.close();
  });

  it('keeps unverified TLS to insecure hosts only', async () => {
    const set = new DispatcherSet({ ...base, env: {}, ca: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n' });
    const secure = set.for(new URL('https://ghcr.io/v2/'));
    const insecure = set.for(new URL('https://insecure.example/v2/'));
    expect(secure).toBeInstanceOf(Agent);
    expect(insecure).toBeInstanceOf(Agent);
    expect(insecure).not.toBe(secure);
    expect(set.for(new URL('https://quay.io/v2/'))).toBe(secure);
    expect(set.for(new URL('http://insecure.example/v2/'))).toBe(secure);
    await set.close();
  });

  it('uses an EnvHttpProxyAgent when a proxy is configured', async () => {
    const set = new DispatcherSet({ ...base, env: { https_proxy: 'http://proxy.corp:3128', no_proxy: 'internal.corp' } });
    expect(set.for(new URL('https://ghcr.io/v2/'))).toBeInstanceOf(EnvHttpProxyAgent);
    await set.close();
  });
});

describe('insecure registries (mocked)', () => {
  const ctx = useMockAgent();
  const ref = testRef('insecure.example:5000', 'app', { tag: 'v1' });
  const okHead = { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } };

  it('tries https once, then plain http', async () => {
    ctx.pool('https://insecure.example:5000').intercept({ path: '/v2/', method: 'GET' })
      .replyWithError(Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }));
    const http = ctx.pool('http://insecure.example:5000');
    http.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
    http.intercept({ path: '/v2/app/manifests/v1', method: 'HEAD' }).reply(200, '', okHead);
    await expect(ctx.client({ insecureRegistries: ['insecure.example:5000'] }).resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
  });

  it('never uses plain http for a registry that is not insecure', async () => {
    ctx.pool('https://insecure.example:5000').intercept({ path: '/v2/', method: 'GET' })
      .replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).times(2);
    await expect(ctx.client({ retry: { attempts: 2 } }).resolve(ref)).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('does not fall back to http on a certificate error, and says why', async () => {
    const loop = testRef('127.0.0.1:5000', 'app', { tag: 'v1' });
    ctx.pool('https://127.0.0.1:5000').intercept({ path: '/v2/', method: 'GET' })
      .replyWithError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
    const error = await ctx.client().resolve(loop).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect((error as Error).message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect((error as Error).message).toContain('CA file');
  });
});

describe('real sockets on 127.0.0.1 (no injected dispatcher)', () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
    server = createServer(handler);
    server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('falls back from https to plain http on loopback and resolves', async () => {
    const port = await listen((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      if (req.url === '/v2/app/manifests/v1') return void res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(req.method === 'HEAD' ? undefined : imageManifest);
      res.writeHead(404).end();
    });
    const client = new RegistryClient({ env: {}, sleep: async () => {} });
    try {
      await expect(client.resolve(testRef(`127.0.0.1:${port}`, 'app', { tag: 'v1' }))).resolves.toEqual({ digest: imageDigest, mediaType: OCI_MANIFEST });
    } finally {
      await client.close();
    }
  });

  it('reports TIMEOUT when a registry accepts but never answers', async () => {
    const port = await listen(() => {
      /* never answer */
    });
    const client = new RegistryClient({ env: {}, sleep: async () => {}, retry: { attempts: 1 }, timeouts: { connectMs: 500, headersMs: 150 } });
    try {
      const error = await client.resolve(testRef(`127.0.0.1:${port}`, 'app', { tag: 'v1' })).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      expect((error as Error).message).toContain(`registry 127.0.0.1:${port}`);
    } finally {
      await client.close();
    }
  });
});
