import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** Login is one registry login written into a credential fixture. */
export interface Login {
  /** registry is the key the fixture writes (`127.0.0.1:5000`, `https://host/v1/`, `host/namespace`). */
  registry: string;
  username: string;
  password: string;
}

/** SecretEncoding chooses where a Secret fixture keeps its payload: base64 `data` or plain `stringData`. */
export type SecretEncoding = 'data' | 'stringData';

/** basicAuth is the docker `auth` field: base64 of `username:password`. */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}

/** secretString returns a unique, recognisable secret (hex, so it survives YAML, JSON and shell quoting unescaped). */
export function secretString(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

/** authsOf renders logins as a docker-style `auths` map using the `auth` field. */
export function authsOf(logins: readonly Login[]): Record<string, { auth: string }> {
  return Object.fromEntries(logins.map((l) => [l.registry, { auth: basicAuth(l.username, l.password) }]));
}

/** dockerConfigJson is the text of a docker `config.json` (or podman `auth.json`) with `auths` and optional extra keys. */
export function dockerConfigJson(logins: readonly Login[], extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ auths: authsOf(logins), ...extra }, null, 2)}\n`;
}

/** SecretMeta names a Secret fixture. */
export interface SecretMeta {
  name: string;
  namespace?: string;
}

function metadata(meta: SecretMeta): Record<string, string> {
  return { name: meta.name, ...(meta.namespace === undefined ? {} : { namespace: meta.namespace }) };
}

/** dockerConfigJsonData is the base64 `data[".dockerconfigjson"]` value of a pull secret holding logins. */
export function dockerConfigJsonData(logins: readonly Login[]): string {
  return Buffer.from(JSON.stringify({ auths: authsOf(logins) })).toString('base64');
}

/** dockerConfigJsonSecret is a `kubernetes.io/dockerconfigjson` Secret manifest (YAML) holding logins. */
export function dockerConfigJsonSecret(meta: SecretMeta, logins: readonly Login[], encoding: SecretEncoding = 'data'): string {
  const payload = JSON.stringify({ auths: authsOf(logins) });
  return secretYaml(meta, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', payload, encoding);
}

/** dockercfgSecret is a legacy `kubernetes.io/dockercfg` Secret manifest (YAML): a flat registry map, username/password fields. */
export function dockercfgSecret(meta: SecretMeta, logins: readonly Login[], encoding: SecretEncoding = 'stringData'): string {
  const cfg = Object.fromEntries(logins.map((l) => [l.registry, { username: l.username, password: l.password, email: 'ci@example.com' }]));
  return secretYaml(meta, 'kubernetes.io/dockercfg', '.dockercfg', JSON.stringify(cfg), encoding);
}

/** rawSecret is a Secret manifest with an arbitrary (possibly malformed) `data` value under key. */
export function rawSecret(meta: SecretMeta, type: string, key: string, value: string, encoding: SecretEncoding): string {
  return stringify({ apiVersion: 'v1', kind: 'Secret', metadata: metadata(meta), type, [encoding]: { [key]: value } });
}

function secretYaml(meta: SecretMeta, type: string, key: string, payload: string, encoding: SecretEncoding): string {
  const value = encoding === 'data' ? Buffer.from(payload).toString('base64') : payload;
  return rawSecret(meta, type, key, value, encoding);
}

/** envLogins renders logins as `DIGESTPIN_AUTH_<n>_REGISTRY/USERNAME/PASSWORD` variables, n from 1. */
export function envLogins(logins: readonly Login[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [i, l] of logins.entries()) {
    env[`DIGESTPIN_AUTH_${i + 1}_REGISTRY`] = l.registry;
    env[`DIGESTPIN_AUTH_${i + 1}_USERNAME`] = l.username;
    env[`DIGESTPIN_AUTH_${i + 1}_PASSWORD`] = l.password;
  }
  return env;
}

/** HelperAnswer is what a fake credential helper prints for one server URL. */
export interface HelperAnswer {
  username: string;
  secret: string;
}

/** FakeHelper is a `docker-credential-<name>` script on disk and the log of its calls. */
export interface FakeHelper {
  /** binDir holds the script; put it first on PATH. */
  binDir: string;
  program: string;
  /** calls reads the log: one `{argv, stdin}` per invocation. */
  calls(): Promise<Array<{ argv: string; stdin: string }>>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * writeCredentialHelper writes a bash `docker-credential-<name>` into binDir
 * that follows the docker-credential-helpers protocol for `get`: the server
 * URL arrives on stdin, the answer is `{"ServerURL","Username","Secret"}`,
 * and an unknown server gets "credentials not found in native keychain" and
 * exit 1. Each call appends its argv and stdin to a log next to the script.
 */
export async function writeCredentialHelper(binDir: string, name: string, answers: Record<string, HelperAnswer>): Promise<FakeHelper> {
  await fs.mkdir(binDir, { recursive: true });
  const program = `docker-credential-${name}`;
  const log = path.join(binDir, `${program}.log`);
  const cases = Object.entries(answers).map(([server, a]) => {
    const json = JSON.stringify({ ServerURL: server, Username: a.username, Secret: a.secret });
    return `  ${shellQuote(server)}) printf '%s\\n' ${shellQuote(json)} ;;`;
  });
  const script = [
    '#!/usr/bin/env bash',
    'set -u',
    'server="$(cat)"',
    `printf '%s\\t%s\\n' "$*" "$server" >> ${shellQuote(log)}`,
    'if [ "${1:-}" != get ]; then echo "unsupported action: ${1:-}" >&2; exit 1; fi',
    'case "$server" in',
    ...cases,
    '  *) echo "credentials not found in native keychain"; exit 1 ;;',
    'esac',
    '',
  ].join('\n');
  const file = path.join(binDir, program);
  await fs.writeFile(file, script, { mode: 0o755 });
  return {
    binDir,
    program,
    async calls() {
      const text = await fs.readFile(log, 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l !== '').map((l) => {
        const [argv = '', stdin = ''] = l.split('\t');
        return { argv, stdin };
      });
    },
  };
}

/** withPathFirst returns a PATH with dir in front of the current process PATH. */
export function withPathFirst(dir: string): string {
  return [dir, process.env.PATH ?? ''].filter((p) => p !== '').join(path.delimiter);
}

/** secretForms lists a secret and the encodings it could leak in: itself, base64 of `user:secret`, and of the bare secret. */
export function secretForms(username: string, secret: string): string[] {
  return [secret, basicAuth(username, secret), Buffer.from(secret).toString('base64')];
}

/** Scratch hands out temp directories under one root, for concurrent tests (helpers/cli.ts tempDir needs a current test). */
export interface Scratch {
  /** dir makes a fresh empty directory. */
  dir(): Promise<string>;
  /** remove deletes every directory handed out (call it in afterAll). */
  remove(): Promise<void>;
}

/** scratch returns a Scratch whose root is created on first use. */
export function scratch(prefix = 'digestpin-creds-'): Scratch {
  let root: Promise<string> | undefined;
  return {
    async dir() {
      root ??= fs.mkdtemp(path.join(os.tmpdir(), prefix));
      return fs.mkdtemp(path.join(await root, 'd-'));
    },
    async remove() {
      if (root) await fs.rm(await root, { recursive: true, force: true });
    },
  };
}
