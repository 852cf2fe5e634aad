import type { TestProject } from 'vitest/node';
import { createDispatcher } from './http.js';
import { type RunningRegistry, startRegistry, toRegistryInfo } from './registry.js';
import { type SeedOptions, seedImage } from './seed.js';
import type { RegistryInfo, RegistryMode, SeededImageInfo } from './types.js';

/** ProvidedRegistry is what the global setup hands to tests for one registry: its description and seeded images. */
export interface ProvidedRegistry extends RegistryInfo {
  images: SeededImageInfo[];
  /** Milliseconds from spawning the registry to /v2/ answering (TLS material and token server included). */
  startupMs: number;
}

/** ProvidedRegistries maps each auth mode to its shared registry. */
export type ProvidedRegistries = Record<RegistryMode, ProvidedRegistry>;

declare module 'vitest' {
  export interface ProvidedContext {
    registries: ProvidedRegistries;
  }
}

/** MODES lists the auth modes the global setup starts. */
export const MODES: readonly RegistryMode[] = ['anonymous', 'htpasswd', 'token'];

const CREATED = '2025-06-01T12:00:00Z';

/** SHARED_SEEDS are pushed to every shared registry; tests must not move or delete them (use uniqueRepository()). */
export const SHARED_SEEDS: readonly Omit<SeedOptions, 'dispatcher'>[] = [
  { repository: 'app/oci', tag: 'v1', kind: 'oci-manifest', version: '1.0.0', created: CREATED },
  { repository: 'app/docker', tag: 'v1', kind: 'docker-manifest', version: '1.0.0', created: CREATED },
  { repository: 'app/multi', tag: 'v1', kind: 'oci-index', version: '1.0.0', created: CREATED },
  { repository: 'app/list', tag: 'v1', kind: 'docker-list', version: '1.0.0', created: CREATED },
  { repository: 'library/nginx', tag: '1.25', kind: 'docker-manifest', version: '1.25.5', created: CREATED },
];

/** startSeeded starts one registry and pushes SHARED_SEEDS to it. */
async function startSeeded(mode: RegistryMode, started: RunningRegistry[]): Promise<ProvidedRegistry> {
  const begin = performance.now();
  const reg = await startRegistry({ mode });
  started.push(reg);
  const startupMs = Math.round(performance.now() - begin);
  const dispatcher = createDispatcher(reg);
  try {
    const seeded = await Promise.all(SHARED_SEEDS.map((s) => seedImage(reg, { ...s, dispatcher })));
    const images = seeded.map(({ bytes: _bytes, ...info }) => info);
    return { ...toRegistryInfo(reg), images, startupMs };
  } finally {
    await dispatcher.close();
  }
}

/** setup is the vitest globalSetup: starts the three registries in parallel, seeds them, provides 'registries'. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: RunningRegistry[] = [];
  const teardown = async () => {
    await Promise.all(started.map((r) => r.stop()));
  };
  const results = await Promise.allSettled(MODES.map((mode) => startSeeded(mode, started)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await teardown();
    throw failed.reason;
  }
  const provided = Object.fromEntries(results.map((r, i) => [MODES[i], (r as PromiseFulfilledResult<ProvidedRegistry>).value]));
  project.provide('registries', provided as ProvidedRegistries);
  return teardown;
}
