import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keychain } from '../../src/auth/types.js';
import { emptyLock } from '../../src/lock/schema.js';
import { planPinRun } from '../../src/pipeline/pin.js';
import { resolveAll } from '../../src/pipeline/resolve.js';
import { parseReference } from '../../src/reference/index.js';
import { RegistryClient, type RequestEvent } from '../../src/registry/index.js';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { seedImage } from '../harness/seed.js';
import type { RegistryMode, SeededImage } from '../harness/types.js';
import { dockerConfigFor, runCli, tempDir, writeTree } from '../helpers/cli.js';

// Issue 2: "Resolving 200 refs where 50 are unique makes 50 manifest requests (+ pings/tokens)".
// Measured twice, independently: on the wire (a counting undici Agent given to the CLI as
// its dispatcher sees every request, the token server's included) and in the library
// (RegistryClient onRequest + stats()). Counts are printed for the lead to quote.

const REPOSITORIES = 5;
const TAGS_PER_REPOSITORY = 10;
const UNIQUE = REPOSITORIES * TAGS_PER_REPOSITORY;
const COPIES = 4;
const FILES = 20;

/** WireCount is one request as the dispatcher saw it. */
interface WireRequest { method: string; origin: string; path: string }

/** CountingAgent is an undici Agent (trusting the harness CA) that records every request dispatched through it. */
class CountingAgent extends Agent {
  readonly seen: WireRequest[] = [];

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.seen.push({ method: options.method, origin: String(options.origin), path: options.path });
    return super.dispatch(options, handler);
  }
}

/** classify buckets wire requests: `/v2/` pings, manifest requests, and token requests (anything at the token server). */
function classify(seen: WireRequest[], tokenOrigin: string | undefined) {
  const manifests = seen.filter((r) => r.path.includes('/manifests/'));
  return {
    ping: seen.filter((r) => r.path === '/v2/').length,
    manifest: manifests.length,
    manifestHeads: manifests.filter((r) => r.method === 'HEAD').length,
    distinctManifestPaths: new Set(manifests.map((r) => r.path)).size,
    token: seen.filter((r) => tokenOrigin !== undefined && r.origin === tokenOrigin).length,
    total: seen.length,
  };
}

/** treeOf spreads 200 references over 20 files: reference k uses unique tag k % 50, so each tag appears 4 times in 4 files. */
function treeOf(refs: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < FILES; f++) {
    const containers = Array.from({ length: (UNIQUE * COPIES) / FILES }, (_, i) => {
      const k = f * ((UNIQUE * COPIES) / FILES) + i;
      const image = refs[k % UNIQUE]!;
      const quoted = k % 3 === 0 ? `"${image}"` : k % 3 === 1 ? `'${image}'` : image;
      return `        - name: c${i}\n          image: ${quoted}\n`;
    }).join('');
    files[`deploy/app-${String(f).padStart(2, '0')}.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${f}\nspec:\n  template:\n    spec:\n      containers:\n${containers}`;
  }
  return files;
}

