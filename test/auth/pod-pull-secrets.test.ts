import { describe, expect, it } from 'vitest';
import { parseKubeObjects } from '../../src/auth/kube-objects.js';
import { pullSecretsFrom } from '../../src/auth/kube-secret.js';
import { imagePullSecretNames, selectPodPullSecrets, serviceAccountsFrom } from '../../src/auth/pod-pull-secrets.js';

const TREE = `
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: prod}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{}}'}
---
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: staging}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{}}'}
---
apiVersion: v1
kind: Secret
metadata: {name: sa-cred}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{}}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: prod}
imagePullSecrets: [{name: sa-cred}, {name: ''}, {name: gone}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: prod}
imagePullSecrets: [{name: regcred}]
`;

const objects = parseKubeObjects(TREE, 'tree.yaml');
const tree = { secrets: pullSecretsFrom(objects), serviceAccounts: serviceAccountsFrom(objects) };
const labels = (sel: ReturnType<typeof selectPodPullSecrets>) => sel.secrets.map((s) => `${s.namespace ?? '-'}/${s.name}`);

describe('selectPodPullSecrets', () => {
  it("uses the pod's own imagePullSecrets in the pod's namespace", () => {
    const sel = selectPodPullSecrets({ namespace: 'staging', imagePullSecrets: ['regcred'], serviceAccountName: 'builder' }, tree);
    expect(labels(sel)).toEqual(['staging/regcred']);
    expect(sel).toMatchObject({ via: 'pod', missing: [], serviceAccount: 'builder' });
  });

  it("copies the ServiceAccount's imagePullSecrets only when the pod has none (SA admission plugin)", () => {
    const sel = selectPodPullSecrets({ namespace: 'prod', imagePullSecrets: [], serviceAccountName: 'builder' }, tree);
    // sa-cred has no namespace in the tree, so it is applied into prod with the workload.
    expect(labels(sel)).toEqual(['-/sa-cred']);
    expect(sel).toMatchObject({ via: 'serviceAccount', missing: ['gone'] });
  });

  it('defaults serviceAccountName to "default"', () => {
    const sel = selectPodPullSecrets({ namespace: 'prod' }, tree);
    expect(labels(sel)).toEqual(['prod/regcred']);
    expect(sel).toMatchObject({ via: 'serviceAccount', serviceAccount: 'default' });
  });

  it('never mixes pod and ServiceAccount secrets', () => {
    const sel = selectPodPullSecrets({ namespace: 'prod', imagePullSecrets: ['sa-cred'] }, tree);
    expect(labels(sel)).toEqual(['-/sa-cred']);
    expect(sel.via).toBe('pod');
  });

  it('does not use a Secret from another explicit namespace', () => {
    const sel = selectPodPullSecrets({ namespace: 'dev', imagePullSecrets: ['regcred'] }, tree);
    expect(sel).toMatchObject({ secrets: [], missing: ['regcred'], via: 'pod' });
  });

  it('reports none when neither the pod nor a ServiceAccount in the tree names secrets', () => {
    const sel = selectPodPullSecrets({ namespace: 'dev', serviceAccountName: 'builder' }, tree);
    expect(sel).toMatchObject({ secrets: [], missing: [], via: 'none' });
  });
});

describe('imagePullSecretNames', () => {
  it.each([
    [[{ name: 'a' }, { name: '' }, {}, 'x', { name: 'b' }], ['a', 'b']],
    [undefined, []],
    [{ name: 'a' }, []],
  ])('%j → %j', (value, names) => {
    expect(imagePullSecretNames(value)).toEqual(names);
  });
});
