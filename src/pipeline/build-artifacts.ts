import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { baseName } from '../finders/file-kind.js';
import { textInMemory } from './file-text.js';
import { matchesImageName } from './kustomize-overrides.js';
import type { ScannedFile } from './scan.js';

// Build tools replace the images they build: skaffold rewrites every manifest reference whose
// name equals a `build.artifacts[].image` (https://skaffold.dev/docs/references/yaml/), Tilt
// does the same for `docker_build('NAME', …)` / `custom_build('NAME', …)` in a Tiltfile
// (https://docs.tilt.dev/api.html#api.docker_build). Such references are build outputs, not
// registry images: resolving `NAME` against Docker Hub would pin the wrong image.

/** BuildDeclaration is one tool file's artifact names and the directory whose manifests it deploys. */
interface BuildDeclaration {
  display: string;
  dir: string;
  images: string[];
  reason: 'skaffold-artifact' | 'tilt-build';
}

/** isSkaffoldConfig: `skaffold.yaml` / `skaffold.yml`, or YAML declaring `apiVersion: skaffold/…`. */
export function isSkaffoldConfig(file: string, text: string): boolean {
  return /^skaffold\.ya?ml$/i.test(baseName(file)) || /^apiVersion:[ \t]*["']?skaffold\/v/m.test(text);
}

/** skaffoldImages lists `build.artifacts[].image` of every document and profile of a skaffold config. */
export function skaffoldImages(text: string): string[] {
  const images: string[] = [];
  const fromBuild = (build: unknown): void => {
    const artifacts = (build as { artifacts?: unknown } | undefined)?.artifacts;
    if (!Array.isArray(artifacts)) return;
    for (const a of artifacts) if (typeof (a as { image?: unknown })?.image === 'string') images.push((a as { image: string }).image);
  };
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) continue;
    let config: { build?: unknown; profiles?: unknown } | null;
    try {
      config = doc.toJS({ maxAliasCount: 100 }) as typeof config;
    } catch {
      continue; // an alias bomb is not a skaffold config worth reading
    }
    if (!config || typeof config !== 'object') continue;
    fromBuild(config.build);
    if (Array.isArray(config.profiles)) for (const p of config.profiles) fromBuild((p as { build?: unknown })?.build);
  }
  return images;
}

/** tiltImages lists the image names a Tiltfile builds (`docker_build` / `custom_build` first argument). */
export function tiltImages(text: string): string[] {
  return [...text.matchAll(/^[ \t]*(?:docker_build|custom_build)\(\s*(?:ref\s*=\s*)?(['"])([^'"\s]+)\1/gm)].map((m) => m[2]!);
}

/** isBuildDeclaration: a Tiltfile or a skaffold config (the scan keeps these texts in memory for skipBuildArtifacts). */
export function isBuildDeclaration(file: string, text: string): boolean {
  return baseName(file) === 'Tiltfile' || isSkaffoldConfig(file, text);
}

/** declarationOf reads a scanned file as a skaffold config or Tiltfile, if it is one. */
function declarationOf(f: ScannedFile): BuildDeclaration | undefined {
  // A text left on disk is not a build declaration (the scan keeps those): no need to re-read it.
  const text = textInMemory(f);
  if (text === undefined) return undefined;
  const dir = path.dirname(f.file);
  if (baseName(f.file) === 'Tiltfile') return { display: f.display, dir, images: tiltImages(text), reason: 'tilt-build' };
  if (!isSkaffoldConfig(f.file, text)) return undefined;
  return { display: f.display, dir, images: skaffoldImages(text), reason: 'skaffold-artifact' };
}

/**
 * skipBuildArtifacts marks references to images a skaffold config or Tiltfile in the tree
 * builds, in the files under that config's directory, as skipped (`skaffold-artifact: …` /
 * `tilt-build: …`), like ko:// references: the tool substitutes its own build.
 */
export function skipBuildArtifacts(scanned: ScannedFile[]): void {
  const declarations = scanned.map(declarationOf).filter((d): d is BuildDeclaration => d !== undefined && d.images.length > 0);
  for (const d of declarations) {
    for (const target of scanned) {
      if (!target.file.startsWith(d.dir + path.sep)) continue;
      for (const o of target.occurrences) {
        if (o.status === 'skipped' || !o.ref || o.finder === 'dockerfile') continue;
        const name = d.images.find((image) => matchesImageName(image, o.ref!.original));
        if (name === undefined) continue;
        o.status = 'skipped';
        o.skipReason = `${d.reason}: built as "${name}" by ${d.display}`;
      }
    }
  }
}
