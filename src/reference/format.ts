import { validateDigest } from './digest.js';
import { NormalizedReference, suffix } from './image-reference.js';
import { parseReference } from './parse.js';
import type { ImageReference } from './types.js';

/** PinnedTextOptions tune pinnedText. */
export interface PinnedTextOptions {
  /** digestOnly drops the tag (`nginx@sha256:…`); by default it is kept (`nginx:1.25@sha256:…`). */
  digestOnly?: boolean;
}

/**
 * withDigest returns a new reference to the same repository pinned to
 * `digest`, replacing any digest it had and keeping the tag only when
 * `keepTag` is set. Its `original` is the source's spelling with the same
 * change applied (see pinnedText), so it is still the user's text. Throws an
 * INVALID_DIGEST ReferenceError for a malformed digest.
 */
export function withDigest(ref: ImageReference, digest: string, options: { keepTag: boolean }): ImageReference {
  validateDigest(digest);
  return new NormalizedReference({
    original: spliceDigest(ref.original, options.keepTag ? undefined : ref.tag, digest),
    domain: ref.domain,
    path: ref.path,
    tag: options.keepTag ? ref.tag : undefined,
    digest,
  });
}

/**
 * pinnedText returns the user's own spelling of a reference with `@digest`
 * set: an existing digest (even a malformed one) is replaced, the tag is kept
 * unless `digestOnly`, and the name is never normalized (`nginx` stays
 * `nginx`, `registry:5000/alpine` keeps its port). Pinning already-pinned
 * text with the same digest returns it unchanged. Throws a ReferenceError if
 * the name or tag is invalid, or the new digest is.
 */
export function pinnedText(raw: string, digest: string, options: PinnedTextOptions = {}): string {
  validateDigest(digest);
  const at = raw.indexOf('@');
  const base = at < 0 ? raw : raw.slice(0, at);
  // Validates the name and tag, and finds the tag the way the parser does
  // (after the last "/", so a registry port is never mistaken for one).
  const ref = parseReference(base);
  return spliceDigest(base, options.digestOnly ? ref.tag : undefined, digest);
}

/** familiarString renders a reference the way Docker shows it: `nginx:1.25`, `user/app@sha256:…`, `ghcr.io/o/r:v1`. */
export function familiarString(ref: ImageReference): string {
  return ref.familiarName + suffix(ref.tag, ref.digest);
}

/** spliceDigest drops any `@digest` from `text`, removes `:dropTag` from its end if given, and appends `@digest`. */
function spliceDigest(text: string, dropTag: string | undefined, digest: string): string {
  const at = text.indexOf('@');
  let base = at < 0 ? text : text.slice(0, at);
  if (dropTag !== undefined && base.endsWith(`:${dropTag}`)) {
    base = base.slice(0, base.length - dropTag.length - 1);
  }
  return `${base}@${digest}`;
}
