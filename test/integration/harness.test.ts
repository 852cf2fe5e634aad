import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { MODES } from '../harness/global-setup.js';
import { basic, createDispatcher, fetchManifest, sha256 } from '../harness/http.js';
import { decodeTokenClaims } from '../harness/jwt.js';
import { startRegistry } from '../harness/registry.js';
import { deleteTag, moveTag, seedImage } from '../harness/seed.js';
import { skopeoDigest } from '../harness/skopeo.js';
import type { RegistryInfo } from '../harness/types.js';

const run = promisify(execFile);
describe.each(MODES)('%s registry', (mode) => {
  const reg = registryFromContext(mode);
  const dispatcher = reg.dispatcher;
  afterAll(() => reg.close());

  it.each(reg.images)('serves $repository:$tag ($kind) with the seeded digest', async (image) => {
    const got = await fetchManifest(reg, image.repository, image.tag, { dispatcher });
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(image.digest);
    expect(got.digestHeader).toBe(image.digest);
    expect(got.contentType).toBe(image.mediaType);
    for (const child of image.platforms ?? []) {
      const fetched = await fetchManifest(reg, image.repository, child.digest, { dispatcher });
      expect(sha256(fetched.bytes)).toBe(child.digest);
    }
  });

  it('records labels in the config and OCI annotations', async () => {
    const image = reg.image('app/oci', 'v1');
    const manifest = JSON.parse((await fetchManifest(reg, 'app/oci', 'v1', { dispatcher })).bytes.toString('utf8'));
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.version': '1.0.0',
      'org.opencontainers.image.revision': image.labels.revision,
      'org.opencontainers.image.created': '2025-06-01T12:00:00Z',
    });
    expect(reg.image('app/list', 'v1').platforms?.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(reg.image('app/multi', 'v1').platforms?.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('moveTag points the tag at a new digest; deleteTag makes it 404', async () => {
    const repository = uniqueRepository('harness/move');
    const first = await seedImage(reg, { repository, tag: 'v1', kind: 'oci-index', dispatcher });
    const moved = await moveTag(reg, repository, 'v1', 'oci-index', { version: '1.0.1' });
    expect(moved.digest).not.toBe(first.digest);
    expect((await fetchManifest(reg, repository, 'v1', { dispatcher })).digestHeader).toBe(moved.digest);
    expect((await fetchManifest(reg, repository, first.digest, { dispatcher })).status).toBe(200);
    await deleteTag(reg, repository, moved.digest);
    expect((await fetchManifest(reg, repository, 'v1', { dispatcher })).status).toBe(404);
    expect((await fetchManifest(reg, repository, moved.digest, { dispatcher })).status).toBe(404);
  });

  it('agrees with skopeo inspect --raw on every seeded tag', async () => {
    const views = await Promise.all(reg.images.map((i) => skopeoDigest(reg, `${i.repository}:${i.tag}`)));
    expect(views).toEqual(reg.images.map((i) => i.digest));
  });
});

describe('htpasswd registry', () => {
  const reg = registryFromContext('htpasswd');
  afterAll(() => reg.close());

  it.each([
    ['a wrong password', { authorization: basic('alice', 'wrong') }],
    ['no credentials', {}],
  ])('rejects %s with 401 and a Basic challenge', async (_name, headers) => {
    const res = await request(`${reg.url}/v2/app/oci/manifests/v1`, { dispatcher: reg.dispatcher, headers });
    await res.body.dump();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="digestpin-test"');
  });
});

describe('token registry', () => {
  const reg = registryFromContext('token');
  const ts = reg.tokenServer!;
  const dispatcher = reg.dispatcher;
  afterAll(() => reg.close());

  it('challenges with the token server realm and service', async () => {
    const res = await request(`${reg.url}/v2/`, { dispatcher });
    await res.body.dump();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${ts.realm}",service="${ts.service}"`);
  });

  it('denies a user after denyRepository, and only that user', async () => {
    const repository = uniqueRepository('harness/deny');
    await seedImage(reg, { repository, tag: 'v1', kind: 'docker-manifest', dispatcher });
    expect((await fetchManifest(reg, repository, 'v1', { user: 'bob', dispatcher })).status).toBe(200);
    await reg.admin().denyRepository('bob', repository);
    expect((await fetchManifest(reg, repository, 'v1', { user: 'bob', dispatcher })).status).toBe(401);
    expect((await fetchManifest(reg, repository, 'v1', { user: 'alice', dispatcher })).status).toBe(200);
    await reg.admin().allowRepository('bob', repository);
    expect((await fetchManifest(reg, repository, 'v1', { user: 'bob', dispatcher })).status).toBe(200);
    expect((await reg.admin().counts()).byRepository[repository]).toBe(5);
  });

  it('refuses anonymous pulls and a wrong password at the token server', async () => {
    expect((await fetchManifest(reg, 'app/oci', 'v1', { user: null, dispatcher })).status).toBe(401);
    const url = `${ts.realm}?service=${ts.service}&scope=repository:app/oci:pull`;
    const res = await request(url, { dispatcher, headers: { authorization: basic('alice', 'wrong') } });
    await res.body.dump();
    expect(res.statusCode).toBe(401);
  });

  it('issues access tokens for a refresh token over OAuth2 POST', async () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: ts.refreshTokens.alice!,
      service: ts.service, client_id: 'digestpin-test', scope: 'repository:app/oci:pull' });
    const res = await request(ts.realm, { method: 'POST', dispatcher, body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const json = (await res.body.json()) as { access_token: string; scope: string; refresh_token: string };
    expect(json.scope).toBe('repository:app/oci:pull');
    expect(json.refresh_token).toBe(ts.refreshTokens.alice);
    const got = await request(`${reg.url}/v2/app/oci/manifests/v1`, { dispatcher,
      headers: { authorization: `Bearer ${json.access_token}`, accept: reg.image('app/oci', 'v1').mediaType } });
    expect(sha256(Buffer.from(await got.body.arrayBuffer()))).toBe(reg.image('app/oci', 'v1').digest);
  });
});

describe('startRegistry', () => {
  it('names the Debian package when docker-registry is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRegistry({ mode: 'anonymous' })).rejects.toThrow(
        'docker-registry not found: install it with "apt-get install -y docker-registry" (Debian package of the CNCF distribution registry)');
    } finally {
      process.env.PATH = path;
    }
  });

  it('starts a private token registry with x5c tokens, access_token only, short lifetime and no OAuth2', async () => {
    const reg = await startRegistry({ mode: 'token', users: { carol: 'carol-password' },
      token: { keyHeader: 'x5c', tokenField: 'access_token', expiresIn: 2, oauth: false } });
    const dispatcher = createDispatcher(reg);
    try {
      const image = await seedImage(reg, { repository: 'private/app', tag: 'v2', kind: 'docker-list', dispatcher });
      const got = await fetchManifest(reg, 'private/app', 'v2', { dispatcher });
      expect(got.digestHeader).toBe(image.digest);
      const ts = reg.tokenServer!;
      const res = await request(`${ts.realm}?service=${ts.service}&scope=repository:private/app:pull`,
        { dispatcher, headers: { authorization: basic('carol', 'carol-password') } });
      const body = (await res.body.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'issued_at']);
      const claims = decodeTokenClaims(String(body.access_token));
      expect(claims).toMatchObject({ sub: 'carol', aud: ts.service, iss: ts.issuer,
        access: [{ type: 'repository', name: 'private/app', actions: ['pull'] }] });
      expect(claims.exp - claims.iat).toBe(2);
      const post = await request(ts.realm, { method: 'POST', dispatcher, body: 'grant_type=password' });
      await post.body.dump();
      expect(post.statusCode).toBe(404);
      expect(ts.counts).toMatchObject({ get: 3, post: 0 });
    } finally {
      await dispatcher.close();
      await reg.stop();
    }
    expect(existsSync(reg.caFile!)).toBe(false);
  });
});
