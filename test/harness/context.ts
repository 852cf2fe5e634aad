import { randomBytes } from 'node:crypto';
import type { Agent } from 'undici';
import { inject } from 'vitest';
import type { ProvidedRegistry } from './global-setup.js';
import { createDispatcher } from './http.js';
import { type TokenAdmin, tokenAdmin } from './token-admin.js';
import type { RegistryMode, SeededImageInfo } from './types.js';

/** RegistryHandle is a test-side handle on a shared registry: its description plus a CA-trusting dispatcher. */
export interface RegistryHandle extends ProvidedRegistry {
  /** An undici Agent that trusts the registry's CA (and the token server's, same CA). */
  dispatcher: Agent;
  /** Runtime control of the token server (token mode only; throws otherwise). */
  admin(): TokenAdmin;
  /** image returns the shared seed for `repository:tag`, or throws. */
  image(repository: string, tag: string): SeededImageInfo;
  /** close closes the dispatcher (call it in afterAll). */
  close(): Promise<void>;
}

/** registryFromContext rebuilds a handle on the registry the global setup started for mode (see global-setup.ts). */
export function registryFromContext(mode: RegistryMode): RegistryHandle {
  const info = inject('registries')?.[mode];
  if (info === undefined) {
    throw new Error('harness: no registries provided; run integration tests with `vitest run --project integration`');
  }
  const dispatcher = createDispatcher(info);
  return {
    ...info,
    dispatcher,
    admin: () => tokenAdmin(info, dispatcher),
    image: (repository, tag) => {
      const found = info.images.find((i) => i.repository === repository && i.tag === tag);
      if (found === undefined) throw new Error(`harness: ${repository}:${tag} is not a shared seed`);
      return found;
    },
    close: () => dispatcher.close(),
  };
}

/** uniqueRepository returns a fresh repository name for tests that move or delete tags (files run in parallel). */
export function uniqueRepository(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
