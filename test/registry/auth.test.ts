// Authentication: challenges, the token dance, credential candidates, and secrecy of errors.
import { describe, expect, it } from 'vitest';

import type { Credential, Keychain } from '../../src/auth/types.js';
import { OCI_MANIFEST } from '../../src/registry/media-types.js';
import { headersOf, imageDigest, pingChallenge, testRef, useMockAgent, type Captured } from './helpers.js';

const ORIGIN = 'https://reg.example';
const AUTH = 'https://auth.example';
const ref = testRef('reg.example', 'team/app', { tag: 'v1' });
const HEAD = { path: '/v2/team/app/manifests/v1', method: 'HEAD' };
const okHead = { headers: { 'docker-content-digest': imageDigest, 'content-type': OCI_MANIFEST } };
const BEARER = 'Bearer realm="https://auth.example/token",service="reg.example"';
const tokenPath = (p: string): boolean => p.startsWith('/token');

function keychain(...credentials: Credential[]): Keychain {
  return { lookup: async () => credentials, describe: () => 'test keychain' };
}

function basicOf(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** headWithBearer expects a HEAD carrying `Bearer <token>` and answers 200. */
function headExpecting(token: string, seen: Captured = []) {
  return {
    intercept: (pool: ReturnType<ReturnType<typeof useMockAgent>['pool']>) =>
      pool.intercept(HEAD).reply((o) => {
        const h = headersOf(o);
        seen.push(h);
        return h['authorization'] === `Bearer ${token}`
          ? { statusCode: 200, data: '', responseOptions: okHead }
          : { statusCode: 401, data: '', responseOptions: { headers: { 'www-authenticate': BEARER } } };
      }),
  };
}

describe('bearer token exchange', () => {
  const ctx = useMockAgent();

  it.each([
    ['token', { token: 'T1' }, 'T1'],
    ['access_token', { access_token: 'T2', expires_in: 300 }, 'T2'],
    ['both (token wins)', { token: 'T3', access_token: 'other' }, 'T3'],
  ])('accepts %s', async (_name, body, token) => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const seen: Array<{ path: string; headers: Record<string, string> }> = [];
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply((o) => {
      seen.push({ path: o.path, headers: headersOf(o) });
      return { statusCode: 200, data: JSON.stringify(body) };
    });
    headExpecting(token).intercept(pool);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    expect(seen[0]?.path).toBe('/token?service=reg.example&scope=repository%3Ateam%2Fapp%3Apull');
    expect(seen[0]?.headers['authorization']).toBeUndefined();
  });

  it.each([
    ['no token field', '{"expires_in":60}'],
    ['an empty token', '{"token":""}'],
    ['a non-string token', '{"token":42}'],
    ['invalid JSON', 'not json'],
    ['a JSON array', '["T"]'],
  ])('fails with TOKEN_ERROR on %s', async (_name, body) => {
    pingChallenge(ctx.pool(ORIGIN), BEARER);
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply(200, body);
    const error = await rejection(ctx.client().resolve(ref));
    expect(error).toMatchObject({ code: 'TOKEN_ERROR' });
    expect(error.message).toContain('registry reg.example');
  });

  it('parses a multi-challenge header and prefers Bearer', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, `Basic realm="reg", ${BEARER}`);
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"T"}');
    headExpecting('T').intercept(pool);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
  });

  it('sends Basic credentials to the realm and caches the token', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const seen: Captured = [];
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply((o) => {
      seen.push(headersOf(o));
      return { statusCode: 200, data: '{"token":"T","expires_in":3600}' };
    });
    headExpecting('T').intercept(pool);
    headExpecting('T').intercept(pool);
    const client = ctx.client({ keychain: keychain({ source: 'file a', username: 'alice', password: 's3cret-pw' }) });
    await client.resolve(ref);
    await client.resolve(ref);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.['authorization']).toBe(basicOf('alice', 's3cret-pw'));
    expect(client.stats().byKind).toEqual({ ping: 1, token: 1, manifest: 2, blob: 0, tags: 0 });
  });

  it('fetches a new token once the cached one expires by the clock', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, JSON.stringify({ token: 'OLD', expires_in: 10, issued_at: '2026-01-01T00:00:00Z' }));
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"NEW"}');
    headExpecting('OLD').intercept(pool);
    headExpecting('NEW').intercept(pool);
    const client = ctx.client({ now: () => now });
    await client.resolve(ref);
    now += 61_000; // expires_in 10 is raised to the 60 s minimum
    await client.resolve(ref);
  });

  it('refreshes a rejected cached token exactly once', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"A","expires_in":3600}');
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"B","expires_in":3600}');
    headExpecting('A').intercept(pool);
    const seen: Captured = [];
    // The registry now rejects A (revoked); B is fetched and accepted.
    pool.intercept(HEAD).reply(401, '', { headers: { 'www-authenticate': BEARER } });
    headExpecting('B', seen).intercept(pool);
    const client = ctx.client();
    await client.resolve(ref);
    await client.resolve(ref);
    expect(seen[0]?.['authorization']).toBe('Bearer B');
    expect(client.stats().byKind.token).toBe(2);
  });

  it('does not loop when the refreshed token is rejected too', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"A","expires_in":3600}').times(2);
    headExpecting('A').intercept(pool);
    pool.intercept(HEAD).reply(401, '', { headers: { 'www-authenticate': BEARER } }).times(2);
    const client = ctx.client();
    await client.resolve(ref);
    const error = await rejection(client.resolve(ref));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(error.message).toContain('tried anonymous');
  });

  it('requests the scope named by an insufficient_scope challenge', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const paths: string[] = [];
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: tokenPath, method: 'GET' }).reply((o) => (paths.push(o.path), { statusCode: 200, data: '{"token":"PULL"}' }));
    auth.intercept({ path: tokenPath, method: 'GET' }).reply((o) => (paths.push(o.path), { statusCode: 200, data: '{"token":"WIDE"}' }));
    pool.intercept(HEAD).reply(403, '', {
      headers: { 'www-authenticate': `${BEARER},scope="repository:team/app:pull repository:team/base:pull",error="insufficient_scope"` },
    });
    headExpecting('WIDE').intercept(pool);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    const scopes = new URL(`https://x${paths[1]}`).searchParams.getAll('scope');
    expect(scopes.sort()).toEqual(['repository:team/app:pull', 'repository:team/base:pull']);
  });

  it('rejects an http realm unless the registry is insecure', async () => {
    pingChallenge(ctx.pool(ORIGIN), 'Bearer realm="http://auth.example/token",service="reg.example"');
    const error = await rejection(ctx.client({ keychain: keychain({ source: 'f', username: 'u', password: 'pw' }) }).resolve(ref));
    expect(error).toMatchObject({ code: 'INSECURE_REALM' });
    expect(error.message).toContain('http://auth.example/token');
  });

  it('allows an http realm when the registry and the realm host are both insecure', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Bearer realm="http://auth.example/token",service="reg.example"');
    ctx.pool('http://auth.example').intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"T"}');
    headExpecting('T').intercept(pool);
    await expect(ctx.client({ insecureRegistries: ['reg.example', 'auth.example'] }).resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
  });

  // Issue 11 item 3: the registry's exemption said nothing about the realm's host.
  it('refuses an http realm on another host when only the registry is insecure (INSECURE_REALM)', async () => {
    pingChallenge(ctx.pool(ORIGIN), 'Bearer realm="http://auth.example/token",service="reg.example"');
    const error = await rejection(ctx.client({ insecureRegistries: ['reg.example'] }).resolve(ref));
    expect(error).toMatchObject({ code: 'INSECURE_REALM' });
    expect(error.message).toContain('--insecure-registry auth.example');
  });

  it('POSTs an identity token as an OAuth2 refresh token', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const posts: Array<{ body: string; headers: Record<string, string> }> = [];
    ctx.pool(AUTH).intercept({ path: '/token', method: 'POST' }).reply((o) => {
      posts.push({ body: String(o.body), headers: headersOf(o) });
      return { statusCode: 200, data: '{"access_token":"OAUTH","expires_in":900,"scope":"repository:team/app:pull"}' };
    });
    headExpecting('OAUTH').intercept(pool);
    await ctx.client({ keychain: keychain({ source: 'helper', username: '<token>', identityToken: 'refresh-xyz' }) }).resolve(ref);
    expect(posts[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(posts[0]?.headers['authorization']).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(posts[0]?.body))).toEqual({
      grant_type: 'refresh_token', refresh_token: 'refresh-xyz', client_id: 'digestpin', service: 'reg.example', scope: 'repository:team/app:pull',
    });
  });

  it('falls back to GET when the token server answers 404 to the POST', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: '/token', method: 'POST' }).reply(404, 'not found');
    const seen: Captured = [];
    auth.intercept({ path: tokenPath, method: 'GET' }).reply((o) => (seen.push(headersOf(o)), { statusCode: 200, data: '{"token":"G"}' }));
    headExpecting('G').intercept(pool);
    await ctx.client({ keychain: keychain({ source: 'cfg', username: 'bob', password: 'pw-bob', identityToken: 'idt' }) }).resolve(ref);
    expect(seen[0]?.['authorization']).toBe(basicOf('bob', 'pw-bob'));
  });

  it('treats an OAuth2 invalid_grant as a rejected credential and tries the next one', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    auth.intercept({ path: '/token', method: 'POST' }).reply(400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"PW"}');
    headExpecting('PW').intercept(pool);
    const client = ctx.client({ keychain: keychain({ source: 'old helper', identityToken: 'revoked' }, { source: 'cfg', username: 'u', password: 'p' }) });
    await expect(client.resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
    expect(ctx.logs).toContain('registry reg.example: credential old helper was not accepted');
  });

  it('sends a registryToken as Bearer without a token exchange', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    headExpecting('REGTOKEN').intercept(pool);
    const client = ctx.client({ keychain: keychain({ source: 'cfg', registryToken: 'REGTOKEN' }) });
    await client.resolve(ref);
    expect(client.stats().byKind.token).toBe(0);
  });
});

