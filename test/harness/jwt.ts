import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';

/** AccessEntry is one `access` claim item of a registry bearer token (distribution docs/spec/auth/jwt.md). */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** TokenClaims are the claims the harness puts in every token. */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
}

/** KeyHeader selects how the token names its key: libtrust `kid` or an `x5c` certificate chain. */
export type KeyHeader = 'kid' | 'x5c';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32 encodes bytes with the RFC 4648 alphabet, without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

/**
 * libtrustKeyId computes the key id registry 2.8 derives from each rootcertbundle certificate:
 * sha256 of the DER SubjectPublicKeyInfo, first 240 bits, base32, 12 groups of 4 joined by ':'
 * (docker/libtrust util.go keyIDFromCryptoKey; distribution docs/spec/auth/jwt.md "kid").
 */
export function libtrustKeyId(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(spki).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

/** base64url encodes a JSON value or bytes without padding. */
function b64url(value: unknown): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  return bytes.toString('base64url');
}

/** certDerBase64 returns the standard-base64 DER of a PEM certificate, as `x5c` wants (RFC 7515 §4.1.6). */
function certDerBase64(certPem: string): string {
  return new X509Certificate(certPem).raw.toString('base64');
}

/** signToken signs claims as an ES256 JWT with a P-256 key, naming the key the way keyHeader asks. */
export function signToken(claims: TokenClaims, keyPem: string, certPem: string, keyHeader: KeyHeader): string {
  const header = keyHeader === 'kid'
    ? { typ: 'JWT', alg: 'ES256', kid: libtrustKeyId(certPem) }
    : { typ: 'JWT', alg: 'ES256', x5c: [certDerBase64(certPem)] };
  const input = `${b64url(header)}.${b64url(claims)}`;
  // JWS ES256 wants the raw r||s signature, not DER (RFC 7518 §3.4).
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(keyPem), dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/** newClaims builds the claim set for subject sub with the given lifetime in seconds. */
export function newClaims(opts: { issuer: string; service: string; sub: string; expiresIn: number; access: AccessEntry[] }): TokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: opts.issuer, sub: opts.sub, aud: opts.service, exp: now + opts.expiresIn, nbf: now, iat: now,
    jti: randomBytes(16).toString('hex'), access: opts.access,
  };
}

/** decodeTokenClaims reads the claim set of a JWT without verifying it (for assertions in tests). */
export function decodeTokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT: expected three dot-separated parts');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
}
