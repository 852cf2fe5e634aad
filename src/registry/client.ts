import type { Dispatcher } from 'undici';

import type { Keychain } from '../auth/types.js';
import { PinError } from '../errors.js';
import type { ImageReference } from '../reference/types.js';
import { stripControl } from '../sanitize.js';
import { MANIFEST_BODY_MAX } from './body.js';
import { assertDigest, computeDigest, digestAlgorithm, isSha256Digest, isValidDigest } from './digest.js';
import { DEFAULT_TIMEOUTS, DispatcherSet, type Timeouts } from './dispatchers.js';
import { endpointFor, hostPolicy, type Endpoint, type Mirror } from './endpoint.js';
import { registryError, scrubSecrets, type RegistryError } from './errors.js';
import { header, HttpSender, type HttpResponse, type RequestEvent } from './http.js';
import { Limiter } from './limiter.js';
import { indexPlatforms, manifestMediaType, parseManifestJson, type ManifestJson } from './manifest.js';
import { bareMediaType, isIndexMediaType, isKnownManifestMediaType, MANIFEST_ACCEPT } from './media-types.js';
import { DEFAULT_RETRY, retryAfterSeconds, type RetryOptions } from './retry.js';
import { RequestStats, type ClientStats } from './stats.js';
import { KnownSecrets } from './secrets.js';
import { TagLister } from './tags.js';
import { TokenService } from './token.js';
import { Transport } from './transport.js';
import type { ResolvedImage, ResolveOptions, Resolver } from './types.js';

/** RegistryClientOptions configures a RegistryClient; every field is optional. */
export interface RegistryClientOptions {
  /** keychain supplies ordered credential candidates; without one every request is anonymous. */
  keychain?: Keychain;
  /** dispatcher carries every request (tests pass a MockAgent); then ca/insecure TLS/proxy settings are not applied. */
  dispatcher?: Dispatcher;
  /** ca is extra trusted PEM certificate(s), added to Node's bundled roots. */
  ca?: string | string[];
  /** insecureRegistries (`HOST[:PORT]`) may use plain http and unverified TLS. */
  insecureRegistries?: string[];
  /** mirrors send a source registry's requests to a mirror (first match wins, no fallback). */
  mirrors?: Mirror[];
  /** concurrency bounds concurrent HTTP exchanges overall (default 16). */
  concurrency?: number;
  /** perRegistryConcurrency bounds concurrent HTTP exchanges (and pooled connections) per registry (default: concurrency). */
  perRegistryConcurrency?: number;
  timeouts?: Timeouts;
  retry?: RetryOptions;
  /** log receives debug lines (never headers or secrets). */
  log?: (line: string) => void;
  /**
   * verifyDigests resolves tags by GET and hashes the exact bytes instead of trusting
   * HEAD's Docker-Content-Digest (same request count; GETs count against Docker Hub pull limits).
   */
  verifyDigests?: boolean;
  /** warn receives anomalies users should see even without -v (default: log). */
  warn?: (line: string) => void;
  /** env supplies HTTPS_PROXY / HTTP_PROXY / NO_PROXY (default process.env). */
  env?: Record<string, string | undefined>;
  /** userAgent is sent on every request (default `digestpin`). */
  userAgent?: string;
  /** sleep waits between retries (injectable so tests do not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** random drives backoff jitter, in [0, 1). */
  random?: () => number;
  /** now is the clock for token expiry and Retry-After dates. */
  now?: () => number;
  /** onRequest is called before every HTTP request (retries and redirects included). */
  onRequest?: (event: RequestEvent) => void;
}

/** ManifestResult is a fetched manifest: digest of the exact bytes, media type, bytes and parsed JSON. */
export interface ManifestResult {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  json: ManifestJson;
}

/** ManifestHead is what a HEAD said; `digest` is absent when the registry sent no valid one. */
export interface ManifestHead {
  digest?: string;
  mediaType?: string;
  size?: number;
}

