/** Credential discovery: keychains for pull secrets, env, docker config and auth.json. */
export type { AuthTarget, Credential, Keychain } from './types.js';
export { SecretCredential, makeCredential, describeCredential, credentialKind, hasSecret, type CredentialInit } from './credential.js';
export { anonymousKeychain, chainKeychains, unionKeychains, lazyKeychain } from './keychain.js';
export { defaultKeychain, type DefaultKeychain, type DefaultKeychainOptions } from './default-keychain.js';
export {
  KubeletKeyring,
  DEFAULT_REGISTRY_HOST,
  normalizeKeyringKey,
  parseSchemelessUrl,
  splitUrl,
  urlsMatch,
  urlsMatchStr,
  isDefaultRegistryMatch,
  kubeletImageName,
} from './kubelet-match.js';
export { parseKubeObjects, objectLabel, type KubeObject } from './kube-objects.js';
export {
  DOCKER_CONFIG_JSON_TYPE,
  DOCKERCFG_TYPE,
  pullSecretsFrom,
  parsePullSecrets,
  loadPullSecretFiles,
  secretAuthEntries,
  secretSourceLabel,
  secretsKeychain,
  type PullSecret,
} from './kube-secret.js';
export {
  selectPodPullSecrets,
  serviceAccountsFrom,
  imagePullSecretNames,
  type PodPullSecretQuery,
  type PodPullSecretSelection,
  type ServiceAccountInfo,
} from './pod-pull-secrets.js';
export {
  dockerConfigKeychain,
  dockerConfigPath,
  dockerServerKey,
  dockerAuthsCredentials,
  parseDockerConfig,
  DOCKER_AUTH_CONFIG_ENV,
  type DockerConfigFile,
  type DockerConfigKeychainOptions,
} from './docker-config.js';
export {
  CredentialHelperClient,
  DOCKER_HUB_SERVER_URL,
  DEFAULT_HELPER_TIMEOUT_MS,
  type CredentialHelperOptions,
  type HelperSecret,
} from './cred-helper.js';
export { spawnHelperRunner, findOnPath, type HelperRunner, type HelperOutcome, type HelperRunOptions } from './process-runner.js';
export { legacyDockercfgKeychain, legacyDockercfgPath, parseLegacyDockercfg, type LegacyDockercfgOptions } from './dockercfg.js';
export {
  credentialProviderKeychain,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type CredentialProviderOptions,
  type ProviderRunner,
} from './credential-provider/keychain.js';
export { readCredentialProviderConfig, parseCredentialProviderConfig, type ProviderSpec } from './credential-provider/config.js';
export { authJsonKeychain, authJsonPaths, type AuthJsonKeychainOptions } from './auth-json.js';
export { envKeychain, parseEnvAuth, ENV_PREFIX, MAX_ENV_ENTRIES, type EnvAuthEntry } from './env-keychain.js';
export { nodeReadFile, type Env, type LogFn, type ReadTextFile } from './inject.js';
