import { parseAllDocuments } from 'yaml';
import { PinError } from '../errors.js';
import { isPlainObject, lineCol } from './inject.js';

/** KubeObject is one Kubernetes object read from a manifest file (List items flattened). */
export interface KubeObject {
  kind: string;
  name: string;
  /** namespace is `metadata.namespace`, undefined when the manifest leaves it to `kubectl -n`. */
  namespace?: string;
  /** source names the file the object came from. */
  source: string;
  document: Record<string, unknown>;
}

/**
 * parseKubeObjects reads every object from YAML or JSON text: multi-document
 * streams, and `kind: List` (or `*List`) wrappers whose `items` are flattened.
 * Syntax errors name the file, line and column but never quote the text, which
 * may hold credentials.
 */
export function parseKubeObjects(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const err = doc.errors[0];
    if (err) {
      throw new PinError('CREDENTIAL_CONFIG', `${file}: invalid YAML at ${lineCol(text, err.pos[0])} (${err.code})`);
    }
    collect(doc.toJS({ maxAliasCount: 100 }) as unknown, file, out);
  }
  return out;
}

function collect(value: unknown, file: string, out: KubeObject[]): void {
  if (!isPlainObject(value) || typeof value.kind !== 'string') return;
  if (value.kind.endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items) collect(item, file, out);
    return;
  }
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  out.push({ kind: value.kind, name, ...(namespace === undefined ? {} : { namespace }), source: file, document: value });
}

/** objectLabel renders `namespace/name` for messages; an absent namespace shows as `default`. */
export function objectLabel(obj: { name: string; namespace?: string | undefined }): string {
  return `${obj.namespace ?? 'default'}/${obj.name || '<unnamed>'}`;
}
