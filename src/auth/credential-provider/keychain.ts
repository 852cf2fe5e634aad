/**
 * Kubelet credential provider plugins (KEP-2133) as a Keychain: the same
 * CredentialProviderConfig and plugin executables a node uses, matched,
 * called and cached as kubernetes pkg/credentialprovider/plugin/plugin.go does.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/plugin/plugin.go
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PinError } from '../../errors.js';
import { makeCredential } from '../credential.js';
import type { Env, LogFn } from '../inject.js';
import { KubeletKeyring, kubeletImageName, urlsMatchStr } from '../kubelet-match.js';
import { runExecutable, type HelperOutcome, type HelperRunOptions } from '../process-runner.js';
import type { AuthTarget, Credential, Keychain } from '../types.js';
import { readCredentialProviderConfig, type ProviderSpec } from './config.js';
import { parseGoDuration } from './duration.js';
import { decodeProviderResponse, providerRequest, type ProviderAuth, type ProviderResponse } from './response.js';

/** DEFAULT_PROVIDER_TIMEOUT_MS is the kubelet's catch-all exec timeout for a plugin (1 minute). */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;

/** ProviderRunner runs a plugin executable; injected so tests can count and fake calls. */
export type ProviderRunner = (file: string, args: string[], input: string, options: HelperRunOptions) => Promise<HelperOutcome>;

/** CredentialProviderOptions configures credentialProviderKeychain (`--image-credential-provider-*`). */
export interface CredentialProviderOptions {
  configPath: string;
  binDir: string;
  /** env is the environment plugins inherit; each provider's `env` entries are laid over it. */
  env: Env;
  timeoutMs?: number | undefined;
  run?: ProviderRunner | undefined;
  /** now is the clock for cache expiry (ms). */
  now?: (() => number) | undefined;
  log?: LogFn | undefined;
}

interface CacheEntry {
  expiresAt: number;
  auth: ProviderAuth[];
}

/**
 * credentialProviderKeychain loads the config and checks every plugin
 * executable on first lookup (CONFIG_INVALID / CREDENTIAL_PROVIDER). For an
 * image (`registry/repository`, as kubelet passes it) every provider whose
 * matchImages match is consulted in config order; their `auth` maps go into
 * one kubelet keyring, so the response keys are matched with kubelet's glob
 * rules and an earlier provider's entry is tried first.
 */
export function credentialProviderKeychain(options: CredentialProviderOptions): Keychain {
  let providers: Promise<PluginProvider[]> | undefined;
  const load = () =>
    (providers ??= (async () => {
      const specs = await readCredentialProviderConfig(options.configPath);
      await checkBinaries(options.binDir, specs, options.configPath);
      return specs.map((spec) => new PluginProvider(spec, options));
    })());
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      const image = kubeletImageName(target);
      const keyring = new KubeletKeyring<Credential>();
      for (const provider of await load()) {
        const auth = await provider.provide(image);
        keyring.add(auth.map((a) => [a.key, provider.credential(a)] as const));
      }
      return keyring.lookup(image);
    },
    describe: () => `credential provider plugins (${options.configPath})`,
  };
}

/** checkBinaries fails like the kubelet's registration does when the bin dir or a plugin is missing or not executable. */
async function checkBinaries(binDir: string, specs: readonly ProviderSpec[], configPath: string): Promise<void> {
  const dir = await fs.stat(binDir).catch(() => undefined);
  if (!dir?.isDirectory()) throw new PinError('CREDENTIAL_PROVIDER', `credential provider bin directory ${binDir} does not exist (--image-credential-provider-bin-dir)`);
  for (const spec of specs) {
    const file = join(binDir, spec.name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) throw providerError(spec, configPath, `executable ${file} does not exist`);
    const executable = stat.isFile() && (await fs.access(file, constants.X_OK).then(() => true, () => false));
    if (!executable) throw providerError(spec, configPath, `${file} is not an executable file`);
  }
}

function providerError(spec: ProviderSpec, configPath: string, what: string): PinError {
  return new PinError('CREDENTIAL_PROVIDER', `credential provider plugin "${spec.name}" (${spec.source || configPath}): ${what}`);
}

/** PluginProvider is one configured plugin with its cache and in-flight calls. */
class PluginProvider {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<ProviderResponse>>();
  readonly #byRegistry = new Map<string, Promise<ProviderResponse>>();
  #skipLogged = false;

