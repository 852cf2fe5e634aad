import { describe, expect, it } from 'vitest';

import { isPinError } from '../../src/errors.js';
import { RegistryError } from '../../src/registry/errors.js';
import { headersOf, pingChallenge, pingOpen, testRef, useMockAgent, type Captured } from './helpers.js';

const ORIGIN = 'https://reg.example';
const ref = testRef('reg.example', 'team/app', { tag: '1.2.3' });
const LIST = '/v2/team/app/tags/list';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const page = (tags: unknown, link?: string) => ({
  statusCode: 200,
  data: JSON.stringify({ name: 'team/app', tags }),
  responseOptions: { headers: { 'content-type': 'application/json', ...(link ? { link } : {}) } },
});

describe('RegistryClient.listTags', () => {
  const ctx = useMockAgent();

  it('follows Link pagination (n/last) and lists each repository once per client', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(() => page(['1.2.3', '1.2.4'], `<${LIST}?n=2&last=1.2.4>; rel="next"`));
    pool.intercept({ path: `${LIST}?n=2&last=1.2.4`, method: 'GET' }).reply(() => page(['1.3.0', 'latest'], `<https://reg.example${LIST}?n=2&last=latest>; rel="next"`));
    pool.intercept({ path: `${LIST}?n=2&last=latest`, method: 'GET' }).reply(() => page(['2.0.0']));
    const client = ctx.client();
    const [a, b] = await Promise.all([client.listTags(ref), client.listTags(testRef('reg.example', 'team/app', { tag: 'other' }))]);
    expect(a).toEqual(['1.2.3', '1.2.4', '1.3.0', 'latest', '2.0.0']);
    expect(b).toBe(a);
    expect(await client.listTags(ref)).toBe(a);
    expect(client.stats().byKind.tags).toBe(3);
  });

  it('sends the repository pull token (same credentials path as manifests)', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Bearer realm="https://reg.example/token",service="reg.example"');
    const seen: Captured = [];
    pool.intercept({ path: /^\/token\?/, method: 'GET' }).reply((opts) => {
      seen.push({ path: String(opts.path) });
      return { statusCode: 200, data: JSON.stringify({ token: 'tok-1' }) };
    });
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply((opts) => {
      seen.push(headersOf(opts));
      return page(['1.2.3']);
    });
    expect(await ctx.client().listTags(ref)).toEqual(['1.2.3']);
    expect(seen[0]!.path).toContain('scope=repository%3Ateam%2Fapp%3Apull');
    expect(seen[1]!['authorization']).toBe('Bearer tok-1');
  });

  it('retries a 503 like any other request', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(503, 'busy');
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(() => page(['1.0']));
    expect(await ctx.client().listTags(ref)).toEqual(['1.0']);
    expect(ctx.sleeps.length).toBe(1);
  });

  it('treats "tags": null as an empty repository', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(() => page(null));
    expect(await ctx.client().listTags(ref)).toEqual([]);
  });

  it('reports a missing repository as NAME_UNKNOWN naming the registry', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(404, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] }));
    const error = await rejection(ctx.client().listTags(ref));
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('NAME_UNKNOWN');
    expect((error as Error).message).toContain('reg.example');
  });

  it.each([
    ['another host', '<https://evil.example/v2/team/app/tags/list?last=x>; rel="next"'],
    ['another path', '<https://reg.example/v2/other/app/tags/list?last=x>; rel="next"'],
    ['a loop', `<${LIST}?n=1000>; rel="next"`],
  ])('refuses a Link to %s', async (_what, link) => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(() => page(['1.0'], link));
    const error = await rejection(ctx.client().listTags(ref));
    expect(isPinError(error, 'REGISTRY_ERROR')).toBe(true);
    expect((error as Error).message).toContain('tags of team/app');
  });

  it.each([
    ['not JSON', 'nope'],
    ['tags not strings', JSON.stringify({ tags: [1, 2] })],
  ])('refuses a page that is %s', async (_what, body) => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(200, body);
    expect(isPinError(await rejection(ctx.client().listTags(ref)), 'REGISTRY_ERROR')).toBe(true);
  });

  it('ignores Link relations other than next', async () => {
    const pool = ctx.pool(ORIGIN);
    pingOpen(pool);
    pool.intercept({ path: `${LIST}?n=1000`, method: 'GET' }).reply(() => page(['1.0'], `<${LIST}?n=1000&last=0>; rel="prev"`));
    expect(await ctx.client().listTags(ref)).toEqual(['1.0']);
  });
});
