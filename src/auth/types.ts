/**
 * Credential is one candidate login for a registry. `source` says where it came
 * from (file path, helper name, secret name) and never contains a secret.
 */
export interface Credential {
  /** source names the origin for messages, e.g. `config.json auths (/home/u/.docker/config.json)`. */
  source: string;
  username?: string;
  password?: string;
  /** identityToken is an OAuth2 refresh token (docker `identitytoken`, helper `<token>` user). */
  identityToken?: string;
  /** registryToken is a bearer token to send as-is (docker `registrytoken`). */
  registryToken?: string;
}

/** AuthTarget is what a credential is looked up for. */
export interface AuthTarget {
  /** registry is the normalized registry host of the reference (`docker.io`, `ghcr.io`, `host:5000`). */
  registry: string;
  /** repository is the repository path (`library/nginx`). */
  repository: string;
}

/**
 * Keychain finds credentials for a registry and repository. It returns the
 * candidates in the order they should be tried; an empty list means anonymous.
 */
export interface Keychain {
  /** lookup returns candidate credentials for `target`, most specific first. */
  lookup(target: AuthTarget): Promise<Credential[]>;
  /** describe names the keychain for `-v` output (never secrets). */
  describe(): string;
}
