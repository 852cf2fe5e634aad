import { familiarName } from './normalize.js';
import type { ImageReference } from './types.js';

/** ReferenceParts are the normalized pieces an ImageReference is built from. */
export interface ReferenceParts {
  original: string;
  domain: string;
  path: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

/**
 * NormalizedReference is the immutable ImageReference value parseReference
 * returns. All fields are own properties, so it compares with deep equality
 * and serializes with JSON.stringify.
 */
export class NormalizedReference implements ImageReference {
  readonly original: string;
  readonly domain: string;
  readonly path: string;
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly familiarName: string;

  constructor(parts: ReferenceParts) {
    this.original = parts.original;
    this.domain = parts.domain;
    this.path = parts.path;
    this.name = `${parts.domain}/${parts.path}`;
    if (parts.tag !== undefined) this.tag = parts.tag;
    if (parts.digest !== undefined) this.digest = parts.digest;
    this.familiarName = familiarName(parts.domain, parts.path);
    Object.freeze(this);
  }

  /** toString gives the fully qualified form `domain/path[:tag][@digest]`. */
  toString(): string {
    return this.name + suffix(this.tag, this.digest);
  }
}

/** suffix renders the `[:tag][@digest]` tail of a reference. */
export function suffix(tag: string | undefined, digest: string | undefined): string {
  return (tag === undefined ? '' : `:${tag}`) + (digest === undefined ? '' : `@${digest}`);
}
