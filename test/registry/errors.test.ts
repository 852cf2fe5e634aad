import { describe, expect, it } from 'vitest';

import { errorCodeFor, parseOciErrors, redactUrl, registryError, scrubSecrets } from '../../src/registry/errors.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:pw@r.example/v2/a/blobs/uploads/x?_state=SECRET&digest=sha256:1', 'https://r.example/v2/a/blobs/uploads/x?_state=REDACTED&digest=REDACTED'],
    ['https://cdn.example/blob?X-Amz-Signature=abc#frag', 'https://cdn.example/blob?X-Amz-Signature=REDACTED'],
    ['https://r.example/v2/', 'https://r.example/v2/'],
    ['not a url', '<unparseable url>'],
  ])('%s', (input, expected) => expect(redactUrl(input)).toBe(expected));
});

describe('parseOciErrors', () => {
  it('reads codes and messages', () => {
    const body = Buffer.from(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }, { code: 'denied' }] }));
    expect(parseOciErrors(body)).toEqual([{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }, { code: 'DENIED' }]);
  });
  it.each([['not json'], ['{"errors":"x"}'], ['[]'], ['null'], ['']])('ignores %j', (text) => {
    expect(parseOciErrors(Buffer.from(text))).toEqual([]);
  });
});

describe('errorCodeFor', () => {
  it.each([
    [404, ['MANIFEST_UNKNOWN'], 'MANIFEST_UNKNOWN'],
    [404, ['NAME_UNKNOWN'], 'NAME_UNKNOWN'],
    [404, [], 'MANIFEST_UNKNOWN'],
    [401, ['UNAUTHORIZED'], 'UNAUTHORIZED'],
    [403, [], 'DENIED'],
    [400, ['DENIED'], 'DENIED'],
    [429, ['TOOMANYREQUESTS'], 'RATE_LIMITED'],
    [500, [], 'REGISTRY_ERROR'],
    [400, ['MANIFEST_INVALID'], 'REGISTRY_ERROR'],
  ] as const)('%i %j → %s', (status, codes, expected) => {
    expect(errorCodeFor(status, [...codes])).toBe(expected);
  });
});

describe('registryError', () => {
  it('names registry, method, redacted url, status, server codes and reference', () => {
    const error = registryError({
      registry: 'ghcr.io', reference: 'ghcr.io/o/r:v1', method: 'GET', url: 'https://ghcr.io/v2/o/r/manifests/v1?x=1', status: 404,
      body: Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'),
    });
    expect(error.code).toBe('MANIFEST_UNKNOWN');
    expect(error.status).toBe(404);
    expect(error.codes).toEqual(['MANIFEST_UNKNOWN']);
    expect(error.url).toBe('https://ghcr.io/v2/o/r/manifests/v1?x=REDACTED');
    expect(error.message).toBe(
      'registry ghcr.io: GET https://ghcr.io/v2/o/r/manifests/v1?x=REDACTED answered 404 (MANIFEST_UNKNOWN: manifest unknown) for ghcr.io/o/r:v1',
    );
  });
});

describe('scrubSecrets', () => {
  it('replaces secrets in messages', () => {
    const error = scrubSecrets(new Error('server said hunter22 twice: hunter22'), ['hunter22', undefined]);
    expect(error.message).toBe('server said *** twice: ***');
  });
});
