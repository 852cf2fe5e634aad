import { describe, expect, it } from 'vitest';

import { KnownSecrets } from '../../src/registry/secrets.js';

// Issue 11 item 9: a registry may echo a secret in any case, URL-encoded, or base64-encoded
// at any byte offset (inside a longer encoded string); scrub catches every such form.
const SECRET = 'Pw/9f8e7d6c5b4a+Zq~';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function secrets(): KnownSecrets {
  const known = new KnownSecrets();
  known.addCredential({ source: 'test', username: 'alice', password: SECRET });
  return known;
}

describe('KnownSecrets.scrub', () => {
  it.each([
    ['plain', `bad ${SECRET} here`],
    ['upper-cased', `BAD ${SECRET.toUpperCase()} HERE`],
    ['lower-cased', `bad ${SECRET.toLowerCase()}`],
    ['URL-encoded', `path /v2/x/${encodeURIComponent(SECRET)}/y`],
    ['URL-encoded with lower-case escapes', `path ${encodeURIComponent(SECRET).toLowerCase()}`],
    ['URL-encoded twice', `q=${encodeURIComponent(encodeURIComponent(SECRET))}`],
    ['every byte percent-encoded', [...Buffer.from(SECRET)].map((b) => `%${b.toString(16)}`).join('')],
    ['form-encoded', `refresh_token=${new URLSearchParams({ a: SECRET }).toString().slice(2)}`],
    ['Basic user:password', `Basic ${b64(`alice:${SECRET}`)}`],
    ['Basic user:password upper-cased', `BASIC ${b64(`alice:${SECRET}`).toUpperCase()}`],
    ['base64 of the secret alone', b64(SECRET)],
    ['base64 at offset 1', b64(`x${SECRET}`)],
    ['base64 at offset 2', b64(`xy${SECRET}`)],
    ['base64url', b64(`x${SECRET}`).replace(/\+/g, '-').replace(/\//g, '_')],
  ])('removes the secret when %s', (_form, text) => {
    const out = secrets().scrub(text);
    expect(out).toContain('***');
    expect(out.toLowerCase()).not.toContain(SECRET.toLowerCase());
    expect(out).not.toContain(SECRET.slice(3, 12));
  });

  it('leaves text without secrets as it is', () => {
    const text = 'registry 127.0.0.1:5000: GET http://127.0.0.1:5000/v2/app/manifests/v1 answered 404 (MANIFEST_UNKNOWN)';
    expect(secrets().scrub(text)).toBe(text);
  });

  it('scrubs a bearer token recorded with add()', () => {
    const known = new KnownSecrets();
    known.add('eyJhbGciOiJSUzI1NiJ9.payload-part.signature');
    expect(known.scrub('token EYJHBGCIOIJSUZI1NIJ9.PAYLOAD-PART.SIGNATURE')).toBe('token ***');
  });
});
