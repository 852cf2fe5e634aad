import { authJsonKeychain } from './auth-json.js';
import { CredentialHelperClient } from './cred-helper.js';
import { credentialProviderKeychain, type ProviderRunner } from './credential-provider/keychain.js';
import { dockerConfigKeychain } from './docker-config.js';
import { legacyDockercfgKeychain } from './dockercfg.js';
import { envKeychain } from './env-keychain.js';
import type { Env, LogFn, ReadTextFile } from './inject.js';
import { loadPullSecretFiles, secretsKeychain, type PullSecret } from './kube-secret.js';
import { anonymousKeychain, chainKeychains, lazyKeychain, unionKeychains } from './keychain.js';
import type { HelperRunner } from './process-runner.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** DefaultKeychainOptions are the CLI's credential inputs plus the injected environment. */
export interface DefaultKeychainOptions {
  /** pullSecretFiles are `--pull-secret FILE` paths (Kubernetes Secret YAML/JSON). */
  pullSecretFiles?: readonly string[] | undefined;
  /** dockerConfigDir is `--docker-config DIR` (instead of $DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir?: string | undefined;
  /** authFile is `--authfile FILE` (instead of $REGISTRY_AUTH_FILE or the default auth.json files). */
  authFile?: string | undefined;
  /** credentialProviders is `--image-credential-provider-config` and `-bin-dir`: kubelet exec plugins. */
  credentialProviders?: { configPath: string; binDir: string; run?: ProviderRunner | undefined; timeoutMs?: number | undefined } | undefined;
  env: Env;
  homedir: string;
  readFile: ReadTextFile;
  runHelper?: HelperRunner | undefined;
  helperTimeoutMs?: number | undefined;
  platform?: NodeJS.Platform | undefined;
  uid?: number | undefined;
  /** log receives `-v` lines: which source answered for each registry (never secrets). */
  log?: LogFn | undefined;
}

/** DefaultKeychain is the full chain, plus a way to put one workload's own pull secrets in front. */
export interface DefaultKeychain extends Keychain {
  /**
   * forWorkload returns the chain with `secrets` (from selectPodPullSecrets)
   * added to the pull-secret tier ahead of the `--pull-secret` files; files,
   * helper results and caches are shared with this keychain.
   */
  forWorkload(secrets: readonly PullSecret[]): Keychain;
}

/**
 * defaultKeychain builds digestpin's credential chain. The first source that
 * has a credential for a registry wins; later sources are not read:
 *
 * 1. Kubernetes pull secrets: the workload's own imagePullSecrets found in the
 *    tree, then `--pull-secret` files, then what the kubelet credential
 *    provider plugins answer (the node's keyring, after the pod's secrets as
 *    kubelet's UnionDockerKeyring orders them). Matched exactly as kubelet
 *    matches, and every matching credential is tried in order until the
 *    registry accepts one.
 * 2. `DIGESTPIN_AUTH_<n>_*` environment variables.
 * 3. Docker: `$DOCKER_AUTH_CONFIG` auths, then config.json credHelpers,
 *    credsStore, auths; then the legacy `~/.dockercfg`.
 * 4. Podman/containers auth.json.
 * 5. Anonymous.
 *
 * Explicit inputs beat ambient login state: flags first (what the cluster
 * will use), then variables set for this run, then the user's docker and
 * podman logins. DIGESTPIN_AUTH_* is validated here and throws
 * CREDENTIAL_CONFIG if incomplete; files are read on first lookup.
 */
export function defaultKeychain(options: DefaultKeychainOptions): DefaultKeychain {
  const helpers = new CredentialHelperClient({ env: options.env, run: options.runHelper, timeoutMs: options.helperTimeoutMs, log: options.log });
  const files = options.pullSecretFiles ?? [];
  const fromFiles =
    files.length === 0
      ? undefined
      : lazyKeychain(`pull secret files (${files.join(', ')})`, async () =>
          secretsKeychain(await loadPullSecretFiles(files, options.readFile)),
        );
  const plugins = options.credentialProviders
    ? credentialProviderKeychain({ ...options.credentialProviders, env: options.env, log: options.log })
    : undefined;
  const common = { env: options.env, homedir: options.homedir, readFile: options.readFile, helpers, log: options.log };
  const rest: Keychain[] = [
    envKeychain(options.env),
    dockerConfigKeychain({ ...common, configDir: options.dockerConfigDir }),
    legacyDockercfgKeychain(common),
    authJsonKeychain({ ...common, authFile: options.authFile, platform: options.platform, uid: options.uid }),
    anonymousKeychain,
  ];
  const logChoice = choiceLogger(options.log);
  const build = (workload: readonly PullSecret[]): Keychain => {
    const secretTier = [...(workload.length > 0 ? [secretsKeychain(workload)] : []), ...(fromFiles ? [fromFiles] : []), ...(plugins ? [plugins] : [])];
    const chain = chainKeychains([...(secretTier.length > 0 ? [unionKeychains(secretTier)] : []), ...rest]);
    return {
      async lookup(target: AuthTarget): Promise<Credential[]> {
        const found = await chain.lookup(target);
        logChoice(target, found, chain);
        return found;
      },
      describe: () => chain.describe(),
    };
  };
  const base = build([]);
  return { lookup: (t) => base.lookup(t), describe: () => base.describe(), forWorkload: (secrets) => build(secrets) };
}

/** choiceLogger logs, once per registry and answer, which source(s) a lookup chose. */
function choiceLogger(log: LogFn | undefined): (target: AuthTarget, found: Credential[], chain: Keychain) => void {
  const seen = new Set<string>();
  return (target, found, chain) => {
    if (!log) return;
    const sources = [...new Set(found.map((c) => c.source))];
    const line =
      sources.length === 0
        ? `auth ${target.registry}: no credentials found, anonymous (searched ${chain.describe()})`
        : `auth ${target.registry}: using ${sources.join('; then ')}`;
    if (seen.has(line)) return;
    seen.add(line);
    log(line);
  };
}
