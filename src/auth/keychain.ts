import type { AuthTarget, Credential, Keychain } from './types.js';

/** anonymousKeychain never has credentials; it ends every chain. */
export const anonymousKeychain: Keychain = {
  lookup: () => Promise.resolve([]),
  describe: () => 'anonymous',
};

/**
 * chainKeychains tries keychains in order and returns the candidates of the
 * FIRST one that has any (go-containerregistry authn/multikeychain.go); later
 * keychains are not consulted, so their files are never read. A keychain that
 * throws (malformed file, failing helper) fails the lookup.
 */
export function chainKeychains(keychains: readonly Keychain[]): Keychain {
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      for (const keychain of keychains) {
        const found = await keychain.lookup(target);
        if (found.length > 0) return found;
      }
      return [];
    },
    describe: () => keychains.map((k) => k.describe()).join(' → '),
  };
}

/**
 * unionKeychains returns the candidates of ALL keychains, concatenated in
 * order, like kubelet's UnionDockerKeyring (pod secrets, then the node's
 * credentials): every candidate is tried until one is accepted.
 */
export function unionKeychains(keychains: readonly Keychain[]): Keychain {
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      const all = await Promise.all(keychains.map((k) => k.lookup(target)));
      return all.flat();
    },
    describe: () => keychains.map((k) => k.describe()).join(' + '),
  };
}

/** lazyKeychain builds its keychain on first use (once), so files are read only when a lookup needs them. */
export function lazyKeychain(describe: string, build: () => Promise<Keychain>): Keychain {
  let built: Promise<Keychain> | undefined;
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      built ??= build();
      return (await built).lookup(target);
    },
    describe: () => describe,
  };
}
