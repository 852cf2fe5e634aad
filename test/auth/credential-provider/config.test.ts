import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCredentialProviderConfig, readCredentialProviderConfig } from '../../../src/auth/credential-provider/config.js';
import { tempDir } from '../fakes.js';

const FILE = '/etc/kubernetes/credential-provider.yaml';

// The example of kubernetes.io/docs/tasks/kubelet-credential-provider/kubelet-credential-provider/.
const ECR = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr.ecr.*.amazonaws.cn"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    args:
      - get-credentials
    env:
      - name: AWS_PROFILE
        value: example_profile
`;

describe('parseCredentialProviderConfig', () => {
  it('reads the documented example', () => {
    expect(parseCredentialProviderConfig(ECR, FILE)).toEqual([{
      name: 'ecr-credential-provider',
      matchImages: ['*.dkr.ecr.*.amazonaws.com', '*.dkr.ecr.*.amazonaws.cn'],
      defaultCacheDurationMs: 12 * 3600 * 1000,
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      args: ['get-credentials'],
      env: [{ name: 'AWS_PROFILE', value: 'example_profile' }],
      source: `${FILE}:4:5`,
    }]);
  });

  it('reads JSON and the v1beta1/v1alpha1 versions', () => {
    const json = JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'CredentialProviderConfig',
      providers: [{ name: 'acr', matchImages: ['*.azurecr.io'], defaultCacheDuration: '0s', apiVersion: 'credentialprovider.kubelet.k8s.io/v1alpha1' }],
    });
    expect(parseCredentialProviderConfig(json, FILE)).toMatchObject([{ name: 'acr', defaultCacheDurationMs: 0, args: [], env: [] }]);
  });

  const provider = (fields: string) => `apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n  - ${fields}\n`;
  const ok = 'name: p\n    matchImages: ["gcr.io"]\n    defaultCacheDuration: 1h\n    apiVersion: credentialprovider.kubelet.k8s.io/v1';

  // Validation rules of kubernetes pkg/credentialprovider/plugin/config.go validateCredentialProviderConfig.
  it.each([
    ['wrong kind', ECR.replace('kind: CredentialProviderConfig', 'kind: Other'), /:2:7: kind must be CredentialProviderConfig/],
    ['wrong config apiVersion', ECR.replace('kubelet.config.k8s.io/v1', 'kubelet.config.k8s.io/v2'), /:1:13: apiVersion must be one of/],
    ['no providers', 'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n', /:3:12: providers: at least 1 item is required/],
    ['a name with /', provider(ok.replace('name: p', 'name: ../p')), /:4:11: provider name "..\/p" must be a file name/],
    ['a name with a space', provider(ok.replace('name: p', 'name: "a b"')), /must be a file name/],
    ['name ..', provider(ok.replace('name: p', 'name: ".."')), /must be a file name/],
    ['a missing plugin apiVersion', provider(ok.replace(/\n.*apiVersion: credentialprovider.*/, '')), /apiVersion must be one of credentialprovider.kubelet.k8s.io\/v1/],
    ['an unsupported plugin apiVersion', provider(ok.replace('kubelet.k8s.io/v1', 'kubelet.k8s.io/v2')), /:7:17: providers\[0\].apiVersion must be one of/],
    ['no matchImages', provider(ok.replace('["gcr.io"]', '[]')), /matchImages: at least 1 item is required/],
    ['an invalid matchImages entry', provider(ok.replace('"gcr.io"', '"gcr.io:port"')), /:5:19: match image "gcr.io:port" is invalid/],
    ['no defaultCacheDuration', provider(ok.replace(/\n.*defaultCacheDuration.*/, '')), /defaultCacheDuration is required/],
    ['a negative defaultCacheDuration', provider(ok.replace('1h', '-1h')), /:6:27: .*defaultCacheDuration is required: a duration >= 0/],
    ['a bad defaultCacheDuration', provider(ok.replace('1h', '1d')), /defaultCacheDuration is required/],
    ['an unknown provider field (strict decoding)', provider(`${ok}\n    matchImage: ["x"]`), /:8:17: unknown field "matchImage"/],
    ['an unknown top-level field', `${ECR}extra: 1\n`, /unknown field "extra"/],
    ['env without value', provider(`${ok}\n    env: [{name: A}]`), /env\[0\] must be \{name, value\} strings/],
    ['args not strings', provider(`${ok}\n    args: [1]`), /args must be a list of strings/],
    ['duplicate names', `${provider(ok)}  - ${ok}\n`, /:8:11: duplicate provider name "p" \(first at .*:4:5\)/],
    ['tokenAttributes without requireServiceAccount', provider(`${ok}\n    tokenAttributes: {serviceAccountTokenAudience: aud}`), /requireServiceAccount is required/],
    ['invalid YAML', 'providers: [\n', /:2:1: invalid YAML\/JSON/],
  ])('rejects %s with CONFIG_INVALID at file:line:col', (_, text, message) => {
    expect(() => parseCredentialProviderConfig(text, FILE)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) as string }));
  });

  it('records requireServiceAccount from tokenAttributes', () => {
    const text = provider(`${ok}\n    tokenAttributes: {serviceAccountTokenAudience: aud, requireServiceAccount: true, cacheType: Token}`);
    expect(parseCredentialProviderConfig(text, FILE)).toMatchObject([{ requireServiceAccount: true }]);
  });
});

describe('readCredentialProviderConfig', () => {
  it('merges a directory of *.json/*.yaml/*.yml in lexicographic order and rejects duplicate names across files', async () => {
    const dir = await tempDir();
    const one = (name: string) => ECR.replace('ecr-credential-provider', name);
    await writeFile(join(dir, 'b.yaml'), one('b'));
    await writeFile(join(dir, 'a.yml'), one('a'));
    await writeFile(join(dir, 'ignored.txt'), 'x');
    await mkdir(join(dir, 'c.yaml'));
    expect((await readCredentialProviderConfig(dir)).map((p) => p.name)).toEqual(['a', 'b']);
    await writeFile(join(dir, 'c.json'), one('a'));
    await expect(readCredentialProviderConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('duplicate provider name "a"') as string });
  });

  it('fails on a missing path and on a directory without config files', async () => {
    const dir = await tempDir();
    await expect(readCredentialProviderConfig(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(readCredentialProviderConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('no *.json') as string });
  });
});
