import { createHash } from 'node:crypto';

import { PinError } from '../errors.js';

// Digests as in OCI image-spec descriptor.md "Digests": `algorithm:encoded`. Only the
// registered algorithms are accepted, with their exact lengths, lower-case hex.
const ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };

/** isValidDigest reports whether text is a `sha256:<64 hex>` or `sha512:<128 hex>` digest. */
export function isValidDigest(text: string | undefined): text is string {
  if (text === undefined) return false;
  const colon = text.indexOf(':');
  if (colon < 0) return false;
  const length = ALGORITHMS[text.slice(0, colon)];
  const hex = text.slice(colon + 1);
  return length !== undefined && hex.length === length && /^[0-9a-f]+$/.test(hex);
}

/** isSha256Digest reports whether text is a valid `sha256:<64 hex>` digest (the only kind digestpin records). */
export function isSha256Digest(text: string | undefined): text is string {
  return isValidDigest(text) && text.startsWith('sha256:');
}

/** digestAlgorithm returns the algorithm part of a valid digest. */
export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}

/** computeDigest hashes bytes with the given algorithm (default sha256) into `algo:hex`. */
export function computeDigest(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** assertDigest throws INVALID_DIGEST when text is not a supported digest. */
export function assertDigest(text: string, what: string): void {
  if (!isValidDigest(text)) {
    throw new PinError('INVALID_DIGEST', `${what}: ${JSON.stringify(text)} is not a sha256 or sha512 digest`);
  }
}
