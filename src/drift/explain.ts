import type { ImageReference } from '../reference/types.js';
import { stripControl } from '../sanitize.js';
import type { DriftExplanation, ImageProvenance } from './types.js';

/** ManifestSource is the part of the registry client the explanation needs. */
export interface ManifestSource {
  getManifest(ref: ImageReference, reference: string): Promise<{ digest: string; mediaType: string; json: unknown }>;
  getBlob(ref: ImageReference, digest: string, maxBytes?: number): Promise<Uint8Array>;
}

const KEYS = { version: 'org.opencontainers.image.version', revision: 'org.opencontainers.image.revision', created: 'org.opencontainers.image.created', source: 'org.opencontainers.image.source' } as const;
const CONFIG_LIMIT = 1024 * 1024;

/**
 * readProvenance collects version/revision/created for a manifest digest:
 * index or manifest annotations first, then the image config's labels (of the
 * linux/amd64 child, or the first real child, for an index).
 */
export async function readProvenance(source: ManifestSource, ref: ImageReference, digest: string): Promise<ImageProvenance> {
  const top = await source.getManifest(ref, digest);
  const found: ImageProvenance = pick(annotations(top.json));
  let manifest = top.json;
  const child = pickChild(top.json);
  if (child) {
    const inner = await source.getManifest(ref, child);
    manifest = inner.json;
    fill(found, pick(annotations(inner.json)));
  }
  const configDigest = (manifest as { config?: { digest?: unknown } })?.config?.digest;
  if (typeof configDigest === 'string') {
    const config = JSON.parse(Buffer.from(await source.getBlob(ref, configDigest, CONFIG_LIMIT)).toString('utf8')) as { config?: { Labels?: unknown }; created?: unknown };
    fill(found, pick(config.config?.Labels));
    if (!found.created && typeof config.created === 'string') found.created = stripControl(config.created);
  }
  return found;
}

/** explainMove compares old and new provenance and writes a one-line summary. */
export async function explainMove(source: ManifestSource, ref: ImageReference, oldDigest: string, newDigest: string): Promise<DriftExplanation> {
  const next = await readProvenance(source, ref, newDigest).catch(() => undefined);
  const old = await readProvenance(source, ref, oldDigest).catch(() => undefined);
  return { summary: summarize(old, next), old, new: next, oldAvailable: old !== undefined };
}

/** summarize renders the difference between two provenances as one line. */
export function summarize(old: ImageProvenance | undefined, next: ImageProvenance | undefined): string {
  if (!next) return 'new manifest could not be read';
  const parts: string[] = [];
  for (const key of ['version', 'created', 'revision'] as const) {
    const a = old?.[key];
    const b = next[key];
    const show = (v: string | undefined) => (v === undefined ? '?' : key === 'revision' ? v.slice(0, 12) : v);
    if (!old) {
      if (b !== undefined) parts.push(`${key} ${show(b)}`);
    } else if (a !== b) parts.push(`${key} ${show(a)} → ${show(b)}`);
  }
  if (parts.length === 0) return old ? 'rebuilt: same version, created and revision labels (content differs)' : 'no org.opencontainers.image.* metadata on the new image';
  const prefix = !old ? 'old digest no longer in the registry; new' : old.version !== next.version ? 'new version' : 'rebuilt';
  return `${prefix}: ${parts.join(', ')}`;
}

function annotations(json: unknown): unknown {
  return (json as { annotations?: unknown })?.annotations;
}

function pick(labels: unknown): ImageProvenance {
  const out: ImageProvenance = {};
  if (typeof labels !== 'object' || labels === null) return out;
  const map = labels as Record<string, unknown>;
  for (const [field, key] of Object.entries(KEYS)) {
    const value = map[key];
    // Labels are untrusted: their control characters never reach reports, PR bodies or commits.
    if (typeof value === 'string' && stripControl(value) !== '') out[field as keyof ImageProvenance] = stripControl(value);
  }
  return out;
}

function fill(target: ImageProvenance, extra: ImageProvenance): void {
  for (const [k, v] of Object.entries(extra)) target[k as keyof ImageProvenance] ??= v;
}

function pickChild(json: unknown): string | undefined {
  const manifests = (json as { manifests?: Array<{ digest?: string; platform?: { os?: string; architecture?: string } }> })?.manifests;
  if (!Array.isArray(manifests)) return undefined;
  const real = manifests.filter((m) => m.platform?.os !== 'unknown' && typeof m.digest === 'string');
  const amd64 = real.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64');
  return (amd64 ?? real[0])?.digest;
}