describe.each<RegistryMode>(['token', 'anonymous'])('request counts against the %s registry', (mode) => {
  const reg = registryFromContext(mode);
  const repositories = Array.from({ length: REPOSITORIES }, (_, i) => uniqueRepository(`counts/r${i}`));
  const [user, password] = Object.entries(reg.users)[0] ?? [];
  const tokenOrigin = reg.tokenServer && new URL(reg.tokenServer.url).origin;
  let seeds: SeededImage[] = [];
  let refs: string[] = [];
  afterAll(() => reg.close());

  beforeAll(async () => {
    seeds = await Promise.all(repositories.flatMap((repository, r) => Array.from({ length: TAGS_PER_REPOSITORY }, (_, t) =>
      seedImage(reg, { repository, tag: `t${t}`, kind: (r + t) % 2 === 0 ? 'oci-manifest' : 'docker-manifest', dispatcher: reg.dispatcher }))));
    refs = seeds.map((s) => `${reg.host}/${s.repository}:${s.tag}`);
  });

  const keychain: Keychain = {
    lookup: async () => (user && password ? [{ source: 'test keychain', username: user, password }] : []),
    describe: () => 'test keychain',
  };

  function report(what: string, counts: Record<string, number>): void {
    console.log(`[request-counts] ${mode} registry, ${what}: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }

  it('digestpin pin --check over 200 refs (50 unique tags) sends exactly 50 manifest requests, on the wire', async () => {
    const dir = await writeTree(await tempDir(), treeOf(refs));
    const args = mode === 'anonymous' ? ['--insecure-registry', reg.host] : ['--docker-config', await dockerConfigFor(reg.host, user!, password!)];
    const tokensBefore = reg.tokenServer ? (await reg.admin().counts()).byRepository : {};
    const agent = new CountingAgent(reg.caPem ? { connect: { ca: reg.caPem } } : {});
    const result = await runCli(['pin', '--check', ...args], { cwd: dir, dispatcher: agent });
    await agent.close();
    expect(result.stderr).toContain(`200 reference(s) in ${FILES} file(s) would pin; ${UNIQUE} unique tag(s) checked`);
    expect(result.code).toBe(1);
    const counts = classify(agent.seen, tokenOrigin);
    report('CLI `pin --check`, 200 refs / 50 unique, counted at the dispatcher', counts);
    expect(counts).toMatchObject({ manifest: UNIQUE, manifestHeads: UNIQUE, distinctManifestPaths: UNIQUE });
    expect(counts.total).toBe(counts.ping + counts.manifest + counts.token);
    if (mode === 'token') {
      expect(counts.ping).toBe(1);
      expect(counts.token).toBeLessThanOrEqual(REPOSITORIES);
      // The token server's own counter: exactly one token per repository scope.
      const after = (await reg.admin().counts()).byRepository;
      expect(repositories.map((r) => (after[r] ?? 0) - (tokensBefore[r] ?? 0))).toEqual(repositories.map(() => 1));
    } else {
      expect(counts.token).toBe(0);
      // An insecure plain-http registry: one https probe that fails, then the http ping (docker does the same).
      expect(agent.seen.filter((r) => r.path === '/v2/').map((r) => r.origin)).toEqual([`https://${reg.host}`, reg.url]);
    }
  });

  it('planPinRun over the same tree: client stats() and onRequest agree on 50 manifest requests', async () => {
    const dir = await writeTree(await tempDir(), treeOf(refs));
    const events: RequestEvent[] = [];
    const client = new RegistryClient({ keychain, dispatcher: reg.dispatcher, insecureRegistries: [reg.host], onRequest: (e) => events.push(e) });
    const run = await planPinRun({ paths: ['.'], cwd: dir, resolver: client, mode: 'pin', lock: emptyLock(), lockDir: dir, now: new Date(0).toISOString() });
    await client.close();
    expect(run.failures).toEqual([]);
    expect(run.considered).toBe(UNIQUE);
    expect(run.changes).toHaveLength(FILES);
    expect(run.changes.flatMap((c) => c.rewritten)).toHaveLength(UNIQUE * COPIES);
    const digests = new Map(seeds.map((s) => [`${reg.host}/${s.repository}:${s.tag}`, s.digest]));
    expect(Object.fromEntries(Object.entries(run.lock.images).map(([k, e]) => [k, e.digest]))).toEqual(Object.fromEntries(digests));
    const stats = client.stats();
    report('library planPinRun, RegistryClient.stats()', { ...stats.byKind, total: stats.total });
    expect(stats.byKind.manifest).toBe(UNIQUE);
    expect(stats.byKind.blob).toBe(0);
    expect(stats.total).toBe(events.length);
    expect(events.filter((e) => e.kind === 'manifest').every((e) => e.method === 'HEAD')).toBe(true);
    expect(stats.byKind.token).toBeLessThanOrEqual(mode === 'token' ? REPOSITORIES : 0);
    expect(stats.byKind.ping).toBe(mode === 'token' ? 1 : 2);
  });

  it('20 concurrent resolves of one tag make 1 manifest request (in-flight dedupe); 20 copies in resolveAll too', async () => {
    const ref = parseReference(refs[0]!);
    const client = new RegistryClient({ keychain, dispatcher: reg.dispatcher, insecureRegistries: [reg.host] });
    const results = await Promise.all(Array.from({ length: 20 }, () => client.resolve(ref)));
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([seeds[0]!.digest]));
    const concurrent = client.stats();
    report('20 concurrent RegistryClient.resolve() of one tag', { ...concurrent.byKind, total: concurrent.total });
    expect(concurrent.byKind.manifest).toBe(1);
    const second = new RegistryClient({ keychain, dispatcher: reg.dispatcher, insecureRegistries: [reg.host] });
    const outcome = await resolveAll(Array.from({ length: 20 }, () => parseReference(refs[1]!)), second, 20);
    expect(outcome.resolved.get(refs[1]!)?.digest).toBe(seeds[1]!.digest);
    const batched = second.stats();
    report('resolveAll() of 20 copies of one tag', { ...batched.byKind, total: batched.total });
    expect(batched.byKind.manifest).toBe(1);
    await Promise.all([client.close(), second.close()]);
  });

  it('an index costs a HEAD plus one GET by digest (to read its platforms), however many resolve it at once', async () => {
    const events: RequestEvent[] = [];
    const indexClient = new RegistryClient({ keychain, dispatcher: reg.dispatcher, insecureRegistries: [reg.host], onRequest: (e) => events.push(e) });
    const ref = parseReference(`${reg.host}/app/multi:v1`);
    const results = await Promise.all(Array.from({ length: 20 }, () => indexClient.resolve(ref)));
    expect(results.every((r) => r.digest === reg.image('app/multi', 'v1').digest && r.platforms?.length === 2)).toBe(true);
    const manifests = events.filter((e) => e.kind === 'manifest').map((e) => `${e.method} ${e.url.replace(/.*\/manifests\//, '')}`);
    report('20 concurrent resolves of an OCI index', { ...indexClient.stats().byKind, total: indexClient.stats().total });
    expect(manifests).toEqual(['HEAD v1', `GET ${reg.image('app/multi', 'v1').digest}`]);
    await indexClient.close();
  });
});
