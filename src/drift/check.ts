import pLimit from 'p-limit';
import { errorMessage, isPinError } from '../errors.js';
import type { LockEntry, LockFile } from '../lock/schema.js';
import { globFilter } from '../pipeline/glob-filter.js';
import { parseReference } from '../reference/index.js';
import type { ImageReference } from '../reference/types.js';
import { indexPlatforms, type ManifestJson } from '../registry/manifest.js';
import { isIndexMediaType } from '../registry/media-types.js';
import { missingPlatforms } from '../registry/require-platforms.js';
import type { ResolvedImage } from '../registry/types.js';
import { explainMove, type ManifestSource } from './explain.js';
import type { DriftItem, DriftReport } from './types.js';

/** DriftRegistry is the part of the registry client drift needs: HEAD first, GET only to explain. */
export interface DriftRegistry extends ManifestSource {
  headManifest(ref: ImageReference): Promise<{ digest?: string; mediaType?: string }>;
  resolve(ref: ImageReference): Promise<ResolvedImage>;
}

/** DriftOptions filter and tune a drift check. */
export interface DriftOptions {
  include?: string[];
  exclude?: string[];
  concurrency?: number;
  /** explain fetches manifests/configs of moved tags to say why they moved (default true). */
  explain?: boolean;
  /** requirePlatforms turns tags whose image is not an index with these platforms into errors. */
  requirePlatforms?: string[];
  /** verify resolves by GET and hash instead of HEAD (see RegistryClientOptions.verifyDigests). */
  verify?: boolean;
  /**
   * verifyMoved GETs every moved tag's new manifest by the digest HEAD gave and hashes it, as
   * `pin` does for an index, and takes its kind and platforms from the body; a digest the
   * registry cannot serve makes the entry an error (set for `--update-lock` and `--require-platforms`).
   */
  verifyMoved?: boolean;
}

/** FINDINGS are error codes that are a finding about the image, not a check that could not be made. */
const FINDINGS = new Set(['PLATFORM_MISSING']);

/** notCheckedCount counts the references whose check could not be made (network, auth, bad answers). */
export function notCheckedCount(report: Pick<DriftReport, 'errors'>): number {
  return report.errors.filter((e) => !FINDINGS.has(e.code)).length;
}

const GONE = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);

/** checkDrift re-resolves every locked tag with HEAD requests and classifies it. */
export async function checkDrift(lock: LockFile, registry: DriftRegistry, options: DriftOptions = {}): Promise<DriftReport> {
  const keep = globFilter(options.include, options.exclude);
  const entries = Object.entries(lock.images).filter(([key]) => keep(key)).sort(([a], [b]) => (a < b ? -1 : 1));
  const limit = pLimit(options.concurrency ?? 8);
  const how = { explain: options.explain ?? true, verify: options.verify ?? false, verifyMoved: options.verifyMoved ?? false, readPlatforms: options.requirePlatforms !== undefined };
  const items = await Promise.all(entries.map(([key, entry]) => limit(() => checkOne(key, entry, registry, how))));
  if (options.requirePlatforms) for (const item of items) checkPlatforms(item, lock.images[item.reference]!, options.requirePlatforms);
  return {
    checked: items.length,
    unchanged: items.filter((i) => i.status === 'unchanged').length,
    moved: items.filter((i) => i.status === 'moved'),
    vanished: items.filter((i) => i.status === 'vanished'),
    errors: items.filter((i) => i.status === 'error').map((i) => ({ reference: i.reference, code: i.error!.code, message: i.error!.message, files: i.files })),
    items,
  };
}

interface CheckHow {
  explain: boolean;
  verify: boolean;
  verifyMoved: boolean;
  /** readPlatforms: platforms matter (--require-platforms), so an entry locked without them is read from the body. */
  readPlatforms: boolean;
}

