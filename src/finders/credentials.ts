import type { YAMLMap } from 'yaml';
import type { YamlReader } from '../yaml/reader.js';
import { yamlError, type YamlSource } from '../yaml/source.js';
import { pullSecretNames } from './pod-context.js';
import type { FindResult } from './types.js';

/** PULL_SECRET_TYPES are the Secret types kubelet reads registry credentials from. */
export const PULL_SECRET_TYPES: ReadonlySet<string> = new Set([
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg',
]);

/** MAX_ALIAS_COUNT bounds alias expansion when a Secret is converted to plain data. */
const MAX_ALIAS_COUNT = 100;

/**
 * collectCredentials records image pull Secrets and ServiceAccounts that list
 * imagePullSecrets, so credentials can be taken from the scanned tree. Secret
 * data stays encoded; nothing here decodes or logs it.
 */
export function collectCredentials(source: YamlSource, reader: YamlReader, object: YAMLMap, kind: string, result: Required<FindResult>): void {
  if (kind !== 'Secret' && kind !== 'ServiceAccount') return;
  const metadata = reader.map(reader.get(object, 'metadata'));
  const name = metadata && reader.str(reader.get(metadata, 'name'));
  if (!metadata || !name) return;
  const namespace = reader.str(reader.get(metadata, 'namespace'));
  if (kind === 'Secret') {
    const type = reader.str(reader.get(object, 'type'));
    if (!type || !PULL_SECRET_TYPES.has(type)) return;
    const document = plainData(source, reader, object);
    result.secrets.push({ file: source.file, name, ...(namespace !== undefined && { namespace }), type, document });
    return;
  }
  const imagePullSecrets = pullSecretNames(reader, object);
  if (imagePullSecrets && imagePullSecrets.length > 0) {
    result.serviceAccounts.push({ file: source.file, name, ...(namespace !== undefined && { namespace }), imagePullSecrets });
  }
}

/** plainData converts a Secret to plain data, turning an alias bomb into a YAML_SYNTAX error. */
function plainData(source: YamlSource, reader: YamlReader, object: YAMLMap): Record<string, unknown> {
  try {
    return object.toJS(reader.document, { maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (error) {
    throw yamlError(source, object.range?.[0] ?? 0, `cannot read Secret: ${(error as Error).message}`);
  }
}
