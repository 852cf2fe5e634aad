// Generates the benchmark tree: N Kubernetes YAML files holding R image references over
// U unique tags spread across several repositories and registries, and seeds those U
// tags (tiny images) into a real registry in parallel.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { createDispatcher } from '../test/harness/http.js';
import { seedImage } from '../test/harness/seed.js';
import type { ImageKind, RegistryInfo } from '../test/harness/types.js';
import { renderWorkload, WORKLOAD_KINDS } from './workloads.js';

/** TreeSpec sizes a generated tree. */
export interface TreeSpec {
  files: number;
  refs: number;
  unique: number;
  repositories: number;
  registries: number;
  /** indexShare is the fraction of tags pushed as multi-platform OCI indexes (0..1). */
  indexShare: number;
  /** seed makes the tree reproducible. */
  seed: number;
}

/** BenchTag is one unique tag: the registry name written in the files, the repository, the tag and the image kind. */
export interface BenchTag {
  /** registry is the source registry written in the files (`registry-0.bench.internal`), mirrored to a proxy. */
  registry: string;
  repository: string;
  tag: string;
  kind: ImageKind;
}

/** TreeStats describes a written tree. */
export interface TreeStats {
  files: number;
  refs: number;
  unique: number;
  bytes: number;
}

/** registryName is the name of the i-th fake source registry written in the files. */
export function registryName(i: number): string {
  return `registry-${i}.bench.internal`;
}

/** tagRef renders `registry/repository:tag`. */
export function tagRef(t: BenchTag): string {
  return `${t.registry}/${t.repository}:${t.tag}`;
}

/** mulberry32 is a small deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** planTags lays U tags over the repositories (round robin) and repositories over the registries. */
export function planTags(spec: TreeSpec): BenchTag[] {
  const repos = Math.max(1, Math.min(spec.repositories, spec.unique));
  const indexEvery = spec.indexShare > 0 ? Math.max(1, Math.round(1 / spec.indexShare)) : 0;
  const tags: BenchTag[] = [];
  for (let j = 0; j < spec.unique; j++) {
    const r = j % repos;
    const kind: ImageKind = indexEvery > 0 && j % indexEvery === indexEvery - 1 ? 'oci-index' : j % 2 === 0 ? 'oci-manifest' : 'docker-manifest';
    tags.push({
      registry: registryName(r % spec.registries),
      repository: `team-${r % 7}/service-${r}`,
      tag: `1.${Math.floor(j / repos)}.${j % 3}`,
      kind,
    });
  }
  return tags;
}

/**
 * assignRefs picks the tag of each of the R references: every tag once (shuffled),
 * then a skewed draw so a few tags (sidecars, base images) are very common.
 */
export function assignRefs(spec: TreeSpec, tags: BenchTag[]): BenchTag[] {
  const random = mulberry32(spec.seed);
  const order = tags.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [order[i], order[k]] = [order[k]!, order[i]!];
  }
  const picks: BenchTag[] = order.slice(0, spec.refs).map((i) => tags[i]!);
  while (picks.length < spec.refs) picks.push(tags[order[Math.floor(random() ** 2 * order.length)]!]!);
  return picks;
}

/** writeTree writes spec.files YAML files under dir, holding exactly spec.refs references to the tags. */
export async function writeTree(dir: string, spec: TreeSpec, tags: BenchTag[]): Promise<TreeStats> {
  if (spec.refs < spec.unique) throw new Error(`bench: --refs (${spec.refs}) must be at least --unique (${spec.unique})`);
  const refs = assignRefs(spec, tags);
  const perFile = Math.floor(spec.refs / spec.files);
  const extra = spec.refs % spec.files;
  let next = 0;
  let bytes = 0;
  const limit = pLimit(32);
  const writes: Array<Promise<void>> = [];
  const madeDirs = new Set<string>();
  for (let f = 0; f < spec.files; f++) {
    const count = perFile + (f < extra ? 1 : 0);
    const images = refs.slice(next, next + count).map(tagRef);
    next += count;
    const kind = WORKLOAD_KINDS[f % WORKLOAD_KINDS.length]!;
    const team = `team-${f % 12}`;
    const app = `app-${Math.floor(f / 6)}`;
    const text = renderWorkload(kind, { name: `${app}-${kind.toLowerCase()}-${f}`, namespace: team, images });
    bytes += Buffer.byteLength(text);
    const sub = path.join(dir, 'clusters', `cluster-${f % 3}`, team, app);
    const file = path.join(sub, `${kind.toLowerCase()}-${f}.yaml`);
    writes.push(limit(async () => {
      if (!madeDirs.has(sub)) {
        madeDirs.add(sub);
        await mkdir(sub, { recursive: true });
      }
      await writeFile(file, text);
    }));
  }
  await Promise.all(writes);
  return { files: spec.files, refs: spec.refs, unique: new Set(refs.map(tagRef)).size, bytes };
}

/** SeedResult reports what seeding cost and the digest each tag got. */
export interface SeedResult {
  ms: number;
  images: number;
  /** digests maps `registry/repository:tag` (source names) to the digest pushed. */
  digests: Map<string, string>;
}

/** seedTags pushes every tag (a fresh tiny image each) straight to the registry, `concurrency` at a time. */
export async function seedTags(reg: RegistryInfo, tags: BenchTag[], concurrency = 16): Promise<SeedResult> {
  const dispatcher = createDispatcher(reg);
  const limit = pLimit(concurrency);
  const digests = new Map<string, string>();
  const start = performance.now();
  try {
    await Promise.all(tags.map((t) => limit(async () => {
      const image = await seedImage(reg, { repository: t.repository, tag: t.tag, kind: t.kind, dispatcher, revision: tagRef(t) });
      digests.set(tagRef(t), image.digest);
    })));
  } finally {
    await dispatcher.close();
  }
  return { ms: performance.now() - start, images: tags.length, digests };
}
