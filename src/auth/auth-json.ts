import { join } from 'node:path';
import type { CredentialHelperClient } from './cred-helper.js';
import { hasSecret, makeCredential } from './credential.js';
import { parseDockerConfig, type DockerConfigFile } from './docker-config.js';
import { readOptionalFile, readRequiredFile, type Env, type LogFn, type ReadTextFile } from './inject.js';
import { namespaceKeys, normalizeAuthFileKey } from './registry-key.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** AuthJsonKeychainOptions configures authJsonKeychain; `authFile` is `--authfile`. */
export interface AuthJsonKeychainOptions {
  env: Env;
  homedir: string;
  readFile: ReadTextFile;
  helpers: CredentialHelperClient;
  authFile?: string | undefined;
  /** platform picks the primary file's location (defaults to process.platform). */
  platform?: NodeJS.Platform | undefined;
  /** uid locates `/run/containers/<uid>/auth.json` when XDG_RUNTIME_DIR is unset on Linux. */
  uid?: number | undefined;
  log?: LogFn | undefined;
}

/**
 * authJsonPaths lists the files containers-auth.json(5) searches, in order.
 * An explicit `--authfile` or `REGISTRY_AUTH_FILE` is the only file read (as
 * containers/image `getAuthFilePaths` does for a user-specified path);
 * otherwise the primary `${XDG_RUNTIME_DIR}/containers/auth.json`
 * (`~/.config/containers/auth.json` on every OS but Linux), then
 * `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`. Docker's config.json,
 * which podman also reads, is left to the docker keychain.
 */
export function authJsonPaths(options: AuthJsonKeychainOptions): { paths: string[]; explicit: boolean } {
  const explicit = options.authFile || options.env.REGISTRY_AUTH_FILE;
  if (explicit) return { paths: [explicit], explicit: true };
  const platform = options.platform ?? process.platform;
  const paths: string[] = [];
  // containers/image getPathToAuthWithOS: only Linux has XDG_RUNTIME_DIR and /run/containers/<uid>.
  if (platform !== 'linux') {
    paths.push(join(options.homedir, '.config', 'containers', 'auth.json'));
  } else if (options.env.XDG_RUNTIME_DIR) {
    paths.push(join(options.env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  } else if (options.uid !== undefined) {
    paths.push(`/run/containers/${options.uid}/auth.json`);
  }
  const configHome = options.env.XDG_CONFIG_HOME || join(options.homedir, '.config');
  paths.push(join(configHome, 'containers', 'auth.json'));
  return { paths: [...new Set(paths)], explicit: false };
}

/**
 * authJsonKeychain reads podman/skopeo/buildah auth.json files lazily. Files
 * are tried in order and the first one with a credential wins. Within a file,
 * `credHelpers[registry]` (if set) answers alone; otherwise the keys
 * `registry/ns/repo`, `registry/ns`, `registry` are tried most specific first,
 * then legacy URL keys matched by host (containers/image
 * `findCredentialsInFile`). A missing default file is skipped; a missing
 * explicit file is CREDENTIAL_CONFIG.
 */
export function authJsonKeychain(options: AuthJsonKeychainOptions): Keychain {
  const { paths, explicit } = authJsonPaths(options);
  const files = new Map<string, Promise<DockerConfigFile | undefined>>();
  const load = (path: string) => {
    let file = files.get(path);
    if (!file) {
      const text = explicit ? readRequiredFile(options.readFile, path, 'auth file') : readOptionalFile(options.readFile, path);
      file = text.then((t) => (t === undefined ? undefined : parseDockerConfig(t, path)));
      files.set(path, file);
    }
    return file;
  };
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      for (const path of paths) {
        const file = await load(path);
        const found = file ? await findInFile(file, target, options) : [];
        if (found.length > 0) return found;
      }
      return [];
    },
    describe: () => `auth.json (${paths.join(', ')})`,
  };
}

async function findInFile(file: DockerConfigFile, target: AuthTarget, options: AuthJsonKeychainOptions): Promise<Credential[]> {
  const helper = file.credHelpers[target.registry];
  if (helper) {
    // containers/image passes the bare registry host (`docker.io` for Docker Hub) to helpers.
    const configuredBy = `credHelpers["${target.registry}"] in ${file.path}`;
    const secret = await options.helpers.get(helper, target.registry, configuredBy);
    if (!secret) options.log?.(`docker-credential-${helper} has no credentials for ${target.registry}`);
    return secret ? [makeCredential({ source: `docker-credential-${helper} (${configuredBy})`, ...secret })] : [];
  }
  const make = (key: string): Credential[] => {
    const fields = file.auths.get(key);
    return fields && hasSecret(fields) ? [makeCredential({ source: `auth.json auths["${key}"] (${file.path})`, ...fields })] : [];
  };
  const exact = namespaceKeys(target.registry, target.repository).flatMap(make);
  if (exact.length > 0) return exact;
  const registry = normalizeAuthFileKey(target.registry);
  const legacy = [...file.auths.keys()]
    .sort()
    .find((k) => normalizeAuthFileKey(k) === registry && hasSecret(file.auths.get(k)!));
  return legacy === undefined ? [] : make(legacy);
}
