import { afterAll, afterEach, beforeAll } from 'vitest';
import { registryFromContext, type RegistryHandle } from '../harness/context.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

/** FaultFixture is a fault proxy in front of the shared anonymous registry, plus seed lookups. */
export interface FaultFixture {
  reg: RegistryHandle;
  readonly proxy: FaultProxy;
  /** image is `<proxy>/<repository>:v1`, a shared seed reached through the proxy. */
  image(repository: string): string;
  /** digest is the seeded digest of `<repository>:v1`. */
  digest(repository: string): string;
  /** pinned maps the proxied image to its seeded digest (for expectPinned). */
  pinned(repository: string): Record<string, string>;
}

/** useFaultProxy starts a fault proxy for the file's tests, resets its script after each test and stops it after all. */
export function useFaultProxy(): FaultFixture {
  const reg = registryFromContext('anonymous');
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    proxy = await startFaultProxy(reg);
  });
  afterEach(() => proxy?.reset());
  afterAll(async () => {
    await proxy?.stop();
    await reg.close();
  });
  const fixture: FaultFixture = {
    reg,
    get proxy() {
      if (!proxy) throw new Error('fault proxy not started (use inside tests)');
      return proxy;
    },
    image: (repository) => `${fixture.proxy.host}/${repository}:v1`,
    digest: (repository) => reg.image(repository, 'v1').digest,
    pinned: (repository) => ({ [fixture.image(repository)]: fixture.digest(repository) }),
  };
  return fixture;
}
