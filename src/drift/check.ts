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
}

const GONE = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);

/** checkDrift re-resolves every locked tag with HEAD requests and classifies it. */
export async function checkDrift(lock: LockFile, registry: DriftRegistry, options: DriftOptions = {}): Promise<DriftReport> {
  const keep = globFilter(options.include, options.exclude);
  const entries = Object.entries(lock.images).filter(([key]) => keep(key)).sort(([a], [b]) => (a < b ? -1 : 1));
  const limit = pLimit(options.concurrency ?? 8);
  const items = await Promise.all(entries.map(([key, entry]) => limit(() => checkOne(key, entry, registry, options.explain ?? true, options.verify ?? false))));
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

async function checkOne(key: string, entry: LockEntry, registry: DriftRegistry, explain: boolean, verify: boolean): Promise<DriftItem> {
  const base: DriftItem = { reference: key, status: 'unchanged', lockedDigest: entry.digest, files: entry.files };
  let ref: ImageReference;
  let head: { digest: string; mediaType: string };
  try {
    ref = parseReference(key);
    head = verify ? await registry.resolve(ref) : await currentDigest(registry, ref);
  } catch (error) {
    const code = isPinError(error) ? error.code : 'UNKNOWN';
    return { ...base, status: GONE.has(code) ? 'vanished' : 'error', error: { code, message: errorMessage(error) } };
  }
  if (head.digest === entry.digest) return { ...base, currentDigest: head.digest, currentMediaType: head.mediaType };
  const moved: DriftItem = { ...base, status: 'moved', currentDigest: head.digest, currentMediaType: head.mediaType };
  await describeMove(moved, entry, ref, registry, explain);
  return moved;
}

async function describeMove(item: DriftItem, entry: LockEntry, ref: ImageReference, registry: DriftRegistry, explain: boolean): Promise<void> {
  const wasIndex = entry.platforms !== undefined || (entry.mediaType !== undefined && isIndexMediaType(entry.mediaType));
  const isIndex = isIndexMediaType(item.currentMediaType ?? '');
  if (wasIndex !== isIndex) item.kindChange = isIndex ? 'manifest-to-index' : 'index-to-manifest';
  if (isIndex) {
    const current = await registry.getManifest(ref, item.currentDigest!).catch(() => undefined);
    if (current) item.currentPlatforms = Object.fromEntries(indexPlatforms(current.json as ManifestJson).map((p) => [p.platform, p.digest]));
  }
  item.platformsChanged = changedPlatforms(entry.platforms, item.currentPlatforms);
  if (item.platformsChanged.length === 0) delete item.platformsChanged;
  if (explain) item.explanation = await explainMove(registry, ref, entry.digest, item.currentDigest!);
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
  const mediaType = moved ? item.currentMediaType : entry.mediaType;
  const platforms = moved ? item.currentPlatforms : entry.platforms;
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
