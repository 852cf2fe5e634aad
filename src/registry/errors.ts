import { PinError, type ErrorCode } from '../errors.js';

/** RequestKind classifies registry traffic for stats, hooks and messages. */
export type RequestKind = 'ping' | 'token' | 'manifest' | 'blob' | 'tags';

/** OciErrorDetail is one entry of an OCI error body `{"errors":[{code,message}]}`. */
export interface OciErrorDetail {
  code: string;
  message?: string;
}

/** RegistryErrorContext names what a failed exchange was about, for the message. */
export interface RegistryErrorContext {
  /** registry is the registry host the reference belongs to (after mirror rewriting). */
  registry: string;
  /** reference is the image reference text the request was for, when there is one. */
  reference?: string;
  method: string;
  url: string | URL;
  status: number;
  /** body is the (capped) response body, parsed for OCI error codes. */
  body?: Buffer;
  /** retryAfterSeconds is reported for 429 answers. */
  retryAfterSeconds?: number;
  /** detail is extra text appended to the message (never secrets). */
  detail?: string;
  /** scrub removes known secrets from server-provided text before it is shortened. */
  scrub?: (text: string) => string;
}

/**
 * RegistryError is a PinError for a registry answer that is not a success: it keeps the
 * HTTP status, the OCI error codes from the body, the method and a redacted URL
 * (GGCR transport/error.go).
 */
export class RegistryError extends PinError {
  override name = 'RegistryError';
  /** status is the HTTP status code of the final answer. */
  readonly status: number;
  /** codes are the OCI error codes from the body (`MANIFEST_UNKNOWN`, `DENIED`, …). */
  readonly codes: string[];
  /** method is the HTTP method of the failed request. */
  readonly method: string;
  /** url is the request URL without user-info and with query values redacted. */
  readonly url: string;
  /** registry is the registry host the request was for. */
  readonly registry: string;

  constructor(code: ErrorCode, message: string, ctx: RegistryErrorContext, codes: string[]) {
    super(code, message);
    this.status = ctx.status;
    this.codes = codes;
    this.method = ctx.method;
    this.url = redactUrl(ctx.url);
    this.registry = ctx.registry;
  }
}

/** redactUrl drops user-info and fragment and replaces every query value (upload `_state`, signed CDN params) with REDACTED. */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return '<unparseable url>';
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  const names = [...url.searchParams.keys()];
  url.search = '';
  for (const name of new Set(names)) url.searchParams.append(name, 'REDACTED');
  return url.toString();
}

/** parseOciErrors reads `{"errors":[{"code","message"}]}`; anything else yields an empty list. */
export function parseOciErrors(body: Buffer | undefined): OciErrorDetail[] {
  if (!body || body.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((e: unknown) => {
      const code = (e as { code?: unknown })?.code;
      const message = (e as { message?: unknown })?.message;
      if (typeof code !== 'string') return [];
      return [{ code: code.toUpperCase(), ...(typeof message === 'string' ? { message } : {}) }];
    });
  } catch {
    return [];
  }
}

/** errorCodeFor maps an HTTP status and OCI codes to a stable ErrorCode. */
export function errorCodeFor(status: number, codes: string[]): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 429) return 'RATE_LIMITED';
  if (codes.includes('NAME_UNKNOWN')) return 'NAME_UNKNOWN';
  if (codes.includes('MANIFEST_UNKNOWN') || status === 404) return 'MANIFEST_UNKNOWN';
  if (codes.includes('UNAUTHORIZED')) return 'UNAUTHORIZED';
  if (codes.includes('DENIED')) return 'DENIED';
  if (codes.includes('TOOMANYREQUESTS')) return 'RATE_LIMITED';
  return 'REGISTRY_ERROR';
}

const MAX_SERVER_TEXT = 200;

/** registryError builds the RegistryError for a failed exchange. */
export function registryError(ctx: RegistryErrorContext): RegistryError {
  const details = parseOciErrors(ctx.body);
  const codes = details.map((d) => d.code);
  const code = errorCodeFor(ctx.status, codes);
  const raw = details.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ');
  const server = ctx.scrub ? ctx.scrub(raw) : raw;
  const parts = [`registry ${ctx.registry}: ${ctx.method} ${redactUrl(ctx.url)} answered ${ctx.status}`];
  if (server) parts.push(`(${shorten(server)})`);
  if (ctx.retryAfterSeconds !== undefined) parts.push(`retry after ${ctx.retryAfterSeconds}s`);
  if (ctx.reference) parts.push(`for ${ctx.reference}`);
  if (ctx.detail) parts.push(`— ${ctx.detail}`);
  return new RegistryError(code, parts.join(' '), ctx, codes);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_SERVER_TEXT ? `${oneLine.slice(0, MAX_SERVER_TEXT)}…` : oneLine;
}

/**
 * scrubSecrets replaces any occurrence of the given secrets in an error's message (a
 * server may echo what it was sent), with a list or a scrub function such as
 * KnownSecrets.scrub; it returns the same error for rethrowing.
 */
export function scrubSecrets<E>(error: E, secrets: Array<string | undefined> | ((text: string) => string)): E {
  if (!(error instanceof Error)) return error;
  if (typeof secrets === 'function') {
    error.message = secrets(error.message);
    return error;
  }
  for (const secret of secrets) {
    if (secret && secret.length >= 3 && error.message.includes(secret)) {
      error.message = error.message.split(secret).join('***');
    }
  }
  return error;
}

/**
 * foreignChallenge is the REDIRECT error for a 401/403 challenge that came from another origin
 * than the registry's own after a redirect (issue 11 item 1): answering it would send the
 * registry's credential to a realm the redirect target chose.
 */
export function foreignChallenge(endpoint: { registry: string }, asked: URL, answered: URL, reference: string | undefined): PinError {
  return new PinError(
    'REDIRECT',
    `registry ${endpoint.registry}: refusing the authentication challenge of ${answered.host}: the request to ${asked.host} was redirected there, and credentials for ${endpoint.registry} are only used where ${asked.host} itself asks for them${reference ? ` (reference ${reference})` : ''}`,
  );
}
