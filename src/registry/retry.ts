// Retry policy: bounded attempts, exponential backoff with full jitter
// (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), and
// Retry-After honoured when the server sends it (RFC 9110 section 10.2.3).

/** RetryOptions bounds how often and how long a request is retried. */
export interface RetryOptions {
  /** attempts is the total number of tries per request, including the first (default 4). */
  attempts?: number;
  /** baseDelayMs is the backoff unit: try n waits up to baseDelayMs * 2^(n-1) (default 250). */
  baseDelayMs?: number;
  /** maxDelayMs caps one computed backoff wait (default 8000); Retry-After may exceed it. */
  maxDelayMs?: number;
  /** maxTotalWaitMs caps the summed waits of one request; beyond it the last answer stands (default 60000). */
  maxTotalWaitMs?: number;
}

/** DEFAULT_RETRY holds the retry defaults. */
export const DEFAULT_RETRY: Required<RetryOptions> = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalWaitMs: 60_000,
};

/** isRetryableStatus reports whether an HTTP status is worth retrying (408, 429, 5xx but 501/505). */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** errorCode returns the `code` of an error or of the first cause that has one. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** isRetryableError reports whether a thrown error is a transient connection problem. */
export function isRetryableError(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  return error instanceof Error && /socket hang up|other side closed|socket closed/i.test(error.message);
}

/** isTimeoutError reports whether an error is one of undici's connect/headers/body timeouts. */
export function isTimeoutError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT';
}

/** parseRetryAfter turns a Retry-After value (delay-seconds or HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date forms all start with a day name (IMF-fixdate, RFC 850, asctime).
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** retryAfterSeconds reads a 429 answer's Retry-After as whole seconds, for messages. */
export function retryAfterSeconds(status: number, value: string | undefined, now: number): { retryAfterSeconds?: number } {
  const ms = status === 429 ? parseRetryAfter(value, now) : undefined;
  return ms === undefined ? {} : { retryAfterSeconds: Math.ceil(ms / 1000) };
}

/** backoffDelay is the full-jitter wait before try `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
