import type { ImageReference } from '../reference/types.js';

// The Resolver contract sits below both registry/ (which implements it over HTTP) and
// lock/ (which implements it from the lock for --frozen), so neither depends on the other.

/** PlatformDigest is one entry of an image index: `os/arch[/variant]` and its manifest digest. */
export interface PlatformDigest {
  platform: string;
  digest: string;
  mediaType?: string;
}

/** ResolvedImage is what the registry says a reference points to right now. */
export interface ResolvedImage {
  /** digest is the verified `sha256:…` digest of the top-level manifest (the index for multi-arch). */
  digest: string;
  /** mediaType is the manifest's media type. */
  mediaType: string;
  /** platforms lists per-platform digests when the manifest is an index / manifest list. */
  platforms?: PlatformDigest[];
}

/** ResolveOptions say what a caller needs beyond the digest. */
export interface ResolveOptions {
  /**
   * platforms: the caller needs the manifest's kind and platform list, so it is read from the
   * body (GET by digest) rather than taken from a HEAD's Content-Type, which a registry may get wrong.
   */
  platforms?: boolean;
}

/** Resolver turns an image reference into the digest it currently points to. */
export interface Resolver {
  /** resolve asks for the current digest of `ref` (by tag, or verifies `ref.digest`). */
  resolve(ref: ImageReference, options?: ResolveOptions): Promise<ResolvedImage>;
}

/** lockKey is the lock / dedupe key of a reference: `registry/repo:tag` (a tagless reference means `latest`). */
export function lockKey(ref: ImageReference): string {
  // Parsed references are frozen and shared by every occurrence of the same text: build each
  // one's key once instead of one string per occurrence (50k for a 10,000-file tree).
  const cached = keys.get(ref);
  if (cached !== undefined) return cached;
  const key = `${ref.name}:${ref.tag ?? 'latest'}`;
  if (Object.isFrozen(ref)) keys.set(ref, key);
  return key;
}

const keys = new WeakMap<ImageReference, string>();
