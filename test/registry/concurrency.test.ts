// Issue 13 cause 1: how many requests one registry sees in flight. A loopback registry
// holds every manifest HEAD until `target` are waiting (or a short timeout), so the peak
// it records is the client's real per-registry concurrency, pool and limiter together.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { RegistryClient } from '../../src/registry/client.js';
import { sha256, testRef } from './helpers.js';

interface HoldingRegistry {
  host: string;
  peak(): number;
  close(): Promise<void>;
}

/** startHoldingRegistry answers /v2/ at once and holds HEADs until `target` are in flight or 400 ms passed. */
async function startHoldingRegistry(target: number): Promise<HoldingRegistry> {
  let inFlight = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end();
    inFlight++;
    peak = Math.max(peak, inFlight);
    const answer = () => {
      inFlight--;
      const digest = sha256(req.url ?? '');
      res.writeHead(200, { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '2' }).end();
    };
    waiting.push(answer);
    if (waiting.length >= target) waiting.splice(0).forEach((f) => f());
    else setTimeout(() => waiting.splice(0).forEach((f) => f()), 400);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    peak: () => peak,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('RegistryClient per-registry concurrency (issue 13)', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  async function peakFor(options: { concurrency: number; perRegistryConcurrency?: number }, refs: number): Promise<number> {
    const registry = await startHoldingRegistry(refs);
    open.push(registry);
    const client = new RegistryClient({ insecureRegistries: [registry.host], retry: { attempts: 1 }, ...options });
    open.push(client);
    const [domain] = registry.host.split('/');
    const resolved = await Promise.all(Array.from({ length: refs }, (_, i) => client.resolve(testRef(domain!, 'team/app', { tag: `v${i}` }))));
    expect(resolved).toHaveLength(refs);
    return registry.peak();
  }

  it('defaults the per-registry limit to --concurrency (was fixed at 8)', async () => {
    expect(await peakFor({ concurrency: 16 }, 16)).toBe(16);
  });

  it('caps one registry at perRegistryConcurrency (--max-per-registry) when given', async () => {
    expect(await peakFor({ concurrency: 16, perRegistryConcurrency: 4 }, 12)).toBe(4);
  });

  it('never exceeds the global limit', async () => {
    expect(await peakFor({ concurrency: 3 }, 9)).toBe(3);
  });
});
