import { PinError } from '../errors.js';
import { quoteUntrusted } from '../sanitize.js';
import { isValidDigest } from './digest.js';
import { isPlatformComponent } from './platform.js';
import type { PlatformDigest } from './types.js';
import {
  bareMediaType, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2, isIndexMediaType, isKnownManifestMediaType, isSchema1MediaType, OCI_INDEX, OCI_MANIFEST,
} from './media-types.js';

/** ManifestJson is the part of a manifest or index this client reads. */
export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  manifests?: Array<{
    mediaType?: string;
    digest?: string;
    platform?: { os?: string; architecture?: string; variant?: string };
    annotations?: Record<string, string>;
  }>;
  layers?: unknown[];
  config?: { mediaType?: string };
  [key: string]: unknown;
}

/** parseManifestJson parses manifest bytes, naming the registry and reference when they are not a JSON object. */
export function parseManifestJson(bytes: Buffer, where: string): ManifestJson {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as ManifestJson;
  } catch {
    // fall through to the error below
  }
  throw new PinError('REGISTRY_ERROR', `${where}: manifest is not a JSON object`);
}

/** shapeOf says whether a manifest body is an index (`manifests`) or an image manifest (`layers`). */
function shapeOf(json: ManifestJson): 'index' | 'manifest' | undefined {
  if (Array.isArray(json.manifests) && !Array.isArray(json.layers)) return 'index';
  if (Array.isArray(json.layers) && !Array.isArray(json.manifests)) return 'manifest';
  return undefined;
}

/** typeForShape picks the media type of a shape, in the Docker or OCI family the header suggests. */
function typeForShape(json: ManifestJson, shape: 'index' | 'manifest', header: string | undefined): string {
  const docker = header === DOCKER_MANIFEST_LIST || header === DOCKER_MANIFEST_V2;
  if (shape === 'index') return docker ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  return json.config?.mediaType === 'application/vnd.docker.container.image.v1+json' || docker ? DOCKER_MANIFEST_V2 : OCI_MANIFEST;
}

/**
 * manifestMediaType decides the media type. The body decides the kind: its `mediaType` field
 * must agree with its shape (`manifests` = index, `layers` = manifest), and a Content-Type or a
 * missing `mediaType` never turns an index into a single manifest (image-spec image-index.md
 * lets an index omit `mediaType`). Schema1 and unknown types throw UNSUPPORTED_MEDIA_TYPE.
 */
export function manifestMediaType(json: ManifestJson, contentType: string | undefined, where: string): string {
  const fromBody = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const fromHeader = bareMediaType(contentType);
  const candidates = [fromBody, fromHeader];
  if (json.schemaVersion === 1 || candidates.some(isSchema1MediaType)) {
    throw new PinError('UNSUPPORTED_MEDIA_TYPE', `${where}: registry served a schema1 manifest, which has no stable digest; push the image with a v2 or OCI manifest`);
  }
  const shape = shapeOf(json);
  if (isKnownManifestMediaType(fromBody)) {
    if (shape && isIndexMediaType(fromBody) !== (shape === 'index')) {
      throw new PinError('INVALID_MANIFEST', `${where}: manifest declares mediaType ${fromBody} but its body is ${shape === 'index' ? 'an index (manifests[])' : 'an image manifest (layers[])'}`);
    }
    return fromBody!;
  }
  if (shape) return isKnownManifestMediaType(fromHeader) && isIndexMediaType(fromHeader) === (shape === 'index') ? fromHeader! : typeForShape(json, shape, fromHeader);
  const known = candidates.find(isKnownManifestMediaType);
  if (known) return known;
  throw new PinError('UNSUPPORTED_MEDIA_TYPE', `${where}: unsupported manifest media type ${quoteUntrusted(fromBody ?? fromHeader ?? 'none')}`);
}

/**
 * indexPlatforms lists `os/arch[/variant]` → digest for an index. Entries without a real
 * platform are skipped: BuildKit attestations use `unknown/unknown` and
 * `vnd.docker.reference.type` (moby/buildkit docs/attestations/attestation-storage.md).
 * Every entry is validated first: a digest that is not `sha256:`/`sha512:` hex of the right
 * length, or a platform part outside `[a-z0-9._-]`, makes the whole index INVALID_MANIFEST,
 * so a crafted entry never reaches output, the lock or a platform check.
 */
export function indexPlatforms(json: ManifestJson, where = 'index'): PlatformDigest[] {
  const entries: unknown = json.manifests ?? [];
  if (!Array.isArray(entries)) throw new PinError('INVALID_MANIFEST', `${where}: index "manifests" is not a list`);
  const out: PlatformDigest[] = [];
  entries.forEach((raw: unknown, i) => {
    const entry = validEntry(raw, `${where}: index entry manifests[${i}]`);
    if (!entry.platform) return;
    const { os, architecture, variant } = entry.platform;
    if (os === 'unknown' && architecture === 'unknown') return;
    if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return;
    const platform = variant ? `${os}/${architecture}/${variant}` : `${os}/${architecture}`;
    out.push({ platform, digest: entry.digest, ...(entry.mediaType ? { mediaType: entry.mediaType } : {}) });
  });
  return out;
}

interface ValidEntry {
  digest: string;
  mediaType?: string;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, unknown>;
}

/** validEntry checks one index descriptor's digest, media type and platform, naming the entry when it is bad. */
function validEntry(raw: unknown, what: string): ValidEntry {
  if (typeof raw !== 'object' || raw === null) throw new PinError('INVALID_MANIFEST', `${what} is not an object`);
  const e = raw as Record<string, unknown>;
  if (!isValidDigest(typeof e.digest === 'string' ? e.digest : undefined)) {
    throw new PinError('INVALID_MANIFEST', `${what} has an invalid digest ${quoteUntrusted(e.digest ?? 'none')} (want sha256:<64 hex> or sha512:<128 hex>)`);
  }
  const mediaType = typeof e.mediaType === 'string' && /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(e.mediaType) ? e.mediaType : undefined;
  const annotations = typeof e.annotations === 'object' && e.annotations !== null ? (e.annotations as Record<string, unknown>) : undefined;
  const out: ValidEntry = { digest: e.digest as string, ...(mediaType ? { mediaType } : {}), ...(annotations ? { annotations } : {}) };
  if (e.platform === undefined) return out;
  const p = (typeof e.platform === 'object' && e.platform !== null ? e.platform : {}) as Record<string, unknown>;
  for (const part of ['os', 'architecture', 'variant'] as const) {
    if (part === 'variant' && (p.variant === undefined || p.variant === '')) continue;
    if (!isPlatformComponent(p[part])) {
      throw new PinError('INVALID_MANIFEST', `${what} has an invalid platform ${part} ${quoteUntrusted(p[part] ?? 'none')} (want [a-z0-9._-])`);
    }
  }
  out.platform = { os: p.os as string, architecture: p.architecture as string, ...(p.variant ? { variant: p.variant as string } : {}) };
  return out;
}
