import { describe, expect, it } from 'vitest';

import { backoffDelay, DEFAULT_RETRY, isRetryableError, isRetryableStatus, isTimeoutError, parseRetryAfter } from '../../src/registry/retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const cases: Array<[string | undefined, number | undefined]> = [
    [undefined, undefined],
    ['0', 0],
    ['7', 7000],
    [' 12 ', 12_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
  ];
  it.each(cases)('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('isRetryableStatus', () => {
  it.each([[408, true], [429, true], [500, true], [502, true], [503, true], [504, true], [501, false], [505, false], [404, false], [401, false], [200, false]])(
    '%i → %s',
    (status, expected) => expect(isRetryableStatus(status)).toBe(expected),
  );
});

describe('isRetryableError', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [withCode('ECONNRESET'), true],
    [withCode('ECONNREFUSED'), true],
    [withCode('UND_ERR_SOCKET'), true],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), true],
    [new Error('other side closed'), true],
    [new Error('wrapper', { cause: withCode('ECONNRESET') }), true],
    [withCode('UND_ERR_INVALID_ARG'), false],
    [withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), false],
    [new Error('boom'), false],
  ])('%s → %s', (error, expected) => expect(isRetryableError(error)).toBe(expected));

  it('recognises timeouts', () => {
    expect(isTimeoutError(withCode('UND_ERR_BODY_TIMEOUT'))).toBe(true);
    expect(isTimeoutError(withCode('ECONNRESET'))).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially under full jitter and is capped', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, DEFAULT_RETRY, top)).toBe(249);
    expect(backoffDelay(2, DEFAULT_RETRY, top)).toBe(499);
    expect(backoffDelay(3, DEFAULT_RETRY, top)).toBe(999);
    expect(backoffDelay(20, DEFAULT_RETRY, top)).toBe(7999);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});
