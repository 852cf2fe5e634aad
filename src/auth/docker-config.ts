import { join } from 'node:path';
import { PinError } from '../errors.js';
import { decodeAuthEntry, type AuthEntryFields } from './auth-entry.js';
import { DOCKER_HUB_SERVER_URL, type CredentialHelperClient } from './cred-helper.js';
import { hasSecret, makeCredential } from './credential.js';
import { isPlainObject, parseJsonText, readOptionalFile, type Env, type LogFn, type ReadTextFile } from './inject.js';
import { convertToHostname, isDockerHub } from './registry-key.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** DockerConfigFile is the credential part of a docker `config.json` (auth fields already decoded). */
export interface DockerConfigFile {
  path: string;
  /** auths maps each key as written to its decoded entry, in file order. */
  auths: Map<string, AuthEntryFields>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

/** DockerConfigKeychainOptions configures dockerConfigKeychain; `configDir` is `--docker-config DIR`. */
export interface DockerConfigKeychainOptions {
  env: Env;
  homedir: string;
  readFile: ReadTextFile;
  helpers: CredentialHelperClient;
  configDir?: string | undefined;
  log?: LogFn | undefined;
}

/** dockerConfigPath is docker's config location: `DIR/config.json` for an explicit dir, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(options: { env: Env; homedir: string; configDir?: string | undefined }): string {
  const dir = options.configDir || options.env.DOCKER_CONFIG || join(options.homedir, '.docker');
  return join(dir, 'config.json');
}

/**
 * parseDockerConfig reads config.json text. Like docker/cli's LoadFromReader,
 * every `auth` field is decoded up front, so one bad entry fails the file; an
 * empty file is an empty config. Errors name the path and key, never values.
 */
export function parseDockerConfig(text: string, path: string): DockerConfigFile {
  const config: DockerConfigFile = { path, auths: new Map(), credHelpers: {} };
  if (text.trim() === '') return config;
  const raw = parseJsonText(text, path);
  if (!isPlainObject(raw)) throw new PinError('CREDENTIAL_CONFIG', `${path}: must be a JSON object`);
  const { auths, credHelpers, credsStore } = raw;
  if (auths !== undefined && auths !== null) {
    if (!isPlainObject(auths)) throw new PinError('CREDENTIAL_CONFIG', `${path}: "auths" must be an object`);
    for (const [key, entry] of Object.entries(auths)) {
      config.auths.set(key, decodeAuthEntry(entry, `${path} auths["${key}"]`, { tokens: true, trimNul: true }));
    }
  }
  if (credHelpers !== undefined && credHelpers !== null) {
    if (!isPlainObject(credHelpers) || !Object.values(credHelpers).every((v) => typeof v === 'string')) {
      throw new PinError('CREDENTIAL_CONFIG', `${path}: "credHelpers" must map registries to helper names`);
    }
    config.credHelpers = credHelpers as Record<string, string>;
  }
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== 'string') {
    throw new PinError('CREDENTIAL_CONFIG', `${path}: "credsStore" must be a string`);
  }
  if (credsStore) config.credsStore = credsStore;
  return config;
}

/** dockerServerKey is the key docker uses for a registry: `https://index.docker.io/v1/` for Docker Hub, else the host[:port]. */
export function dockerServerKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_SERVER_URL : registry;
}

/** DOCKER_AUTH_CONFIG_ENV is docker/cli's (>= 28.2) variable holding a config.json document. */
export const DOCKER_AUTH_CONFIG_ENV = 'DOCKER_AUTH_CONFIG';

/**
 * dockerConfigKeychain reads docker's config.json lazily (once) and looks a
 * registry up in go-containerregistry authn/keychain.go order: the helper from
 * `credHelpers[registry]`, else `credsStore`; then `auths`. Unlike docker,
 * `auths` is still consulted when the helper has no credential. A missing file
 * means no credentials; a malformed one is CREDENTIAL_CONFIG.
 *
 * A non-empty `$DOCKER_AUTH_CONFIG` is consulted first, as docker/cli's
 * GetCredentialsStore puts it in front of the helper and file stores; only its
 * `auths` count (docker ignores helpers there). Unlike docker, which silently
 * drops a malformed value, it is CREDENTIAL_CONFIG naming the variable.
 */
export function dockerConfigKeychain(options: DockerConfigKeychainOptions): Keychain {
  const path = dockerConfigPath(options);
  const envText = options.env[DOCKER_AUTH_CONFIG_ENV];
  let loaded: Promise<DockerConfigFile | undefined> | undefined;
  let fromEnv: DockerConfigFile | undefined;
  const load = () =>
    (loaded ??= readOptionalFile(options.readFile, path).then((text) => {
      if (text === undefined) options.log?.(`docker config ${path} not found`);
      return text === undefined ? undefined : parseDockerConfig(text, path);
    }));
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      if (envText) {
        fromEnv ??= parseDockerConfig(envText, DOCKER_AUTH_CONFIG_ENV);
        const found = dockerAuthsCredentials(fromEnv, target, 'docker config');
        if (found.length > 0) return found;
      }
      const config = await load();
      if (!config) return [];
      const fromHelper = await helperCredential(config, target, options);
      return fromHelper ? [fromHelper] : dockerAuthsCredentials(config, target, 'docker config');
    },
    describe: () => `${envText ? `${DOCKER_AUTH_CONFIG_ENV}, then ` : ''}docker config (${path})`,
  };
}

async function helperCredential(
  config: DockerConfigFile,
  target: AuthTarget,
  options: DockerConfigKeychainOptions,
): Promise<Credential | undefined> {
  const server = dockerServerKey(target.registry);
  const helperKey = [server, ...(isDockerHub(target.registry) ? ['docker.io', 'index.docker.io'] : [])].find(
    (k) => config.credHelpers[k] !== undefined,
  );
  const name = helperKey === undefined ? config.credsStore : config.credHelpers[helperKey];
  if (!name) return undefined;
  const configuredBy = helperKey === undefined ? `credsStore in ${config.path}` : `credHelpers["${helperKey}"] in ${config.path}`;
  const secret = await options.helpers.get(name, server, configuredBy);
  if (!secret) {
    options.log?.(`docker-credential-${name} has no credentials for ${server}`);
    return undefined;
  }
  return makeCredential({ source: `docker-credential-${name} (${configuredBy})`, ...secret });
}

/**
 * dockerAuthsCredentials returns the `auths` candidates, most specific first: an
 * exact `registry/repository` key (a go-containerregistry extension), the
 * exact registry key, then legacy URL keys whose host matches (docker/cli
 * fileStore.Get with ConvertToHostname); for Docker Hub any of its spellings.
 */
export function dockerAuthsCredentials(config: DockerConfigFile, target: AuthTarget, label: string): Credential[] {
  const server = dockerServerKey(target.registry);
  const hub = isDockerHub(target.registry);
  const exact = [`${target.registry}/${target.repository}`, server];
  // Only URL-shaped keys (or bare Hub hosts) are legacy; `host/namespace` keys match exactly or not at all.
  const legacy = [...config.auths.keys()]
    .filter((k) => !exact.includes(k) && (k.includes('://') || (hub && !k.includes('/'))))
    .filter((k) => (hub ? isDockerHub(convertToHostname(k)) : convertToHostname(k) === server))
    .sort();
  const out: Credential[] = [];
  for (const key of [...exact, ...legacy]) {
    const fields = config.auths.get(key);
    if (fields && hasSecret(fields)) {
      out.push(makeCredential({ source: `${label} auths["${key}"] (${config.path})`, ...fields }));
    }
  }
  return out;
}