describe('basic auth and credential candidates', () => {
  const ctx = useMockAgent();

  it('sends Basic on every request for a Basic challenge', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="Registry Realm"');
    const seen: Captured = [];
    pool.intercept(HEAD).reply((o) => (seen.push(headersOf(o)), { statusCode: 200, data: '', responseOptions: okHead })).times(2);
    const client = ctx.client({ keychain: keychain({ source: 'cfg', username: 'u', password: 'p' }) });
    await client.resolve(ref);
    await client.resolve(testRef('reg.example', 'team/app', { tag: 'v1' }));
    expect(seen.map((h) => h['authorization'])).toEqual([basicOf('u', 'p'), basicOf('u', 'p')]);
  });

  it('tries candidates in order: first rejected, second accepted, then remembers it', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="r"');
    const good = basicOf('good', 'pw-good');
    const seen: string[] = [];
    pool.intercept(HEAD).reply((o) => {
      const a = headersOf(o)['authorization'] ?? '';
      seen.push(a);
      return a === good ? { statusCode: 200, data: '', responseOptions: okHead } : { statusCode: 401, data: '', responseOptions: { headers: { 'www-authenticate': 'Basic realm="r"' } } };
    }).times(3);
    const client = ctx.client({ keychain: keychain({ source: 'stale', username: 'old', password: 'pw-old' }, { source: 'fresh', username: 'good', password: 'pw-good' }) });
    await client.resolve(ref);
    await client.resolve(ref);
    expect(seen).toEqual([basicOf('old', 'pw-old'), good, good]);
  });

  it('names every credential source tried, and never a secret, when all are rejected', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, BEARER);
    const auth = ctx.pool(AUTH);
    // The token server rejects the password and echoes it back (a careless server).
    auth.intercept({ path: tokenPath, method: 'GET' }).reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad password hunter22' }] });
    auth.intercept({ path: '/token', method: 'POST' }).reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad refresh token idtok-secret' }] });
    pool.intercept(HEAD).reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'token REGTOK-secret rejected' }] }, { headers: { 'www-authenticate': BEARER } });
    const client = ctx.client({
      keychain: keychain(
        { source: 'docker config (/home/u/.docker/config.json)', username: 'u', password: 'hunter22' },
        { source: 'credential helper ecr-login', identityToken: 'idtok-secret' },
        { source: 'kube secret default/regcred', registryToken: 'REGTOK-secret' },
      ),
    });
    const error = await rejection(client.resolve(ref));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(error.message).toContain('registry reg.example');
    expect(error.message).toContain('reg.example/team/app:v1');
    expect(error.message).toContain('tried docker config (/home/u/.docker/config.json), credential helper ecr-login, kube secret default/regcred');
    for (const secret of ['hunter22', 'idtok-secret', 'REGTOK-secret', Buffer.from('u:hunter22').toString('base64')]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(ctx.logs)).not.toContain(secret);
    }
  });

  it('scrubs a secret that the token server echoes back', async () => {
    pingChallenge(ctx.pool(ORIGIN), BEARER);
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply(403, { errors: [{ code: 'DENIED', message: 'user u with password hunter22 may not pull' }] });
    const error = await rejection(ctx.client({ keychain: keychain({ source: 'cfg', username: 'u', password: 'hunter22' }) }).resolve(ref));
    expect(error).toMatchObject({ code: 'DENIED', status: 403 });
    expect(error.message).toContain('user u with password *** may not pull');
    expect(error.message).toContain('tried cfg');
    expect(error.message).not.toContain('hunter22');
  });

  it('reports DENIED for a 403 and hints when no credentials were found', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="r"');
    pool.intercept(HEAD).reply(403, '');
    const error = await rejection(ctx.client({ keychain: keychain() }).resolve(ref));
    expect(error).toMatchObject({ code: 'DENIED', status: 403 });
    expect(error.message).toContain('tried anonymous; no credentials were found by test keychain');
  });

  it('does not repeat an unauthenticated request once per candidate', async () => {
    const pool = ctx.pool(ORIGIN);
    pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
    pool.intercept(HEAD).reply(403, '');
    const client = ctx.client({ keychain: keychain({ source: 'a', username: 'u', password: 'p' }, { source: 'b', username: 'v', password: 'q' }) });
    const error = await rejection(client.resolve(ref));
    expect(error).toMatchObject({ code: 'DENIED' });
    expect(error.message).toContain('tried anonymous');
    expect(client.stats().byKind.manifest).toBe(1);
  });

  it('shares one ping among concurrent requests', async () => {
    const pool = ctx.pool(ORIGIN);
    pingChallenge(pool, 'Basic realm="r"');
    for (const tag of ['a', 'b', 'c']) {
      pool.intercept({ path: `/v2/team/app/manifests/${tag}`, method: 'HEAD' }).reply(200, '', okHead);
    }
    const client = ctx.client();
    await Promise.all(['a', 'b', 'c'].map((tag) => client.resolve(testRef('reg.example', 'team/app', { tag }))));
    expect(client.stats().byKind.ping).toBe(1);
  });

  it('adopts a challenge from a resource when the ping was open', async () => {
    const pool = ctx.pool(ORIGIN);
    pool.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
    pool.intercept(HEAD).reply(401, '', { headers: { 'www-authenticate': BEARER } });
    ctx.pool(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply(200, '{"token":"T"}');
    headExpecting('T').intercept(pool);
    await expect(ctx.client().resolve(ref)).resolves.toMatchObject({ digest: imageDigest });
  });
});
