// The JSON-over-HTTPS layer shared by the GitHub and GitLab clients: one request function
// over an injected undici Dispatcher, and status -> ForgeApiError mapping with clear messages.
import type { Dispatcher } from 'undici';

import { request } from '../http/undici.js';
import { PinError } from '../errors.js';
import { redact } from './redact.js';

/** ForgeApiError is a PinError('FORGE_API') that keeps the HTTP status for callers to branch on. */
export class ForgeApiError extends PinError {
  override name = 'ForgeApiError';
  /** status is the HTTP status (0 when the server was not reached). */
  readonly status: number;
  /** conflict is true when the forge says the pull request already exists. */
  readonly conflict: boolean;

  constructor(message: string, status: number, conflict = false, options?: { cause?: unknown }) {
    super('FORGE_API', message, options);
    this.status = status;
    this.conflict = conflict;
  }
}

/** ForgeClientOptions configures a ForgeClient. */
export interface ForgeClientOptions {
  /** forge is the display name used in messages (`GitHub`, `GitLab`). */
  forge: string;
  /** apiUrl is the API root, e.g. https://api.github.com or https://gitlab.com/api/v4. */
  apiUrl: string;
  /** headers are sent with every request (auth, accept, version). */
  headers: Record<string, string>;
  /** tokenSource names where the token came from (an env var name), for 401/403 hints. */
  tokenSource: string;
  /** repository is the owner/repo or project path, for 404 hints. */
  repository: string;
  /** permissionHint says which permissions the token needs, appended to 403s. */
  permissionHint: string;
  /** conflictPattern recognises "already exists" in error details. */
  conflictPattern: RegExp;
  /** secrets are scrubbed from every message (the token at least). */
  secrets: string[];
  dispatcher?: Dispatcher;
}

type Headers = Record<string, string | string[] | undefined>;

/** ForgeClient sends JSON requests to one forge API and maps failures to ForgeApiError. */
export class ForgeClient {
  constructor(private readonly options: ForgeClientOptions) {}

  /** send performs `method path` with an optional JSON body and returns the parsed JSON response. */
  async send<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<T> {
    const { options } = this;
    const url = `${options.apiUrl.replace(/\/+$/, '')}${path}`;
    const headers: Record<string, string> = { 'user-agent': 'digestpin', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method, headers, dispatcher: options.dispatcher,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ForgeApiError(this.clean(`cannot reach the ${options.forge} API (${method} ${url}): ${reason}`), 0);
    }
    const text = await response.body.text();
    const parsed = parseJson(text);
    if (response.statusCode >= 200 && response.statusCode < 300) return parsed as T;
    throw this.toError(method, url, response.statusCode, response.headers, parsed ?? text);
  }

  private toError(method: string, url: string, status: number, headers: Headers, body: unknown): ForgeApiError {
    const o = this.options;
    const details = errorDetails(body);
    const detail = details.length > 0 ? `: ${details.join('; ')}` : '';
    const where = `${o.forge} API ${method} ${url} answered ${status}`;
    let message: string;
    const limited = rateLimit(status, headers, details);
    if (limited !== undefined) {
      message = `${where}: rate limit exceeded${limited}${detail}`;
    } else if (status === 401) {
      message = `${where}: the token from ${o.tokenSource} was rejected (invalid, expired or revoked)${detail}`;
    } else if (status === 403) {
      message = `${where}: permission denied for the token from ${o.tokenSource}${detail}; ${o.permissionHint}`;
    } else if (status === 404) {
      message = `${where}: repository ${o.repository} not found or the token from ${o.tokenSource} lacks access to it${detail}`;
    } else if (status === 400 || status === 409 || status === 422) {
      message = `${where}: request rejected${detail}`;
    } else {
      message = `${where}${detail}`;
    }
    const conflict = (status === 409 || status === 422) && details.some((d) => o.conflictPattern.test(d));
    return new ForgeApiError(this.clean(message), status, conflict);
  }

  private clean(message: string): string {
    return redact(message, this.options.secrets);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * errorDetails flattens the error shapes of both forges into readable strings:
 * GitHub `{message, errors: [{message} | {resource, field, code} | string]}`
 * (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api),
 * GitLab `{message: string | string[] | {field: string[]}}` or `{error}`.
 */
export function errorDetails(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() === '' ? [] : [body.trim().slice(0, 500)];
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  const out: string[] = [];
  const message = record['message'] ?? record['error'];
  if (typeof message === 'string') out.push(message);
  else if (Array.isArray(message)) out.push(...message.map(String));
  else if (typeof message === 'object' && message !== null) {
    for (const [field, value] of Object.entries(message)) out.push(`${field} ${[value].flat().join(', ')}`);
  }
  if (Array.isArray(record['errors'])) {
    for (const item of record['errors'] as unknown[]) out.push(githubValidationError(item));
  }
  return out.filter((s) => s !== '');
}

function githubValidationError(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item !== 'object' || item === null) return '';
  const e = item as Record<string, unknown>;
  if (typeof e['message'] === 'string') return e['message'];
  return [e['resource'], e['field'], e['code']].filter((v) => typeof v === 'string').join(' ');
}

/** rateLimit returns a " (resets …)" suffix when the response is a rate-limit rejection, else undefined. */
function rateLimit(status: number, headers: Headers, details: string[]): string | undefined {
  const header = (name: string) => [headers[name]].flat()[0];
  const exhausted = header('x-ratelimit-remaining') === '0' || header('ratelimit-remaining') === '0';
  // Secondary (abuse) limits come as 403/429 with Retry-After and no remaining=0.
  const secondary = details.some((d) => /rate limit/i.test(d));
  if (!(status === 429 || (status === 403 && (exhausted || secondary)))) return undefined;
  const retryAfter = Number(header('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return ` (retry after ${retryAfter} s)`;
  const reset = Number(header('x-ratelimit-reset') ?? header('ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return ` (resets at ${new Date(reset * 1000).toISOString()})`;
  return '';
}
