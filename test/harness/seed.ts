import { randomBytes } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import { authorizationFor, createDispatcher } from './http.js';
import { type Blob, type BuiltManifest, buildImage } from './images.js';
import type { ImageKind, ImageLabels, RegistryInfo, SeededImage } from './types.js';

/** SeedOptions describe one image to push; labels default to the tag, a random revision and now. */
export interface SeedOptions extends Partial<ImageLabels> {
  repository: string;
  tag: string;
  kind: ImageKind;
  /** Reuse a dispatcher (else one trusting reg's CA is made and closed). */
  dispatcher?: Dispatcher;
}

/** Session is one authenticated conversation with one repository. */
interface Session {
  reg: RegistryInfo;
  repository: string;
  dispatcher: Dispatcher;
  headers: Record<string, string>;
}

/** call performs a request and throws with the registry's answer unless the status is expected. */
async function call(s: Session, method: Dispatcher.HttpMethod, url: string, expected: number,
  extra: { headers?: Record<string, string>; body?: Buffer } = {}) {
  const res = await request(url, { method, dispatcher: s.dispatcher, headers: { ...s.headers, ...extra.headers },
    body: extra.body });
  const text = await res.body.text();
  if (res.statusCode !== expected) {
    throw new Error(`harness: ${method} ${new URL(url).pathname} on ${s.reg.host} answered ${res.statusCode}: ${text}`);
  }
  return res.headers;
}

/** pushBlob uploads a blob monolithically: POST an upload, then PUT its location with ?digest= (OCI distribution spec). */
async function pushBlob(s: Session, b: Blob): Promise<void> {
  const headers = await call(s, 'POST', `${s.reg.url}/v2/${s.repository}/blobs/uploads/`, 202);
  const location = new URL(String(headers.location), s.reg.url);
  location.searchParams.set('digest', b.digest);
  await call(s, 'PUT', location.href, 201,
    { headers: { 'content-type': 'application/octet-stream' }, body: b.bytes });
}

/** pushManifest pushes blobs, then children by digest, then the manifest under reference (tag or digest). */
async function pushManifest(s: Session, m: BuiltManifest, reference: string): Promise<void> {
  await Promise.all(m.blobs.map((b) => pushBlob(s, b)));
  await Promise.all(m.children.map((c) => pushManifest(s, c, c.digest)));
  const headers = await call(s, 'PUT', `${s.reg.url}/v2/${s.repository}/manifests/${reference}`, 201,
    { headers: { 'content-type': m.mediaType }, body: m.bytes });
  if (headers['docker-content-digest'] !== m.digest) {
    throw new Error(`harness: registry stored ${s.repository}:${reference} as ${String(headers['docker-content-digest'])}, expected ${m.digest}`);
  }
}

/** withSession runs fn with a session authorised for repository (push, pull and delete). */
async function withSession<T>(reg: RegistryInfo, repository: string, given: Dispatcher | undefined,
  fn: (s: Session) => Promise<T>): Promise<T> {
  const dispatcher = given ?? createDispatcher(reg);
  try {
    const authorization = await authorizationFor(reg, { repository, actions: ['pull', 'push', 'delete'], dispatcher });
    return await fn({ reg, repository, dispatcher, headers: authorization === undefined ? {} : { authorization } });
  } finally {
    if (given === undefined) await dispatcher.close();
  }
}

/** seedImage pushes a fresh image of opts.kind to reg as repository:tag and returns its digest and exact bytes. */
export async function seedImage(reg: RegistryInfo, opts: SeedOptions): Promise<SeededImage> {
  const labels: ImageLabels = {
    version: opts.version ?? opts.tag,
    revision: opts.revision ?? randomBytes(20).toString('hex'),
    created: opts.created ?? `${new Date().toISOString().slice(0, 19)}Z`,
  };
  const built = buildImage(opts.kind, labels);
  await withSession(reg, opts.repository, opts.dispatcher, (s) => pushManifest(s, built, opts.tag));
  const multi = built.children.length > 0;
  return {
    repository: opts.repository, tag: opts.tag, kind: opts.kind, digest: built.digest, mediaType: built.mediaType,
    labels, bytes: built.bytes,
    ...(multi ? { platforms: built.children.map((c) => ({ platform: c.platform!, digest: c.digest })) } : {}),
  };
}

/** moveTag pushes a new image under an existing tag (a "moved tag") and returns it. */
export async function moveTag(reg: RegistryInfo, repository: string, tag: string, kind: ImageKind,
  labels: Partial<ImageLabels> = {}): Promise<SeededImage> {
  return seedImage(reg, { ...labels, repository, tag, kind });
}

/** deleteTag deletes a manifest by digest (202), which removes every tag pointing at it; the registry refuses delete by tag. */
export async function deleteTag(reg: RegistryInfo, repository: string, digest: string): Promise<void> {
  await withSession(reg, repository, undefined,
    (s) => call(s, 'DELETE', `${reg.url}/v2/${repository}/manifests/${digest}`, 202));
}