async function checkOne(key: string, entry: LockEntry, registry: DriftRegistry, how: CheckHow): Promise<DriftItem> {
  const base: DriftItem = { reference: key, status: 'unchanged', lockedDigest: entry.digest, files: entry.files };
  let ref: ImageReference;
  let head: { digest: string; mediaType: string };
  try {
    ref = parseReference(key);
    head = how.verify ? await registry.resolve(ref) : await currentDigest(registry, ref);
  } catch (error) {
    const code = isPinError(error) ? error.code : 'UNKNOWN';
    return { ...base, status: GONE.has(code) ? 'vanished' : 'error', error: { code, message: errorMessage(error) } };
  }
  if (head.digest === entry.digest) {
    const unchanged: DriftItem = { ...base, currentDigest: head.digest, currentMediaType: head.mediaType };
    if (!how.readPlatforms || entry.platforms !== undefined) return unchanged;
    // Locked without platforms, perhaps from a HEAD whose Content-Type hid an index: the body decides.
    try {
      const body = await registry.getManifest(ref, head.digest);
      unchanged.currentMediaType = body.mediaType;
      if (isIndexMediaType(body.mediaType)) unchanged.currentPlatforms = platformMap(body.json as ManifestJson, ref);
    } catch (error) {
      return { ...base, status: 'error', error: { code: isPinError(error) ? error.code : 'UNKNOWN', message: `${key}: reading its platforms failed: ${errorMessage(error)}` } };
    }
    return unchanged;
  }
  const moved: DriftItem = { ...base, status: 'moved', currentDigest: head.digest, currentMediaType: head.mediaType };
  try {
    await describeMove(moved, entry, ref, registry, how);
  } catch (error) {
    // The new digest could not be fetched and verified, or its index is malformed: not a move to record.
    const code = isPinError(error) ? error.code : 'UNKNOWN';
    return { ...base, status: 'error', currentDigest: head.digest, error: { code, message: `${key}: the registry says it moved to ${head.digest}, but that manifest could not be verified: ${errorMessage(error)}` } };
  }
  return moved;
}

async function describeMove(item: DriftItem, entry: LockEntry, ref: ImageReference, registry: DriftRegistry, how: CheckHow): Promise<void> {
  if (how.verifyMoved || isIndexMediaType(item.currentMediaType ?? '')) {
    // verifyMoved: GET by digest hashes the bytes (a failure throws); otherwise only an index is read, best effort.
    const current = how.verifyMoved ? await registry.getManifest(ref, item.currentDigest!) : await registry.getManifest(ref, item.currentDigest!).catch(() => undefined);
    if (current && how.verifyMoved) item.currentMediaType = current.mediaType;
    if (current && isIndexMediaType(current.mediaType)) item.currentPlatforms = platformMap(current.json as ManifestJson, ref);
  }
  const wasIndex = entry.platforms !== undefined || (entry.mediaType !== undefined && isIndexMediaType(entry.mediaType));
  const isIndex = isIndexMediaType(item.currentMediaType ?? '');
  if (wasIndex !== isIndex) item.kindChange = isIndex ? 'manifest-to-index' : 'index-to-manifest';
  item.platformsChanged = changedPlatforms(entry.platforms, item.currentPlatforms);
  if (item.platformsChanged.length === 0) delete item.platformsChanged;
  if (how.explain) item.explanation = await explainMove(registry, ref, entry.digest, item.currentDigest!);
}

/** platformMap validates an index body and maps `os/arch[/variant]` to child digests. */
function platformMap(json: ManifestJson, ref: ImageReference): Record<string, string> {
  return Object.fromEntries(indexPlatforms(json, `registry ${ref.domain}: ${ref.toString()}`).map((p) => [p.platform, p.digest]));
}

/** currentDigest asks with HEAD only; a registry that sends no digest on HEAD gets the crane-style GET fallback. */
async function currentDigest(registry: DriftRegistry, ref: ImageReference): Promise<{ digest: string; mediaType: string }> {
  const head = await registry.headManifest(ref);
  if (head.digest && head.mediaType) return { digest: head.digest, mediaType: head.mediaType };
  const resolved = await registry.resolve(ref);
  return { digest: resolved.digest, mediaType: resolved.mediaType };
}

/** checkPlatforms marks an unchanged or moved tag as an error when its image lacks required platforms. */
function checkPlatforms(item: DriftItem, entry: LockEntry, required: string[]): void {
  if (item.status !== 'unchanged' && item.status !== 'moved') return;
  const moved = item.status === 'moved';
  const mediaType = moved ? item.currentMediaType : entry.mediaType ?? item.currentMediaType;
  const platforms = moved ? item.currentPlatforms : entry.platforms ?? item.currentPlatforms;
  const problem = missingPlatforms(required, mediaType, platforms);
  if (!problem) return;
  item.status = 'error';
  item.error = { code: 'PLATFORM_MISSING', message: `${item.reference} ${problem}${moved ? ` (it moved ${entry.digest.slice(7, 19)} → ${item.currentDigest?.slice(7, 19)})` : ''}` };
}

/** changedPlatforms lists platforms whose digest differs, appeared or disappeared. */
export function changedPlatforms(before: Record<string, string> | undefined, after: Record<string, string> | undefined): string[] {
  const all = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...all].filter((p) => before?.[p] !== after?.[p]).sort();
}
