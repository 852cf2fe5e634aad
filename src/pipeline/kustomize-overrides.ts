import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseReference } from '../reference/index.js';
import type { Occurrence } from '../finders/types.js';

/** OverridableFile is the part of a scanned file this step reads (structural, so scan.ts and this module do not import each other). */
export interface OverridableFile {
  file: string;
  display: string;
  readonly text: string;
  occurrences: Occurrence[];
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

interface Kustomization {
  file: string;
  dir: string;
  imageNames: string[];
  resources: string[];
}

/**
 * skipKustomizeOverridden marks resource images that a kustomization's
 * `images[].name` replaces at build time (e.g. `image: api` in a base whose
 * overlay sets `newName`/`newTag`): they are placeholders, not what the
 * cluster pulls. Pinning them would resolve the wrong image, so they become
 * `skipped` with a reason naming the kustomization; the kustomization's own
 * `images[]` entry is what gets pinned.
 */
export function skipKustomizeOverridden(scanned: OverridableFile[]): void {
  const byPath = new Map(scanned.map((f) => [f.file, f]));
  // Only kustomization files' texts are read (the others may not be held in memory).
  const kustomizations = scanned.filter((f) => isKustomizationFile(f.file)).map((f) => readKustomization(f.file, f.text)).filter((k): k is Kustomization => k !== undefined);
  for (const k of kustomizations) {
    if (k.imageNames.length === 0) continue;
    for (const file of resourceFiles(k, new Set())) {
      const target = byPath.get(file);
      if (target) markOverridden(target, k, byPath.get(k.file)!.display);
    }
  }
}

function markOverridden(target: OverridableFile, k: Kustomization, display: string): void {
  for (const o of target.occurrences) {
    if (o.finder === 'kustomize' || o.status === 'skipped' || !o.ref) continue;
    const name = k.imageNames.find((n) => matchesImageName(n, o.span.raw));
    if (name === undefined) continue;
    o.status = 'skipped';
    o.skipReason = `kustomize-images: replaced by images[] name "${name}" in ${display}`;
  }
}

/** matchesImageName mirrors kustomize's images transformer: the name part (without tag/digest) equals `name`. */
export function matchesImageName(name: string, image: string): boolean {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const bare = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  if (bare === name) return true;
  try {
    return parseReference(bare).name === parseReference(name).name;
  } catch {
    return false;
  }
}

/** isKustomizationFile: kustomize reads `kustomization.yaml`, `kustomization.yml` or `Kustomization` in a directory. */
export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILES.includes(path.basename(file));
}

function readKustomization(file: string, text: string): Kustomization | undefined {
  if (!isKustomizationFile(file)) return undefined;
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const imageNames = list(d.images).flatMap((i) => (typeof (i as { name?: unknown })?.name === 'string' ? [(i as { name: string }).name] : []));
  const resources = [...list(d.resources), ...list(d.bases), ...list(d.components)].filter(
    (r): r is string => typeof r === 'string' && !/^[a-z]+:\/\/|^git@|^github\.com\//.test(r),
  );
  return { file, dir: path.dirname(file), imageNames, resources };
}

/** resourceFiles lists the local files a kustomization builds from, following directories' kustomizations. */
function resourceFiles(k: Kustomization, seen: Set<string>): string[] {
  if (seen.has(k.file)) return [];
  seen.add(k.file);
  const out: string[] = [];
  for (const entry of k.resources) {
    const abs = path.resolve(k.dir, entry);
    if (!existsSync(abs)) continue;
    if (!statSync(abs).isDirectory()) {
      out.push(abs);
      continue;
    }
    const nested = KUSTOMIZATION_FILES.map((n) => path.join(abs, n)).find((f) => existsSync(f));
    const child = nested && readKustomization(nested, readFileSync(nested, 'utf8'));
    if (child) out.push(...resourceFiles(child, seen));
  }
  return out;
}
