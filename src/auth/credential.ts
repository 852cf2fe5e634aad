import { inspect } from 'node:util';
import type { Credential } from './types.js';

/** CredentialInit is the plain data a keychain uses to build a Credential. */
export interface CredentialInit {
  source: string;
  username?: string | undefined;
  password?: string | undefined;
  identityToken?: string | undefined;
  registryToken?: string | undefined;
}

/**
 * SecretCredential is a Credential whose secrets live in private fields behind
 * getters, so `JSON.stringify`, `util.inspect`, `console.log`, object spread and
 * `Object.keys` never reveal them; only `source` and `username` are visible.
 */
export class SecretCredential implements Credential {
  readonly source: string;
  readonly username?: string;
  readonly #password: string | undefined;
  readonly #identityToken: string | undefined;
  readonly #registryToken: string | undefined;

  constructor(init: CredentialInit) {
    this.source = init.source;
    if (init.username !== undefined) this.username = init.username;
    this.#password = init.password;
    this.#identityToken = init.identityToken;
    this.#registryToken = init.registryToken;
  }

  /** password is the basic-auth password (or personal access token). */
  get password(): string | undefined {
    return this.#password;
  }

  /** identityToken is an OAuth2 refresh token. */
  get identityToken(): string | undefined {
    return this.#identityToken;
  }

  /** registryToken is a bearer token sent as-is. */
  get registryToken(): string | undefined {
    return this.#registryToken;
  }

  /** toJSON serialises only the non-secret fields. */
  toJSON(): { source: string; username?: string; kind: string } {
    return { source: this.source, ...(this.username === undefined ? {} : { username: this.username }), kind: credentialKind(this) };
  }

  /** [inspect.custom] keeps `util.inspect` (even with showHidden) free of secrets. */
  [inspect.custom](): string {
    return `Credential { ${describeCredential(this)} }`;
  }
}

/** makeCredential builds a secret-safe Credential; empty strings are treated as absent. */
export function makeCredential(init: CredentialInit): Credential {
  return new SecretCredential({
    source: init.source,
    username: nonEmpty(init.username),
    password: init.password === undefined ? undefined : init.password,
    identityToken: nonEmpty(init.identityToken),
    registryToken: nonEmpty(init.registryToken),
  });
}

/** hasSecret reports whether a credential carries anything a registry could accept. */
export function hasSecret(c: Omit<CredentialInit, 'source'>): boolean {
  return Boolean(c.username || c.password || c.identityToken || c.registryToken);
}

/** credentialKind names what a credential holds: `registry token`, `identity token` or `password`. */
export function credentialKind(c: Credential): string {
  if (c.registryToken) return 'registry token';
  if (c.identityToken) return 'identity token';
  return 'password';
}

/** describeCredential renders a credential for messages: source, username and kind, never a secret. */
export function describeCredential(c: Credential): string {
  const user = c.username ? `, user ${JSON.stringify(c.username)}` : '';
  return `${c.source}${user} (${credentialKind(c)})`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
