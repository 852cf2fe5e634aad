// Bearer token exchange, per distribution docs/spec/auth/token.md (GET) and oauth.md (POST);
// scopes per scope.md: one `scope=` query parameter each on GET, one space-separated
// `scope` form field on POST.
import { createHash } from 'node:crypto';

import type { Credential } from '../auth/types.js';
import { PinError } from '../errors.js';
import { TOKEN_BODY_MAX } from './body.js';
import type { HostPolicy } from './endpoint.js';
import { redactUrl, registryError, RegistryError } from './errors.js';
import { header, type HttpResponse, type HttpSender } from './http.js';
import { retryAfterSeconds } from './retry.js';
import type { KnownSecrets } from './secrets.js';

/** OAUTH_CLIENT_ID identifies digestpin to OAuth2 token servers (oauth.md `client_id`). */
export const OAUTH_CLIENT_ID = 'digestpin';
/** MIN_TOKEN_SECONDS is the lifetime assumed when `expires_in` is absent or smaller (token.md). */
export const MIN_TOKEN_SECONDS = 60;

/** TokenRequest asks for a bearer token for some scopes at a realm. */
export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
  /** credential authenticates to the realm; undefined asks anonymously. */
  credential?: Credential;
  /** registry is the registry the token is for (messages, stats); host is its API host. */
  registry: string;
  host: string;
  reference?: string;
  /** fresh bypasses the cache, e.g. after the registry rejected a cached token. */
  fresh?: boolean;
}

/** BearerToken is a token and whether it came from the cache. */
export interface BearerToken {
  token: string;
  cached: boolean;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** TokenServiceOptions are the collaborators of TokenService. */
export interface TokenServiceOptions {
  http: HttpSender;
  policy: HostPolicy;
  now: () => number;
  /** skewMs is subtracted from the expiry so a token is not used at the last moment (default 10 s). */
  skewMs?: number;
  log?: (line: string) => void;
  /** secrets learns every token obtained, so errors can never echo one. */
  secrets?: KnownSecrets;
}

/** TokenService fetches bearer tokens and caches them per realm, service, scope set and credential. */
export class TokenService {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly o: TokenServiceOptions) {}

