import { isScalar, type YAMLMap } from 'yaml';
import type { YamlReader } from '../yaml/reader.js';
import { lineStart } from '../yaml/source.js';
import type { PodContext } from './types.js';

/**
 * podContext gathers what kubelet would know about the pod an image runs in.
 * `parents` runs from the object down to the container mapping (the last
 * entry); pull secrets and the service account come from the nearest mapping
 * that sets them (the PodSpec, or the CRD spec that plays its role).
 */
export function podContext(reader: YamlReader, text: string, parents: readonly YAMLMap[], namespace?: string): PodContext {
  const pod: PodContext = {};
  if (namespace !== undefined) pod.namespace = namespace;
  const container = parents[parents.length - 1];
  if (!container) return pod;
  const policy = reader.str(reader.get(container, 'imagePullPolicy'));
  if (policy !== undefined) pod.imagePullPolicy = policy;
  const indent = keyIndent(container, text);
  if (indent !== undefined) pod.containerIndent = indent;
  for (let i = parents.length - 1; i >= 0; i--) {
    const map = parents[i]!;
    if (!pod.imagePullSecrets) {
      const secrets = pullSecretNames(reader, map);
      if (secrets) pod.imagePullSecrets = secrets;
    }
    if (pod.serviceAccountName === undefined) {
      // `serviceAccount` is the deprecated alias of `serviceAccountName`.
      const account = reader.str(reader.get(map, 'serviceAccountName')) ?? reader.str(reader.get(map, 'serviceAccount'));
      if (account !== undefined && account !== '') pod.serviceAccountName = account;
    }
  }
  return pod;
}

/** pullSecretNames reads `imagePullSecrets: [{name}]` of a mapping, or undefined when absent. */
export function pullSecretNames(reader: YamlReader, map: YAMLMap): string[] | undefined {
  const seq = reader.seq(reader.get(map, 'imagePullSecrets'));
  if (!seq) return undefined;
  const names: string[] = [];
  for (const item of seq.items) {
    const ref = reader.map(item);
    const name = ref ? reader.str(reader.get(ref, 'name')) : reader.str(item);
    if (name) names.push(name);
  }
  return names;
}

/**
 * keyIndent returns the whitespace before a block mapping's keys (the column
 * of its first key), or undefined for flow mappings, which have no lines.
 */
export function keyIndent(map: YAMLMap, text: string): string | undefined {
  if (map.flow) return undefined;
  const key = map.items[0]?.key;
  if (!isScalar(key) || !key.range) return undefined;
  return ' '.repeat(key.range[0] - lineStart(text, key.range[0]));
}
