import { isPlainObject } from './inject.js';
import type { KubeObject } from './kube-objects.js';
import type { PullSecret } from './kube-secret.js';

/** ServiceAccountInfo is a ServiceAccount found in the scanned tree. */
export interface ServiceAccountInfo {
  name: string;
  namespace?: string;
  /** imagePullSecrets lists the Secret names the account carries, in order. */
  imagePullSecrets: string[];
  source: string;
}

/** PodPullSecretQuery describes one workload's pod template. */
export interface PodPullSecretQuery {
  /** namespace is the workload's `metadata.namespace` (undefined when not written). */
  namespace?: string | undefined;
  /** imagePullSecrets are the pod spec's `imagePullSecrets[].name` values, in order. */
  imagePullSecrets?: readonly string[] | undefined;
  /** serviceAccountName is `spec.serviceAccountName` (or the deprecated `spec.serviceAccount`). */
  serviceAccountName?: string | undefined;
}

/** PodPullSecretSelection is what kubelet would be handed for that pod. */
export interface PodPullSecretSelection {
  /** secrets are the Secrets found in the tree, in the order kubelet receives them. */
  secrets: PullSecret[];
  /** missing names referenced Secrets that are not in the tree (kubelet skips those with a warning). */
  missing: string[];
  /** via says where the names came from: the pod spec, its ServiceAccount, or nowhere. */
  via: 'pod' | 'serviceAccount' | 'none';
  /** serviceAccount is the effective ServiceAccount name (`default` when unset). */
  serviceAccount: string;
}

/** serviceAccountsFrom keeps the ServiceAccounts of a parsed tree with their imagePullSecrets names. */
export function serviceAccountsFrom(objects: readonly KubeObject[]): ServiceAccountInfo[] {
  return objects
    .filter((o) => o.kind === 'ServiceAccount')
    .map((o) => ({
      name: o.name,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      imagePullSecrets: imagePullSecretNames(o.document.imagePullSecrets),
      source: o.source,
    }));
}

/** imagePullSecretNames extracts the non-empty `name`s from an `imagePullSecrets` list (pod spec or ServiceAccount). */
export function imagePullSecretNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((ref) => (isPlainObject(ref) && typeof ref.name === 'string' && ref.name !== '' ? [ref.name] : []));
}

/**
 * selectPodPullSecrets returns the Secrets kubelet would use for a pod whose
 * objects all come from the scanned tree. The ServiceAccount admission plugin
 * defaults `serviceAccountName` to `default` and copies the account's
 * imagePullSecrets into the pod only when the pod lists none of its own
 * (kubernetes plugin/pkg/admission/serviceaccount/admission.go, `Admit`:
 * `if len(pod.Spec.ImagePullSecrets) == 0 { copy(...serviceAccount.ImagePullSecrets) }`).
 * Kubelet then skips empty names and Secrets it cannot fetch
 * (pkg/kubelet/kubelet_pods.go `getPullSecretsForPod`).
 *
 * Namespaces: an object with an explicit namespace matches only that
 * namespace; when no exact match exists, an object without one (applied with
 * `kubectl -n`) matches any, and a pod without one matches any Secret.
 */
export function selectPodPullSecrets(
  query: PodPullSecretQuery,
  tree: { secrets: readonly PullSecret[]; serviceAccounts: readonly ServiceAccountInfo[] },
): PodPullSecretSelection {
  const serviceAccount = query.serviceAccountName || 'default';
  let names = (query.imagePullSecrets ?? []).filter((n) => n !== '');
  let via: PodPullSecretSelection['via'] = names.length > 0 ? 'pod' : 'none';
  if (names.length === 0) {
    const sa = findInNamespace(tree.serviceAccounts, serviceAccount, query.namespace);
    names = sa?.imagePullSecrets.filter((n) => n !== '') ?? [];
    if (names.length > 0) via = 'serviceAccount';
  }
  const secrets: PullSecret[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const secret = findInNamespace(tree.secrets, name, query.namespace);
    if (secret) secrets.push(secret);
    else missing.push(name);
  }
  return { secrets, missing, via, serviceAccount };
}

function findInNamespace<T extends { name: string; namespace?: string }>(
  items: readonly T[],
  name: string,
  namespace: string | undefined,
): T | undefined {
  const named = items.filter((i) => i.name === name);
  return (
    named.find((i) => i.namespace === namespace) ??
    named.find((i) => i.namespace === undefined || namespace === undefined)
  );
}
