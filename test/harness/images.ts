import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sha256 } from './http.js';
import type { ImageKind, ImageLabels } from './types.js';

/** MEDIA_TYPES names every media type the builders emit. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** Blob is content-addressed bytes to upload. */
export interface Blob {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

/** BuiltManifest is a manifest's exact bytes, the blobs it needs and, for an index or list, its children. */
export interface BuiltManifest extends Blob {
  blobs: Blob[];
  children: BuiltManifest[];
  /** `os/arch[/variant]` of a platform-specific manifest. */
  platform?: string;
}

interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** blob makes a Blob from bytes. */
function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), bytes };
}

/** descriptor is the OCI/Docker descriptor of a blob or manifest. */
function descriptor(b: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: b.mediaType, digest: b.digest, size: b.bytes.length };
}

/** tarOneFile builds a POSIX ustar archive holding one small file (a real layer, so tools that unpack it work). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'ascii');
  field(0, 100, name);
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, `${content.length.toString(8).padStart(11, '0')}\0`);
  field(136, 12, '00000000000\0');
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 8, 'ustar\x0000');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

/** labelMap turns ImageLabels into org.opencontainers.image.* keys. */
export function labelMap(labels: ImageLabels): Record<string, string> {
  return {
    'org.opencontainers.image.version': labels.version,
    'org.opencontainers.image.revision': labels.revision,
    'org.opencontainers.image.created': labels.created,
  };
}

/** platformString renders `os/arch[/variant]`. */
function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined).join('/');
}

/** buildImageManifest builds a single-platform image: a random one-file layer, a config with Labels, and the manifest. */
function buildImageManifest(oci: boolean, platform: Platform, labels: ImageLabels): BuiltManifest {
  const tar = tarOneFile('digestpin-seed.txt', Buffer.from(`${randomBytes(16).toString('hex')}\n`));
  const layer = blob(oci ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer, gzipSync(tar));
  const config = blob(oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig, Buffer.from(JSON.stringify({
    ...platform,
    created: labels.created,
    config: { Labels: labelMap(labels), Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created: labels.created, created_by: 'digestpin test harness' }],
  })));
  const mediaType = oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: descriptor(config),
    layers: [descriptor(layer)],
    ...(oci ? { annotations: labelMap(labels) } : {}),
  };
  return { ...blob(mediaType, Buffer.from(JSON.stringify(manifest))), blobs: [config, layer], children: [],
    platform: platformString(platform) };
}

/** buildIndex builds an OCI index or Docker list over linux/amd64 and linux/arm64 (Docker: variant v8). */
function buildIndex(oci: boolean, labels: ImageLabels): BuiltManifest {
  const platforms: Platform[] = [
    { os: 'linux', architecture: 'amd64' },
    oci ? { os: 'linux', architecture: 'arm64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  const children = platforms.map((p) => buildImageManifest(oci, p, labels));
  const mediaType = oci ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList;
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c, i) => ({ ...descriptor(c), platform: platforms[i] })),
    ...(oci ? { annotations: labelMap(labels) } : {}),
  };
  return { ...blob(mediaType, Buffer.from(JSON.stringify(index))), blobs: [], children };
}

/** buildImage builds the exact bytes of a fresh image of the given kind; every call yields new digests. */
export function buildImage(kind: ImageKind, labels: ImageLabels): BuiltManifest {
  switch (kind) {
    case 'oci-manifest': return buildImageManifest(true, { os: 'linux', architecture: 'amd64' }, labels);
    case 'docker-manifest': return buildImageManifest(false, { os: 'linux', architecture: 'amd64' }, labels);
    case 'oci-index': return buildIndex(true, labels);
    case 'docker-list': return buildIndex(false, labels);
  }
}
