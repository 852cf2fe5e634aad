/**
 * ImageReference is a parsed, normalized container image reference with the
 * semantics of distribution/reference ParseNormalizedNamed. It is a value:
 * parse once, pass it around, never re-parse strings.
 */
export interface ImageReference {
  /** original is the exact text the reference was parsed from. */
  readonly original: string;
  /** domain is the registry host, normalized (`docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`). */
  readonly domain: string;
  /** path is the repository path inside the registry (`library/nginx`). */
  readonly path: string;
  /** name is `domain/path`. */
  readonly name: string;
  /** tag is the tag if one was written (no implicit `latest`). */
  readonly tag?: string;
  /** digest is `algo:hex` if one was written. */
  readonly digest?: string;
  /** familiarName is the shortest spelling Docker accepts (`nginx`, `user/app`, `ghcr.io/o/r`). */
  readonly familiarName: string;
  /** toString gives the fully qualified form: `domain/path[:tag][@digest]`. */
  toString(): string;
}