  /** get returns a valid token for `req`, from the cache unless `fresh` is set. */
  async get(req: TokenRequest): Promise<BearerToken> {
    const realm = this.checkRealm(req);
    const key = cacheKey(req);
    const hit = this.cache.get(key);
    if (!req.fresh && hit && hit.expiresAt - (this.o.skewMs ?? 10_000) > this.o.now()) {
      return { token: hit.token, cached: true };
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetch(realm, req).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const fetched = await pending;
    this.cache.set(key, fetched);
    return { token: fetched.token, cached: false };
  }

  /**
   * checkRealm requires an https realm. Plain http is allowed only when both the registry and
   * the realm's own host may use it (insecure or loopback): the credential travels to the
   * realm, so the registry's exemption alone must not send it in cleartext elsewhere.
   */
  private checkRealm(req: TokenRequest): URL {
    let realm: URL;
    try {
      realm = new URL(req.realm);
    } catch {
      throw new PinError('TOKEN_ERROR', `registry ${req.registry}: bearer challenge realm ${JSON.stringify(req.realm)} is not a URL`);
    }
    if (realm.protocol === 'https:') return realm;
    if (realm.protocol === 'http:' && this.o.policy.allowHttp(req.host) && this.o.policy.allowHttp(realm.host)) return realm;
    const hint = realm.protocol === 'http:' && this.o.policy.allowHttp(req.host) ? realm.host : req.registry;
    throw new PinError(
      'INSECURE_REALM',
      `registry ${req.registry}: refusing to send credentials to non-https token realm ${redactUrl(realm)} (mark it insecure with --insecure-registry ${hint} to allow it)`,
    );
  }

  private async fetch(realm: URL, req: TokenRequest): Promise<CachedToken> {
    let response: HttpResponse;
    if (req.credential?.identityToken) {
      response = await this.post(realm, req, req.credential.identityToken);
      // Not every token server implements OAuth2; a 404 on POST means "use GET" (oauth.md, GGCR bearer.go).
      if (response.status === 404) {
        this.o.log?.(`registry ${req.registry}: token server has no OAuth2 endpoint; falling back to GET`);
        response = await this.getToken(realm, req);
      }
    } else {
      response = await this.getToken(realm, req);
    }
    return this.parse(response, req);
  }

  private getToken(realm: URL, req: TokenRequest): Promise<HttpResponse> {
    const url = new URL(realm);
    if (req.service) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    const { username, password } = req.credential ?? {};
    if (username !== undefined && password !== undefined) {
      headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return this.o.http.send({ url, method: 'GET', headers, kind: 'token', registry: req.registry, reference: req.reference, maxBodyBytes: TOKEN_BODY_MAX });
  }

  private post(realm: URL, req: TokenRequest, refreshToken: string): Promise<HttpResponse> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: OAUTH_CLIENT_ID });
    if (req.service) form.set('service', req.service);
    if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
    const headers = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
    return this.o.http.send({ url: realm, method: 'POST', headers, body: form.toString(), kind: 'token', registry: req.registry, reference: req.reference, maxBodyBytes: TOKEN_BODY_MAX });
  }

  /** parse reads `token` or `access_token`, `expires_in` and `issued_at` (token.md "Token Response Fields"). */
  private parse(response: HttpResponse, req: TokenRequest): CachedToken {
    const where = `registry ${req.registry}: token server ${redactUrl(response.url)}`;
    if (response.status < 200 || response.status >= 300) throw tokenFailure(response, req, this.o.now(), this.o.secrets?.scrub);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new Error('not an object');
    } catch (error) {
      throw new PinError('TOKEN_ERROR', `${where} answered ${response.status} with a body that is not a JSON object`, { cause: error });
    }
    const token = [body['token'], body['access_token']].find((t): t is string => typeof t === 'string' && t !== '');
    if (token === undefined) throw new PinError('TOKEN_ERROR', `${where} answered without a "token" or "access_token"`);
    this.o.secrets?.add(token);
    if (typeof body['refresh_token'] === 'string') this.o.secrets?.add(body['refresh_token']);
    const expiresIn = typeof body['expires_in'] === 'number' && Number.isFinite(body['expires_in']) ? body['expires_in'] : 0;
    const lifetimeMs = Math.max(MIN_TOKEN_SECONDS, expiresIn) * 1000;
    const now = this.o.now();
    const issuedAt = typeof body['issued_at'] === 'string' ? Date.parse(body['issued_at']) : Number.NaN;
    // Trust issued_at only when it is plausible for our clock; otherwise count from now.
    const start = issuedAt <= now && issuedAt > now - lifetimeMs ? issuedAt : now;
    return { token, expiresAt: start + lifetimeMs };
  }
}

/**
 * tokenFailure maps a non-2xx token answer: 401/403/429 keep their codes; an OAuth2
 * `invalid_grant`/`invalid_client` (RFC 6749 section 5.2, status 400) means the credential
 * was rejected (UNAUTHORIZED); the rest is TOKEN_ERROR.
 */
function tokenFailure(response: HttpResponse, req: TokenRequest, now: number, scrub?: (text: string) => string): RegistryError {
  const described = oauthError(response.body);
  const oauth = described && scrub ? scrub(described) : described;
  const detail = oauth ? `token request failed: ${oauth}` : 'token request failed';
  const ctx = {
    registry: req.registry, reference: req.reference, method: response.method, url: response.url, status: response.status, body: response.body, detail,
    ...retryAfterSeconds(response.status, header(response.headers, 'retry-after'), now),
    ...(scrub ? { scrub } : {}),
  };
  const error = registryError(ctx);
  if (error.code === 'UNAUTHORIZED' || error.code === 'DENIED' || error.code === 'RATE_LIMITED') return error;
  const rejected = response.status === 400 && /^invalid_(grant|client)\b/.test(oauth ?? '');
  return new RegistryError(rejected ? 'UNAUTHORIZED' : 'TOKEN_ERROR', error.message, ctx, error.codes);
}

/** oauthError reads `{"error","error_description"}` from an OAuth2 error answer. */
function oauthError(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown; error_description?: unknown };
    if (typeof parsed.error !== 'string') return undefined;
    const description = typeof parsed.error_description === 'string' ? `: ${parsed.error_description.slice(0, 200)}` : '';
    return `${parsed.error}${description}`;
  } catch {
    return undefined;
  }
}

/** cacheKey identifies a token: realm, service, scope set and a fingerprint (not the secret) of the credential. */
function cacheKey(req: TokenRequest): string {
  const scopes = [...new Set(req.scopes)].sort().join(' ');
  const c = req.credential;
  const who = c ? createHash('sha256').update(JSON.stringify([c.username, c.password, c.identityToken])).digest('hex').slice(0, 32) : 'anonymous';
  return [req.realm, req.service ?? '', scopes, who].join('|');
}
