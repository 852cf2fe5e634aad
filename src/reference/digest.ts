import { ReferenceError, quote } from './errors.js';
import { DIGEST_ALGORITHM, DIGEST_HEX_LENGTHS, anchored } from './grammar.js';

const anchoredAlgorithm = anchored(DIGEST_ALGORITHM);
const SUPPORTED = [...DIGEST_HEX_LENGTHS.keys()].join(', ');

/**
 * digestProblem explains why a digest is invalid, or returns undefined when it
 * is valid. A digest is valid when distribution/reference's grammar accepts it
 * and go-digest's Digest.Validate does: the algorithm must be registered
 * (sha256, sha384, sha512) and the hex must be lowercase and of the exact
 * length (https://github.com/opencontainers/go-digest/blob/master/algorithm.go).
 */
export function digestProblem(digest: string): string | undefined {
  if (digest === '') return 'digest is empty (trailing "@")';
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1) return 'digest must be "algorithm:hex", e.g. "sha256:<64 hex>"';
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (length === undefined) {
    // go-digest Validate: an algorithm that is not registered is ErrDigestUnsupported.
    if (!anchoredAlgorithm.test(algorithm)) return `digest algorithm ${quote(algorithm)} is malformed`;
    return `unsupported digest algorithm ${quote(algorithm)} (go-digest supports ${SUPPORTED})`;
  }
  const bad = /[^0-9a-fA-F]/.exec(encoded);
  if (bad) return `${algorithm} digest must be ${length} hex characters, found ${quote(bad[0])}`;
  if (encoded.length !== length) {
    return `${algorithm} digest must be ${length} hex characters, got ${encoded.length}`;
  }
  // The reference grammar allows A-F, but go-digest's anchoredEncodedRegexps do not.
  if (/[A-F]/.test(encoded)) return `${algorithm} digest must be lowercase hex`;
  return undefined;
}

/** validateDigest returns the digest unchanged if it is valid and throws an INVALID_DIGEST ReferenceError if not. */
export function validateDigest(digest: string): string {
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    throw new ReferenceError('digest', digest, `invalid digest ${quote(digest)}: ${problem}`);
  }
  return digest;
}
