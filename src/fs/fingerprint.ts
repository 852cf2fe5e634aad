import { createHash } from 'node:crypto';
import { PinError } from '../errors.js';

/**
 * Fingerprint identifies the bytes a run read from a file without keeping them: a run over
 * 10,000 files re-reads a text when it needs it and checks it against this (issue 13 cause 5).
 */
export interface Fingerprint {
  /** size is the length in bytes. */
  readonly size: number;
  /** sha256 is the base64 SHA-256 of the bytes. */
  readonly sha256: string;
}

/** fingerprintOf fingerprints bytes, or a text as the UTF-8 bytes it was decoded from. */
export function fingerprintOf(content: string | Uint8Array): Fingerprint {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64') };
}

/** holdsFingerprint reports whether `bytes` are exactly the fingerprinted bytes. */
export function holdsFingerprint(bytes: Uint8Array, expected: Fingerprint): boolean {
  return bytes.length === expected.size && createHash('sha256').update(bytes).digest('base64') === expected.sha256;
}

/** fileChangedError is the FILE_CHANGED error naming every file that no longer holds what the run read. */
export function fileChangedError(displays: string[]): PinError {
  return new PinError('FILE_CHANGED', `${displays.join(', ')}: changed on disk while digestpin ran; nothing was written (run again)`);
}