  constructor(
    readonly spec: ProviderSpec,
    private readonly options: CredentialProviderOptions,
  ) {}

  /** credential labels one response entry with the provider and key (never the secret). */
  credential(a: ProviderAuth): Credential {
    return makeCredential({
      source: `credential provider plugin "${this.spec.name}" auth["${a.key}"] (${this.spec.source})`,
      username: a.username,
      password: a.password,
    });
  }

  /** provide returns the plugin's auth entries for `image`: none if no matchImages entry matches. */
  async provide(image: string): Promise<ProviderAuth[]> {
    if (!this.spec.matchImages.some((m) => urlsMatchStr(m, image))) return [];
    if (this.spec.requireServiceAccount) {
      // Service account token mode needs a pod's token; kubelet also skips such plugins without one.
      if (!this.#skipLogged) this.options.log?.(`credential provider plugin "${this.spec.name}" requires a service account token; skipped`);
      this.#skipLogged = true;
      return [];
    }
    // Images of one registry wait for a call already running for that registry, so a
    // Registry- or Global-keyed answer serves them all (kubelet runs them in parallel).
    const same = this.#inflight.get(image);
    if (same) return (await same).auth;
    const registry = registryOf(image);
    const earlier = this.#byRegistry.get(registry);
    if (earlier) await earlier.then(() => undefined, () => undefined);
    const cached = this.#cached(image);
    if (cached) return cached;
    let pending = this.#inflight.get(image);
    if (!pending) {
      const call = this.#exec(image).then((response) => {
        this.#store(image, response);
        return response;
      });
      pending = call.finally(() => {
        this.#inflight.delete(image);
        if (this.#byRegistry.get(registry) === pending) this.#byRegistry.delete(registry);
      });
      this.#inflight.set(image, pending);
      this.#byRegistry.set(registry, pending);
    }
    return (await pending).auth;
  }

  /** #cached looks the image up under its Image, Registry and Global keys, in that order. */
  #cached(image: string): ProviderAuth[] | undefined {
    const now = this.#now();
    for (const key of [`image:${image}`, `registry:${registryOf(image)}`, 'global']) {
      const entry = this.#cache.get(key);
      if (entry && now <= entry.expiresAt) return entry.auth;
    }
    return undefined;
  }

  #store(image: string, response: ProviderResponse): void {
    // An explicit cacheDuration of 0 disables caching; no cacheDuration means the provider default.
    const duration = response.cacheDurationMs ?? this.spec.defaultCacheDurationMs;
    if (duration === 0) return;
    const key = { Image: `image:${image}`, Registry: `registry:${registryOf(image)}`, Global: 'global' }[response.cacheKeyType];
    this.#cache.set(key, { expiresAt: this.#now() + duration, auth: response.auth });
  }

  async #exec(image: string): Promise<ProviderResponse> {
    const { spec, options } = this;
    const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
    const env: Record<string, string | undefined> = { ...options.env };
    for (const e of spec.env) env[e.name] = e.value;
    options.log?.(`credential provider plugin "${spec.name}": requesting credentials for ${image}`);
    const run = options.run ?? runExecutable;
    const outcome = await run(join(options.binDir, spec.name), spec.args, providerRequest(spec.apiVersion, image), { env, timeoutMs });
    const fail = (what: string) => providerError(spec, options.configPath, `${what} (image ${image})`);
    switch (outcome.kind) {
      case 'not-found':
        throw fail(`executable ${join(options.binDir, spec.name)} does not exist`);
      case 'timeout':
        throw fail(`timed out after ${timeoutMs / 1000}s and was killed`);
      case 'too-large':
        throw fail('printed too much output and was killed');
      case 'spawn-error':
        throw fail(`could not be started (${outcome.code})`);
      case 'exit':
        break;
    }
    if (outcome.code !== 0) {
      const line = outcome.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
      throw fail(`exited with code ${String(outcome.code)}${line ? `: ${line}` : ''}`);
    }
    const decoded = decodeProviderResponse(outcome.stdout, spec.apiVersion, parseGoDuration);
    if (typeof decoded === 'string') throw fail(decoded);
    return decoded;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** registryOf is kubelet's parseRegistry: the image up to the first `/` (host and port). */
function registryOf(image: string): string {
  return image.split('/', 1)[0] ?? image;
}
