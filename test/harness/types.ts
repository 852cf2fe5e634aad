import type { TokenServerInfo } from './token-server.js';

/** RegistryMode is how a harness registry authenticates: not at all, Basic (htpasswd over TLS), or bearer tokens (TLS). */
export type RegistryMode = 'anonymous' | 'htpasswd' | 'token';

/** RegistryInfo is the JSON-serialisable description of a running registry; seed and http helpers only need this. */
export interface RegistryInfo {
  mode: RegistryMode;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:PORT` (anonymous) or `https://127.0.0.1:PORT`. */
  url: string;
  /** PEM of the CA that signed the TLS certificate (TLS modes only). */
  caPem?: string;
  /** Path of that CA; alone in its directory, so `dirname(caFile)` works as skopeo's `--cert-dir`. */
  caFile?: string;
  /** username -> password; the first user is the one the seeder pushes as. */
  users: Record<string, string>;
  /** The token issuer (token mode only). */
  tokenServer?: TokenServerInfo;
}

/** ImageKind is the manifest type a seed pushes. */
export type ImageKind = 'oci-manifest' | 'docker-manifest' | 'oci-index' | 'docker-list';

/** ImageLabels are the OCI annotation values put in config Labels (and OCI annotations) of a seed. */
export interface ImageLabels {
  /** org.opencontainers.image.version; defaults to the tag. */
  version: string;
  /** org.opencontainers.image.revision; defaults to 40 random hex digits. */
  revision: string;
  /** org.opencontainers.image.created; defaults to now (RFC 3339, seconds). */
  created: string;
}

/** PlatformChild is one entry of a seeded index or list. */
export interface PlatformChild {
  /** `os/arch[/variant]`, e.g. `linux/arm64/v8`. */
  platform: string;
  digest: string;
}

/** SeededImageInfo describes a pushed tag and the digest the registry must serve for it. */
export interface SeededImageInfo {
  repository: string;
  tag: string;
  kind: ImageKind;
  digest: string;
  mediaType: string;
  labels: ImageLabels;
  platforms?: PlatformChild[];
}

/** SeededImage is a SeededImageInfo plus the exact manifest bytes pushed. */
export interface SeededImage extends SeededImageInfo {
  bytes: Buffer;
}
