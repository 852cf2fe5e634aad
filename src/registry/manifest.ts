import { PinError } from '../errors.js';
import type { PlatformDigest } from './types.js';
import {
  bareMediaType, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2, isKnownManifestMediaType, isSchema1MediaType, OCI_INDEX, OCI_MANIFEST,
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

/**
 * manifestMediaType decides the media type: the body's `mediaType` field wins, then the
 * Content-Type, then the shape (an OCI index or manifest may omit `mediaType`, image-spec
 * image-index.md). Schema1 and unknown types throw UNSUPPORTED_MEDIA_TYPE.
 */
export function manifestMediaType(json: ManifestJson, contentType: string | undefined, where: string): string {
  const fromBody = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const fromHeader = bareMediaType(contentType);
  const candidates = [fromBody, fromHeader];
  if (json.schemaVersion === 1 || candidates.some(isSchema1MediaType)) {
    throw new PinError('UNSUPPORTED_MEDIA_TYPE', `${where}: registry served a schema1 manifest, which has no stable digest; push the image with a v2 or OCI manifest`);
  }
  const known = candidates.find(isKnownManifestMediaType);
  if (known) return known;
  if (fromBody === undefined && Array.isArray(json.manifests)) return fromHeader === DOCKER_MANIFEST_LIST ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  if (fromBody === undefined && Array.isArray(json.layers)) {
    return json.config?.mediaType === 'application/vnd.docker.container.image.v1+json' ? DOCKER_MANIFEST_V2 : OCI_MANIFEST;
  }
  throw new PinError('UNSUPPORTED_MEDIA_TYPE', `${where}: unsupported manifest media type ${JSON.stringify(fromBody ?? fromHeader ?? 'none')}`);
}

/**
 * indexPlatforms lists `os/arch[/variant]` → digest for an index. Entries without a real
 * platform are skipped: BuildKit attestations use `unknown/unknown` and
 * `vnd.docker.reference.type` (moby/buildkit docs/attestations/attestation-storage.md).
 */
export function indexPlatforms(json: ManifestJson): PlatformDigest[] {
  const out: PlatformDigest[] = [];
  for (const entry of json.manifests ?? []) {
    const { os, architecture, variant } = entry.platform ?? {};
    if (!os || !architecture || typeof entry.digest !== 'string') continue;
    if (os === 'unknown' && architecture === 'unknown') continue;
    if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const platform = variant ? `${os}/${architecture}/${variant}` : `${os}/${architecture}`;
    out.push({ platform, digest: entry.digest, ...(entry.mediaType ? { mediaType: entry.mediaType } : {}) });
  }
  return out;
}