/**
 * RegistryClient resolves references to digests over the OCI distribution API (crane
 * digest semantics: HEAD with the full Accept list, GET and hash when HEAD does not say).
 * It builds URLs and reads headers; authentication lives in the Transport.
 */
export class RegistryClient implements Resolver {
  private readonly transport: Transport;
  private readonly tagLister: TagLister;
  private readonly dispatchers: DispatcherSet;
  private readonly counts = new RequestStats();
  private readonly inflight = new Map<string, Promise<ResolvedImage>>();
  private readonly secrets = new KnownSecrets();
  private readonly verifyDigests: boolean;
  private readonly mirrors: Mirror[];
  private readonly log: ((line: string) => void) | undefined;
  private readonly warn: ((line: string) => void) | undefined;
  private readonly now: () => number;

  constructor(options: RegistryClientOptions = {}) {
    const policy = hostPolicy(options.insecureRegistries);
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    // Issue 13: a fixed 8 here silently capped --concurrency for single-registry trees.
    const perRegistry = Math.min(options.perRegistryConcurrency ?? Infinity, options.concurrency ?? 16);
    const now = options.now ?? Date.now;
    this.now = now;
    // Every line this client prints may quote server text: scrub secrets and control characters
    // (issue 11 items 9 and 10).
    const secrets = this.secrets;
    const log = scrubbing(options.log, secrets);
    this.log = log;
    this.warn = scrubbing(options.warn ?? options.log, secrets);
    this.verifyDigests = options.verifyDigests ?? false;
    this.mirrors = options.mirrors ?? [];
    this.dispatchers = new DispatcherSet({
      policy, timeouts, connectionsPerOrigin: perRegistry, env: options.env ?? process.env,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const http = new HttpSender({
      dispatchers: this.dispatchers, policy, timeouts, now,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      limiter: new Limiter(options.concurrency ?? 16, perRegistry),
      stats: this.counts,
      userAgent: options.userAgent ?? 'digestpin',
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      ...(log ? { log } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    const tokens = new TokenService({ http, policy, now, secrets, ...(log ? { log } : {}) });
    this.transport = new Transport({ http, tokens, policy, now, secrets, ...(options.keychain ? { keychain: options.keychain } : {}), ...(log ? { log } : {}) });
    this.tagLister = new TagLister({ request: (req) => this.transport.request(req), endpoint: (ref) => this.endpoint(ref), fail: (ref, response) => this.fail(ref, response) });
  }

  /** scrub removes every secret this client has handled (in any case or encoding) from text about to be printed. */
  scrub(text: string): string {
    return this.secrets.scrub(text);
  }

  /**
   * resolve returns the current digest of `ref`; a ref with a digest is fetched by digest and
   * verified. With `platforms` the kind and platform list come from the body, never from HEAD.
   */
  resolve(ref: ImageReference, options: ResolveOptions = {}): Promise<ResolvedImage> {
    const needPlatforms = options.platforms === true;
    const key = `${ref.domain}/${ref.path}|${ref.digest ?? `tag:${ref.tag ?? 'latest'}`}|${needPlatforms ? 'body' : 'head'}`;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.doResolve(ref, needPlatforms)
        .catch((error: unknown) => Promise.reject(scrubSecrets(error, this.secrets.scrub)))
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async doResolve(ref: ImageReference, needPlatforms: boolean): Promise<ResolvedImage> {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const where = `registry ${this.endpoint(ref).registry}: ${ref.toString()}`;
    // HEAD's digest header cannot be checked without the bytes: with verifyDigests, GET and hash.
    if (this.verifyDigests) return toResolved(await this.getManifest(ref, reference), where);
    const head = await this.tryHead(ref, reference);
    if (head && ref.digest && head.digest !== ref.digest) {
      this.log?.(`registry ${this.endpoint(ref).registry}: HEAD ${ref.toString()} said ${head.digest}; verifying by GET`);
    } else if (head && !isIndexMediaType(head.mediaType) && !needPlatforms) {
      return { digest: head.digest, mediaType: head.mediaType };
    } else if (head) {
      // An index (or the platforms matter and HEAD's Content-Type cannot be checked): read the body
      // by the digest HEAD gave, so a tag moving in between cannot mix answers.
      return toResolved(await this.getManifest(ref, head.digest), where);
    }
    return toResolved(await this.getManifest(ref, reference), where);
  }

  /** tryHead HEADs a manifest; undefined means "GET instead" (failed, no or invalid digest, unknown type). */
  private async tryHead(ref: ImageReference, reference: string): Promise<{ digest: string; mediaType: string } | undefined> {
    const response = await this.manifestRequest(ref, 'HEAD', reference);
    const registry = this.endpoint(ref).registry;
    // Docker Hub counts GETs against the pull rate limit, HEADs not; do not answer a 429 with a GET.
    if (response.status === 429) throw this.fail(ref, response);
    if (response.status < 200 || response.status >= 300) {
      this.log?.(`registry ${registry}: HEAD ${ref.toString()} answered ${response.status}; falling back to GET`);
      return undefined;
    }
    const digest = header(response.headers, 'docker-content-digest');
    const mediaType = bareMediaType(header(response.headers, 'content-type'));
    // Only a sha256 digest is recorded; any other algorithm is replaced by the sha256 of the bytes.
    if (!isSha256Digest(digest) || !isKnownManifestMediaType(mediaType) || mediaType === undefined) {
      const what = isSha256Digest(digest) ? `media type ${JSON.stringify(mediaType ?? '')}`
        : isValidDigest(digest) ? `a ${digestAlgorithm(digest)} Docker-Content-Digest (the sha256 of the bytes is recorded)`
          : `${digest === undefined ? 'no' : 'an invalid'} Docker-Content-Digest`;
      this.log?.(`registry ${registry}: HEAD ${ref.toString()} gave ${what}; falling back to GET`);
      return undefined;
    }
    return { digest, mediaType };
  }

  /** headManifest HEADs the manifest of `ref` (by digest if it has one); GET only when asked and HEAD gave no digest. */
  async headManifest(ref: ImageReference, options: { fallbackToGet?: boolean } = {}): Promise<ManifestHead> {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const response = await this.manifestRequest(ref, 'HEAD', reference);
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && !(options.fallbackToGet && response.status !== 429)) throw this.fail(ref, response);
    const digest = header(response.headers, 'docker-content-digest');
    if (ok && isSha256Digest(digest)) {
      const size = Number(header(response.headers, 'content-length'));
      const mediaType = bareMediaType(header(response.headers, 'content-type'));
      return { digest, ...(mediaType ? { mediaType } : {}), ...(Number.isFinite(size) && size > 0 ? { size } : {}) };
    }
    if (!options.fallbackToGet) return {};
    const got = await this.getManifest(ref, reference);
    return { digest: got.digest, mediaType: got.mediaType, size: got.bytes.length };
  }

  /**
   * getManifest GETs a manifest by tag or digest. The result's digest is always the sha256 of the
   * exact bytes; when asked by digest (of any algorithm) the bytes are verified against it first.
   */
  async getManifest(ref: ImageReference, reference: string = ref.digest ?? ref.tag ?? 'latest'): Promise<ManifestResult> {
    const byDigest = reference.includes(':');
    if (byDigest) assertDigest(reference, `registry ${this.endpoint(ref).registry}: ${ref.toString()}`);
    const response = await this.manifestRequest(ref, 'GET', reference);
    if (response.status < 200 || response.status >= 300) throw this.fail(ref, response);
    const where = `registry ${this.endpoint(ref).registry}: ${ref.toString()}`;
    const digest = computeDigest(response.body, 'sha256');
    const asked = byDigest && digestAlgorithm(reference) !== 'sha256' ? computeDigest(response.body, digestAlgorithm(reference)) : digest;
    if (byDigest && asked !== reference) {
      throw new PinError('DIGEST_MISMATCH', `${where}: asked for ${reference} but the manifest served hashes to ${asked}`);
    }
    const claimed = header(response.headers, 'docker-content-digest');
    if (claimed !== undefined && claimed !== digest && (!isValidDigest(claimed) || digestAlgorithm(claimed) === digestAlgorithm(digest))) {
      this.warn?.(`warning: ${where}: Docker-Content-Digest ${JSON.stringify(claimed)} disagrees with the body's digest ${digest}; using the body's`);
    }
    const json = parseManifestJson(response.body, where);
    const mediaType = manifestMediaType(json, header(response.headers, 'content-type'), where);
    return { digest, mediaType, bytes: response.body, json };
  }

  /** getBlob GETs a blob of at most `maxBytes` bytes (default 4 MiB, enough for an image config) and verifies its digest. */
  async getBlob(ref: ImageReference, digest: string, maxBytes: number = MANIFEST_BODY_MAX): Promise<Buffer> {
    const endpoint = this.endpoint(ref);
    assertDigest(digest, `registry ${endpoint.registry}: ${ref.toString()} blob`);
    const response = await this.transport.request({
      endpoint, method: 'GET', path: `/v2/${endpoint.repository}/blobs/${digest}`, kind: 'blob', maxBodyBytes: maxBytes, reference: ref.toString(),
    });
    if (response.status < 200 || response.status >= 300) throw this.fail(ref, response);
    const actual = computeDigest(response.body, digestAlgorithm(digest));
    if (actual !== digest) {
      throw new PinError('DIGEST_MISMATCH', `registry ${endpoint.registry}: blob ${digest} of ${ref.toString()} hashes to ${actual}`);
    }
    return response.body;
  }

  /** listTags lists every tag of `ref`'s repository (tags/list with Link pagination), once per repository per client. */
  listTags(ref: ImageReference): Promise<string[]> {
    return this.tagLister.list(ref);
  }

  /** stats returns request counts by kind and by registry. */
  stats(): ClientStats {
    return this.counts.snapshot();
  }

  /** close closes the connections this client opened (not an injected dispatcher). */
  async close(): Promise<void> {
    await this.dispatchers.close();
  }

  private endpoint(ref: ImageReference): Endpoint {
    return endpointFor(ref, this.mirrors);
  }

  private manifestRequest(ref: ImageReference, method: 'GET' | 'HEAD', reference: string): Promise<HttpResponse> {
    const endpoint = this.endpoint(ref);
    return this.transport.request({
      endpoint, method, path: `/v2/${endpoint.repository}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT },
      kind: 'manifest', maxBodyBytes: MANIFEST_BODY_MAX, reference: ref.toString(),
    });
  }

  private fail(ref: ImageReference, response: HttpResponse): RegistryError {
    return registryError({
      registry: this.endpoint(ref).registry, reference: ref.toString(), method: response.method, url: response.url, status: response.status, body: response.body,
      ...retryAfterSeconds(response.status, header(response.headers, 'retry-after'), this.now()),
      scrub: this.secrets.scrub,
    });
  }
}

// Secrets are scrubbed before and after control characters go, so a secret split by an
// injected control character cannot be joined back together by the stripping.
function scrubbing(log: ((line: string) => void) | undefined, secrets: KnownSecrets): ((line: string) => void) | undefined {
  return log && ((line: string) => log(secrets.scrub(stripControl(secrets.scrub(line)))));
}

function toResolved(manifest: ManifestResult, where: string): ResolvedImage {
  const resolved: ResolvedImage = { digest: manifest.digest, mediaType: manifest.mediaType };
  if (isIndexMediaType(manifest.mediaType)) resolved.platforms = indexPlatforms(manifest.json, where);
  return resolved;
}
