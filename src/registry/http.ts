import type { Dispatcher } from 'undici';

import { request } from '../http/undici.js';
import { PinError } from '../errors.js';
import { ERROR_BODY_MAX, readCapped } from './body.js';
import type { DispatcherSet, Timeouts } from './dispatchers.js';
import type { HostPolicy } from './endpoint.js';
import { redactUrl, type RequestKind } from './errors.js';
import type { Limiter } from './limiter.js';
import { backoffDelay, errorCode, isRetryableError, isRetryableStatus, isTimeoutError, parseRetryAfter, type RetryOptions } from './retry.js';
import type { RequestStats } from './stats.js';

/** MAX_REDIRECTS is how many redirects one request may follow. */
export const MAX_REDIRECTS = 10;

/** RequestEvent is passed to the `onRequest` hook before each HTTP request is sent. */
export interface RequestEvent {
  registry: string;
  method: string;
  kind: RequestKind;
  /** url is redacted (no user-info, query values replaced). */
  url: string;
}

/** HttpRequest is one logical request; redirects and retries happen below it. */
export interface HttpRequest {
  url: URL;
  method: 'GET' | 'HEAD' | 'POST';
  /** headers use lower-case names; `authorization` is dropped on cross-origin redirects. */
  headers: Record<string, string>;
  body?: string;
  kind: RequestKind;
  /** registry is the registry the request is for (stats, limits, messages). */
  registry: string;
  /** reference is the image reference text, for messages. */
  reference?: string;
  /** maxBodyBytes caps a successful answer (BODY_TOO_LARGE beyond it); error answers are cut at 64 KiB. */
  maxBodyBytes: number;
  /** attempts overrides the configured number of tries. */
  attempts?: number;
}

/** HttpResponse is the final answer with its (capped) body. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** url is where the final answer came from (after redirects). */
  url: URL;
  method: string;
}

/** HttpSenderOptions are the collaborators of HttpSender. */
export interface HttpSenderOptions {
  dispatchers: DispatcherSet;
  policy: HostPolicy;
  timeouts: Required<Timeouts>;
  retry: Required<RetryOptions>;
  limiter: Limiter;
  stats: RequestStats;
  userAgent: string;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  log?: (line: string) => void;
  onRequest?: (event: RequestEvent) => void;
}

/** header returns the first value of a response header. */
export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * HttpSender performs single registry requests: bounded concurrency, retries with backoff,
 * manual redirects and body caps. It knows nothing about authentication.
 */
export class HttpSender {
  constructor(private readonly o: HttpSenderOptions) {}

