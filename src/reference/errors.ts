import { PinError } from '../errors.js';

/** ReferencePart names the part of an image reference an error is about. */
export type ReferencePart = 'domain' | 'path' | 'tag' | 'digest' | 'name' | 'empty';

/**
 * ReferenceError is a PinError for an invalid image reference or digest. Its
 * `part` says which piece is wrong so callers can react without parsing the
 * message; `input` is the text that was rejected. The code is
 * `INVALID_DIGEST` for digest problems and `INVALID_REFERENCE` otherwise.
 */
export class ReferenceError extends PinError {
  // Not "ReferenceError": that is JavaScript's own error name and would read as a bug in stack traces.
  override name = 'ImageReferenceError';
  /** part is the piece of the reference that is wrong. */
  readonly part: ReferencePart;
  /** input is the exact text that was rejected. */
  readonly input: string;

  constructor(part: ReferencePart, input: string, message: string, options?: { cause?: unknown }) {
    super(part === 'digest' ? 'INVALID_DIGEST' : 'INVALID_REFERENCE', message, options);
    this.part = part;
    this.input = input;
  }
}

const MAX_QUOTED = 300;

/** quote renders untrusted text for an error message: JSON-escaped, and shortened when very long. */
export function quote(text: string): string {
  const shown = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  return JSON.stringify(shown);
}

/** referenceError builds the standard `invalid reference "<input>": <detail>` error. */
export function referenceError(part: ReferencePart, input: string, detail: string): ReferenceError {
  return new ReferenceError(part, input, `invalid reference ${quote(input)}: ${detail}`);
}
