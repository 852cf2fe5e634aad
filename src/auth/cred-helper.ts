import { PinError } from '../errors.js';
import { isPlainObject, type Env } from './inject.js';
import { spawnHelperRunner, type HelperOutcome, type HelperRunner } from './process-runner.js';

/** DOCKER_HUB_SERVER_URL is the server URL docker passes to helpers (and keys `auths`) for Docker Hub. */
export const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';

/** DEFAULT_HELPER_TIMEOUT_MS bounds one helper call; a hung helper (e.g. waiting on a GUI keychain prompt) is killed. */
export const DEFAULT_HELPER_TIMEOUT_MS = 10_000;

/** HelperSecret is what a helper returned, before it is labelled with its source. */
export interface HelperSecret {
  username?: string;
  password?: string;
  identityToken?: string;
}

/** CredentialHelperOptions configures a CredentialHelperClient. */
export interface CredentialHelperOptions {
  env: Env;
  run?: HelperRunner | undefined;
  timeoutMs?: number | undefined;
  /** log receives `-v` lines: a failing helper's first stderr line, scrubbed (never put in errors). */
  log?: ((line: string) => void) | undefined;
}

// docker-credential-helpers credentials/error.go errCredentialsNotFoundMessage.
const NOT_FOUND = /credentials not found/i;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * CredentialHelperClient runs `docker-credential-<name> get` per the
 * docker-credential-helpers protocol (client/client.go `Get`): the server URL
 * goes on stdin, never argv; stdout is `{"ServerURL","Username","Secret"}`; a
 * Username of `<token>` marks an identity token. Each (helper, server URL)
 * pair runs at most once per client, so one client should live for one run.
 */
export class CredentialHelperClient {
  readonly #env: Env;
  readonly #run: HelperRunner;
  readonly #timeoutMs: number;
  readonly #log: ((line: string) => void) | undefined;
  readonly #cache = new Map<string, Promise<HelperSecret | undefined>>();

  constructor(options: CredentialHelperOptions) {
    this.#env = options.env;
    this.#run = options.run ?? spawnHelperRunner();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    this.#log = options.log;
  }

  /**
   * get asks helper `name` for `serverUrl`. Resolves undefined when the helper
   * has no credential; throws CREDENTIAL_HELPER when it is missing, hangs or
   * fails. `configuredBy` (e.g. `credsStore in /home/u/.docker/config.json`)
   * is quoted in errors.
   */
  get(name: string, serverUrl: string, configuredBy: string): Promise<HelperSecret | undefined> {
    if (!HELPER_NAME.test(name)) {
      return Promise.reject(new PinError('CREDENTIAL_CONFIG', `invalid credential helper name ${JSON.stringify(name)} (${configuredBy})`));
    }
    const key = `${name}\0${serverUrl}`;
    let pending = this.#cache.get(key);
    if (!pending) {
      pending = this.#call(name, serverUrl, configuredBy);
      this.#cache.set(key, pending);
    }
    return pending;
  }

  async #call(name: string, serverUrl: string, configuredBy: string): Promise<HelperSecret | undefined> {
    const program = `docker-credential-${name}`;
    const outcome = await this.#run(program, ['get'], serverUrl, { env: this.#env, timeoutMs: this.#timeoutMs });
    return interpretOutcome(outcome, { program, serverUrl, configuredBy, timeoutMs: this.#timeoutMs, log: this.#log });
  }
}

/**
 * interpretOutcome maps a finished helper process to a secret, "none" or a
 * CREDENTIAL_HELPER error. Errors never include stdout, which carries the
 * secret on success, nor stderr, which a helper may fill with it (issue 11
 * item 9); the first stderr line goes to the `-v` log only, scrubbed of
 * anything the helper printed on stdout.
 */
export function interpretOutcome(
  outcome: HelperOutcome,
  ctx: { program: string; serverUrl: string; configuredBy: string; timeoutMs: number; log?: ((line: string) => void) | undefined },
): HelperSecret | undefined {
  const fail = (what: string): PinError =>
    new PinError('CREDENTIAL_HELPER', `${ctx.program} ${what} (configured by ${ctx.configuredBy})`);
  switch (outcome.kind) {
    case 'not-found':
      throw fail('not found on PATH');
    case 'timeout':
      throw fail(`timed out after ${ctx.timeoutMs / 1000}s looking up ${ctx.serverUrl} and was killed`);
    case 'too-large':
      throw fail(`printed too much output looking up ${ctx.serverUrl} and was killed`);
    case 'spawn-error':
      throw fail(`could not be started (${outcome.code})`);
    case 'exit':
      break;
  }
  if (outcome.code !== 0) {
    if (NOT_FOUND.test(outcome.stdout) || NOT_FOUND.test(outcome.stderr)) return undefined;
    const line = outcome.stderr.trim().split('\n')[0] ?? '';
    if (line) ctx.log?.(`${ctx.program} get for ${ctx.serverUrl} said on stderr: ${scrubHelperText(line, outcome.stdout).slice(0, 200)}`);
    const hint = line ? '; -v shows its stderr' : '';
    throw fail(`get failed for ${ctx.serverUrl} (exit code ${String(outcome.code)}${hint})`);
  }
  return parseHelperOutput(outcome.stdout, () => fail(`returned malformed output for ${ctx.serverUrl}`));
}

/**
 * scrubHelperText removes from `text` every word the helper printed on stdout (where its
 * secret lives), in any case and as base64, before the text is logged.
 */
export function scrubHelperText(text: string, stdout: string): string {
  const words = new Set<string>();
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (isPlainObject(parsed)) for (const value of Object.values(parsed)) if (typeof value === 'string') words.add(value);
  } catch {
    // not JSON: every word of it counts
  }
  for (const word of stdout.split(/[\s"',:{}[\]]+/)) words.add(word);
  const forms = [...words].filter((w) => w.length >= 3).flatMap((w) => [w, Buffer.from(w).toString('base64').replace(/=+$/, '')]);
  let out = text;
  for (const form of forms.sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '***');
  }
  return out;
}

function parseHelperOutput(stdout: string, malformed: () => PinError): HelperSecret | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout) as unknown;
  } catch {
    throw malformed();
  }
  if (!isPlainObject(parsed)) throw malformed();
  const { Username: username, Secret: secret } = parsed;
  if ((username !== undefined && typeof username !== 'string') || (secret !== undefined && typeof secret !== 'string')) {
    throw malformed();
  }
  if (!username && !secret) return undefined;
  // docker/cli credentials/native_store.go: the `<token>` user marks an identity token.
  if (username === '<token>') return secret ? { identityToken: secret } : undefined;
  return { ...(username ? { username } : {}), ...(secret ? { password: secret } : {}) };
}