  /** send performs `req`, following up to MAX_REDIRECTS redirects, and returns the final answer. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    let hop = req;
    for (let followed = 0; ; followed++) {
      const response = await this.sendWithRetry(hop);
      const next = this.redirect(hop, response);
      if (!next) return response;
      if (followed >= MAX_REDIRECTS) {
        throw new PinError('REDIRECT', `registry ${req.registry}: more than ${MAX_REDIRECTS} redirects for ${req.method} ${redactUrl(req.url)}${forRef(req)}`);
      }
      this.o.log?.(`registry ${req.registry}: ${response.status} redirect to ${redactUrl(next.url)}`);
      hop = next;
    }
  }

  /** redirect returns the next hop for a 3xx answer with a Location, or undefined. */
  private redirect(hop: HttpRequest, response: HttpResponse): HttpRequest | undefined {
    const location = header(response.headers, 'location');
    if (![301, 302, 303, 307, 308].includes(response.status) || !location) return undefined;
    const url = new URL(location, hop.url);
    const downgrade = hop.url.protocol === 'https:' && url.protocol === 'http:' && !this.o.policy.allowHttp(url.host);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || downgrade) {
      throw new PinError('REDIRECT', `registry ${hop.registry}: refusing redirect from ${redactUrl(hop.url)} to ${redactUrl(url)}${forRef(hop)}`);
    }
    const headers = { ...hop.headers };
    const crossOrigin = url.origin !== hop.url.origin;
    // Credentials are for the origin that asked for them; a blob store or CDN on another
    // origin (host, port or scheme) must not see them (RFC 9110 section 15.4, GGCR transport).
    if (crossOrigin) delete headers['authorization'];
    // 303, and 301/302 after POST, turn into GET without a body (RFC 9110 section 15.4.4).
    const toGet = (response.status === 303 && hop.method !== 'HEAD') || (hop.method === 'POST' && response.status < 303);
    // A 307/308 re-sends the body; ours is an OAuth2 form carrying a refresh token (issue 11 item 2).
    if (crossOrigin && hop.body !== undefined && !toGet) {
      throw new PinError('REDIRECT', `registry ${hop.registry}: refusing to re-send the ${hop.kind} request body (it carries a credential) from ${redactUrl(hop.url)} to another origin ${redactUrl(url)}${forRef(hop)}`);
    }
    if (toGet) delete headers['content-type'];
    const next: HttpRequest = { ...hop, url, headers, method: toGet ? 'GET' : hop.method };
    if (toGet) delete next.body;
    return next;
  }

  private async sendWithRetry(hop: HttpRequest): Promise<HttpResponse> {
    const attempts = hop.attempts ?? this.o.retry.attempts;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      let delay: number;
      try {
        const response = await this.o.limiter.run(hop.registry, () => this.exchange(hop));
        if (!isRetryableStatus(response.status) || attempt >= attempts) return response;
        const retryAfter = parseRetryAfter(header(response.headers, 'retry-after'), this.o.now());
        delay = retryAfter ?? backoffDelay(attempt, this.o.retry, this.o.random);
        if (waited + delay > this.o.retry.maxTotalWaitMs) return response;
        this.o.log?.(`registry ${hop.registry}: ${hop.method} ${redactUrl(hop.url)} answered ${response.status}; retry ${attempt + 1}/${attempts} in ${delay} ms`);
      } catch (error) {
        if (error instanceof PinError) throw error;
        if (!isRetryableError(error) || attempt >= attempts) throw this.failure(hop, error);
        delay = backoffDelay(attempt, this.o.retry, this.o.random);
        if (waited + delay > this.o.retry.maxTotalWaitMs) throw this.failure(hop, error);
        this.o.log?.(`registry ${hop.registry}: ${hop.method} ${redactUrl(hop.url)} failed (${errorCode(error) ?? 'error'}); retry ${attempt + 1}/${attempts} in ${delay} ms`);
      }
      waited += delay;
      await this.o.sleep(delay);
    }
  }

  /**
   * exchange sends one HTTP request and reads its capped body, all within `timeouts.totalMs`
   * (issue 11 item 4: undici's timeouts are idle timeouts, which a server sending one byte
   * at a time never trips). A request that hits the deadline is not retried.
   */
  private async exchange(hop: HttpRequest): Promise<HttpResponse> {
    const redacted = redactUrl(hop.url);
    this.o.stats.count(hop.registry, hop.kind);
    this.o.onRequest?.({ registry: hop.registry, method: hop.method, kind: hop.kind, url: redacted });
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.o.timeouts.totalMs);
    let phase: 'headers' | 'body' = 'headers';
    try {
      const res = await request(hop.url, {
        method: hop.method,
        headers: { 'user-agent': this.o.userAgent, ...hop.headers },
        ...(hop.body === undefined ? {} : { body: hop.body }),
        dispatcher: this.o.dispatchers.for(hop.url),
        // undici closes the connection after a HEAD unless told not to (nodejs/undici#258, #1858):
        // without this every HEAD paid a new TCP (and TLS) handshake.
        ...(hop.method === 'HEAD' ? { reset: false } : {}),
        headersTimeout: this.o.timeouts.headersMs,
        bodyTimeout: this.o.timeouts.bodyMs,
        signal: deadline.signal,
      });
      phase = 'body';
      const body = await this.readBody(hop, res);
      this.o.log?.(`registry ${hop.registry}: ${hop.method} ${redacted} -> ${res.statusCode}`);
      return { status: res.statusCode, headers: res.headers, body, url: hop.url, method: hop.method };
    } catch (error) {
      if (!deadline.signal.aborted || error instanceof PinError) throw error;
      const seconds = this.o.timeouts.totalMs / 1000;
      throw new PinError('TIMEOUT', `registry ${hop.registry}: ${hop.method} ${redacted} timed out (${phase}): not complete after ${seconds}s${forRef(hop)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** readBody reads an answer's body: nothing for HEAD, at most maxBodyBytes for a success, ERROR_BODY_MAX otherwise. */
  private async readBody(hop: HttpRequest, res: Dispatcher.ResponseData): Promise<Buffer> {
    if (hop.method === 'HEAD') {
      await res.body.dump();
      return Buffer.alloc(0);
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const limit = ok ? hop.maxBodyBytes : ERROR_BODY_MAX;
    const declared = Number(header(res.headers, 'content-length'));
    if (ok && declared > limit) {
      res.body.destroy();
      throw this.tooLarge(hop, limit);
    }
    const read = await readCapped(res.body, limit);
    if (read.truncated && ok) throw this.tooLarge(hop, limit);
    return read.bytes;
  }

  private tooLarge(hop: HttpRequest, limit: number): PinError {
    return new PinError('BODY_TOO_LARGE', `registry ${hop.registry}: ${hop.kind} answer to ${hop.method} ${redactUrl(hop.url)} exceeds ${limit} bytes${forRef(hop)}`);
  }

  /** failure turns a connection-level error into TIMEOUT or NETWORK, naming registry and reference. */
  private failure(hop: HttpRequest, error: unknown): PinError {
    const code = errorCode(error);
    const what = `registry ${hop.registry}: ${hop.method} ${redactUrl(hop.url)}`;
    if (isTimeoutError(error)) {
      const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : code === 'UND_ERR_BODY_TIMEOUT' ? 'body' : 'headers';
      return new PinError('TIMEOUT', `${what} timed out (${phase})${forRef(hop)}`, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    const hint = isCertificateError(error) ? ' (use a CA file for a private CA, or mark the registry insecure)' : '';
    return new PinError('NETWORK', `${what} failed: ${code ? `${code}: ` : ''}${reason}${hint}${forRef(hop)}`, { cause: error });
  }
}

/** isCertificateError reports whether a TLS handshake failed on certificate verification. */
export function isCertificateError(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER/.test(code);
}

function forRef(hop: { reference?: string }): string {
  return hop.reference ? ` (reference ${hop.reference})` : '';
}
