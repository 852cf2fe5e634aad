// Manifest media types the client asks for and understands.
// OCI image-spec media-types.md; Docker image manifest v2 schema 2.

/** OCI_INDEX is the OCI image index media type (multi-platform). */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI_MANIFEST is the OCI image manifest media type (single platform). */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** DOCKER_MANIFEST_LIST is the Docker manifest list v2 media type (multi-platform). */
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** DOCKER_MANIFEST_V2 is the Docker image manifest v2 schema 2 media type. */
export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
/** DOCKER_MANIFEST_V1_SIGNED is the legacy schema1 type; never requested, rejected when served. */
export const DOCKER_MANIFEST_V1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
/** DOCKER_MANIFEST_V1 is the unsigned legacy schema1 type; never requested, rejected when served. */
export const DOCKER_MANIFEST_V1 = 'application/vnd.docker.distribution.manifest.v1+json';

/** MANIFEST_MEDIA_TYPES lists the manifest types we accept, indexes first. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2];

/**
 * MANIFEST_ACCEPT is the Accept header sent on every manifest request. All four types are
 * always sent together: without them a registry converts schema2 to schema1 (another
 * digest) or picks one platform out of a list (see FACTS.md).
 */
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

/** isIndexMediaType reports whether a media type is a multi-platform index or list. */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

/** isKnownManifestMediaType reports whether a media type is one of the four we accept. */
export function isKnownManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && MANIFEST_MEDIA_TYPES.includes(mediaType);
}

/** isSchema1MediaType reports whether a media type is a legacy schema1 manifest. */
export function isSchema1MediaType(mediaType: string | undefined): boolean {
  return mediaType === DOCKER_MANIFEST_V1_SIGNED || mediaType === DOCKER_MANIFEST_V1;
}

/** bareMediaType strips parameters and whitespace from a Content-Type value. */
export function bareMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const bare = contentType.split(';')[0]?.trim().toLowerCase();
  return bare ? bare : undefined;
}
