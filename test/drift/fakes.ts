import { createHash } from 'node:crypto';
import type { DriftRegistry } from '../../src/drift/check.js';
import type { ManifestSource } from '../../src/drift/explain.js';
import { PinError } from '../../src/errors.js';
import { lockKey } from '../../src/pipeline/resolve.js';
import type { ImageReference } from '../../src/reference/types.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import type { ResolvedImage } from '../../src/registry/types.js';

/** digestOf is the sha256 digest of a string (a stand-in for content that is not stored). */
export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** FakeSource is an in-memory content store that answers like a registry client (no HTTP). */
export interface FakeSource extends ManifestSource {
  /** manifest stores a manifest (index when it has `manifests`) and returns its digest. */
  manifest(json: object, mediaType?: string): string;
  /** blob stores a JSON blob (an image config) and returns its digest. */
  blob(json: object): string;
  /** fail, when set, is thrown by every read. */
  fail?: Error;
  /** reads counts getManifest and getBlob calls. */
  reads: string[];
  /** peek returns a stored manifest without counting a read. */
  peek(digest: string): { mediaType: string; json: unknown } | undefined;
}

/** fakeSource returns an empty FakeSource; unknown digests answer MANIFEST_UNKNOWN / BLOB_UNKNOWN-style errors. */
export function fakeSource(): FakeSource {
  const manifests = new Map<string, { mediaType: string; json: unknown }>();
  const blobs = new Map<string, Uint8Array>();
  const source: FakeSource = {
    reads: [],
    peek: (digest) => manifests.get(digest),
    manifest(json, mediaType) {
      const text = JSON.stringify(json);
      const digest = digestOf(text);
      manifests.set(digest, { mediaType: mediaType ?? ('manifests' in json ? OCI_INDEX : OCI_MANIFEST), json: JSON.parse(text) });
      return digest;
    },
    blob(json) {
      const bytes = Buffer.from(JSON.stringify(json));
      const digest = digestOf(bytes.toString());
      blobs.set(digest, bytes);
      return digest;
    },
    async getManifest(ref: ImageReference, reference: string) {
      source.reads.push(`manifest ${reference}`);
      if (source.fail) throw source.fail;
      const found = manifests.get(reference);
      if (!found) throw new PinError('MANIFEST_UNKNOWN', `${ref.toString()}: manifest ${reference} unknown`);
      return { digest: reference, ...found };
    },
    async getBlob(ref: ImageReference, digest: string) {
      source.reads.push(`blob ${digest}`);
      if (source.fail) throw source.fail;
      const found = blobs.get(digest);
      if (!found) throw new PinError('REGISTRY_ERROR', `${ref.toString()}: blob ${digest} unknown`);
      return found;
    },
  };
  return source;
}

/** TagState is what the fake registry answers for one tag: a stored manifest digest, or an error. */
export type TagState = { digest: string; headWithoutDigest?: boolean } | { error: PinError };

/** FakeRegistry is a FakeSource with tags, good enough for checkDrift. */
export interface FakeRegistry extends FakeSource, DriftRegistry {
  /** tags maps lock keys (`registry/repo:tag`) to what HEAD answers. */
  tags: Map<string, TagState>;
  /** heads lists the lock keys that were HEADed, resolves those that fell back to GET. */
  heads: string[];
  resolves: string[];
}

/** fakeRegistry returns an empty FakeRegistry. */
export function fakeRegistry(): FakeRegistry {
  const source = fakeSource();
  const registry = source as FakeRegistry;
  registry.tags = new Map();
  registry.heads = [];
  registry.resolves = [];
  const lookup = (ref: ImageReference): { digest: string; mediaType: string; headWithoutDigest?: boolean } => {
    const state = registry.tags.get(lockKey(ref));
    if (!state) throw new PinError('MANIFEST_UNKNOWN', `${ref.toString()}: tag unknown`);
    if ('error' in state) throw state.error;
    const stored = registry.peek(state.digest);
    if (!stored) throw new Error(`fake: ${state.digest} is not stored`);
    return { ...state, mediaType: stored.mediaType };
  };
  registry.headManifest = async (ref) => {
    registry.heads.push(lockKey(ref));
    const found = lookup(ref);
    return found.headWithoutDigest ? {} : { digest: found.digest, mediaType: found.mediaType };
  };
  registry.resolve = async (ref): Promise<ResolvedImage> => {
    registry.resolves.push(lockKey(ref));
    const { digest, mediaType } = lookup(ref);
    return { digest, mediaType };
  };
  return registry;
}
