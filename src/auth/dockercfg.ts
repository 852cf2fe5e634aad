/**
 * The legacy `~/.dockercfg` (docker < 1.7): a flat `{registry: entry}` map
 * without config.json's `auths` wrapper. containers-auth.json(5) and docker
 * before 25 read it after `~/.docker/config.json`; digestpin does the same.
 * https://github.com/containers/image/blob/main/pkg/docker/config/config.go (dockerLegacyHomePath)
 */
import { join } from 'node:path';
import { PinError } from '../errors.js';
import { decodeAuthEntry } from './auth-entry.js';
import { dockerAuthsCredentials, type DockerConfigFile } from './docker-config.js';
import { isPlainObject, parseJsonText, readOptionalFile, type LogFn, type ReadTextFile } from './inject.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** LegacyDockercfgOptions configures legacyDockercfgKeychain. */
export interface LegacyDockercfgOptions {
  homedir: string;
  readFile: ReadTextFile;
  log?: LogFn | undefined;
}

/** legacyDockercfgPath is `~/.dockercfg`; like containers/image it ignores $DOCKER_CONFIG. */
export function legacyDockercfgPath(homedir: string): string {
  return join(homedir, '.dockercfg');
}

/**
 * parseLegacyDockercfg reads `.dockercfg` text. Every entry is decoded up
 * front (`auth` or username/password; tokens did not exist then), so one bad
 * entry fails the file. A file with an `auths` object is config.json's layout
 * in the wrong place and is rejected rather than half-read.
 */
export function parseLegacyDockercfg(text: string, path: string): DockerConfigFile {
  const config: DockerConfigFile = { path, auths: new Map(), credHelpers: {} };
  if (text.trim() === '') return config;
  const raw = parseJsonText(text, path);
  if (!isPlainObject(raw)) throw new PinError('CREDENTIAL_CONFIG', `${path}: must be a JSON object of registry entries`);
  if (isPlainObject(raw.auths)) {
    throw new PinError('CREDENTIAL_CONFIG', `${path}: "auths" is config.json's layout; move the file to ~/.docker/config.json`);
  }
  for (const [key, entry] of Object.entries(raw)) {
    if (!isPlainObject(entry)) throw new PinError('CREDENTIAL_CONFIG', `${path} ["${key}"]: must be an object`);
    config.auths.set(key, decodeAuthEntry(entry, `${path} ["${key}"]`, { tokens: false, trimNul: true }));
  }
  return config;
}

/**
 * legacyDockercfgKeychain looks registries up in `~/.dockercfg`, read once on
 * first use, with config.json's `auths` rules (exact key, then URL keys by
 * host). A missing file means no credentials.
 */
export function legacyDockercfgKeychain(options: LegacyDockercfgOptions): Keychain {
  const path = legacyDockercfgPath(options.homedir);
  let loaded: Promise<DockerConfigFile | undefined> | undefined;
  const load = () =>
    (loaded ??= readOptionalFile(options.readFile, path).then((text) => (text === undefined ? undefined : parseLegacyDockercfg(text, path))));
  return {
    async lookup(target: AuthTarget): Promise<Credential[]> {
      const config = await load();
      return config ? dockerAuthsCredentials(config, target, 'legacy .dockercfg') : [];
    },
    describe: () => `legacy .dockercfg (${path})`,
  };
}
