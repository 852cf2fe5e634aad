import { PinError } from '../errors.js';
import { decodeAuthEntry, decodeStdBase64 } from './auth-entry.js';
import { hasSecret, makeCredential } from './credential.js';
import { isPlainObject, parseJsonText, readRequiredFile, type ReadTextFile } from './inject.js';
import { objectLabel, parseKubeObjects, type KubeObject } from './kube-objects.js';
import { KubeletKeyring, kubeletImageName } from './kubelet-match.js';
import type { AuthTarget, Credential, Keychain } from './types.js';

/** DOCKER_CONFIG_JSON_TYPE is the modern pull-secret type; its payload is `{"auths": {…}}` under `.dockerconfigjson`. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** DOCKERCFG_TYPE is the legacy pull-secret type; its payload is a flat `{registry: entry}` map under `.dockercfg`. */
export const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';

/** PullSecret is one Secret object as read from a file (any type; only the two docker types yield credentials). */
export interface PullSecret {
  name: string;
  namespace?: string;
  /** source names the file the Secret came from. */
  source: string;
  document: Record<string, unknown>;
}

/** pullSecretsFrom keeps the `kind: Secret` objects of a parsed manifest. */
export function pullSecretsFrom(objects: KubeObject[]): PullSecret[] {
  return objects.filter((o) => o.kind === 'Secret' && isCoreV1(o.document));
}

/** parsePullSecrets reads the Secrets from YAML/JSON text (multi-document and `kind: List` allowed). */
export function parsePullSecrets(text: string, file: string): PullSecret[] {
  return pullSecretsFrom(parseKubeObjects(text, file));
}

/** loadPullSecretFiles reads and parses `--pull-secret` files; a missing or unreadable file is CREDENTIAL_CONFIG. */
export async function loadPullSecretFiles(files: readonly string[], readFile: ReadTextFile): Promise<PullSecret[]> {
  const texts = await Promise.all(files.map((f) => readRequiredFile(readFile, f, 'pull secret file')));
  return texts.flatMap((text, i) => parsePullSecrets(text, files[i]!));
}

/** secretSourceLabel names a Secret for messages and Credential.source: `secret default/regcred (deploy/secret.yaml)`. */
export function secretSourceLabel(secret: PullSecret): string {
  return `secret ${objectLabel(secret)} (${secret.source})`;
}

/**
 * secretAuthEntries returns the `[registry key, credential]` pairs of a pull
 * secret in file order, or [] for Secrets of any other type. Like kubelet,
 * only username/password (or `auth`, which overrides them) are used.
 * Malformed base64 or JSON throws CREDENTIAL_CONFIG naming the file, the
 * Secret and the key, never the content.
 */
export function secretAuthEntries(secret: PullSecret): Array<[string, Credential]> {
  const type = secret.document.type;
  const key = type === DOCKER_CONFIG_JSON_TYPE ? '.dockerconfigjson' : type === DOCKERCFG_TYPE ? '.dockercfg' : undefined;
  if (key === undefined) return [];
  const label = secretSourceLabel(secret);
  const payload = secretValue(secret, key, label);
  if (payload === undefined) throw new PinError('CREDENTIAL_CONFIG', `${label}: type ${String(type)} requires data["${key}"]`);
  const parsed = parseJsonText(payload, `${label}: ${key}`);
  if (!isPlainObject(parsed)) throw new PinError('CREDENTIAL_CONFIG', `${label}: ${key} must be a JSON object`);
  const auths = key === '.dockerconfigjson' ? (parsed.auths ?? {}) : parsed;
  if (!isPlainObject(auths)) throw new PinError('CREDENTIAL_CONFIG', `${label}: ${key} "auths" must be a JSON object`);
  const out: Array<[string, Credential]> = [];
  for (const [registry, entry] of Object.entries(auths)) {
    const fields = decodeAuthEntry(entry, `${label}: ${key} ["${registry}"]`, { tokens: false, trimNul: false });
    // An entry without credentials would make kubelet pull anonymously; leave that to the anonymous fallback.
    if (hasSecret(fields)) out.push([registry, makeCredential({ source: label, ...fields })]);
  }
  return out;
}

/**
 * secretValue reads `key` from `stringData` (which the API server merges over
 * `data` on write) or from base64 `data`.
 * https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
function secretValue(secret: PullSecret, key: string, label: string): string | undefined {
  const { stringData, data } = secret.document;
  const plain = isPlainObject(stringData) ? stringData[key] : undefined;
  if (plain !== undefined && plain !== null) {
    if (typeof plain !== 'string') throw new PinError('CREDENTIAL_CONFIG', `${label}: stringData["${key}"] must be a string`);
    return plain === '' ? undefined : plain;
  }
  const encoded = isPlainObject(data) ? data[key] : undefined;
  if (encoded === undefined || encoded === null || encoded === '') return undefined;
  const bytes = typeof encoded === 'string' ? decodeStdBase64(encoded) : undefined;
  if (!bytes) throw new PinError('CREDENTIAL_CONFIG', `${label}: data["${key}"] is not valid base64`);
  return bytes.toString('utf8');
}

function isCoreV1(doc: Record<string, unknown>): boolean {
  return doc.apiVersion === undefined || doc.apiVersion === 'v1';
}

/**
 * secretsKeychain is a Keychain over Kubernetes pull secrets with kubelet's
 * semantics: all Secrets go into one keyring (kubernetes
 * pkg/credentialprovider/secrets `MakeDockerKeyring`), and a lookup returns
 * every matching credential, most specific key first, to be tried in order
 * until one is accepted. Secrets are validated here, so a malformed one throws
 * at construction.
 */
export function secretsKeychain(secrets: readonly PullSecret[]): Keychain {
  const keyring = new KubeletKeyring<Credential>();
  for (const secret of secrets) keyring.add(secretAuthEntries(secret));
  const names = secrets.map((s) => objectLabel(s));
  return {
    lookup: (target: AuthTarget) => Promise.resolve(keyring.lookup(kubeletImageName(target))),
    describe: () => (names.length === 0 ? 'pull secrets (none)' : `pull secrets (${names.join(', ')})`),
  };
}
