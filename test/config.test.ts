import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finderOptionsFor, loadConfig, validateConfig } from '../src/config.js';
import { isPinError } from '../src/errors.js';
import { tempDir } from './helpers/cli.js';

describe('.digestpin.yaml', () => {
  it('is optional: defaults when the file is absent', async () => {
    expect(await loadConfig(await tempDir())).toMatchObject({ customImagePaths: [], registryMirrors: [], dockerfileCopyFrom: false });
  });

  it('reads every key', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, '.digestpin.yaml'), [
      'customImagePaths: [{kind: MyKind, apiVersion: config/v1, path: spec.runLatest.container.image}]',
      'registryMirrors: ["docker.io=mirror.local:5000/hub"]',
      'insecureRegistries: ["localhost:5000"]',
      'include: ["deploy/**"]',
      'exclude: ["deploy/old/**"]',
      'dockerfileCopyFrom: true',
    ].join('\n'));
    const config = await loadConfig(dir);
    expect(config.customImagePaths).toEqual([{ kind: 'MyKind', apiVersion: 'config/v1', path: 'spec.runLatest.container.image' }]);
    expect(finderOptionsFor(config, {})).toEqual({ customPaths: config.customImagePaths, dockerfileCopyFrom: true });
  });

  it('resolves the credential provider paths against the config file directory (issue 15)', async () => {
    const dir = await tempDir();
    await fs.mkdir(path.join(dir, 'ci'));
    await fs.writeFile(path.join(dir, 'ci', 'pin.yaml'), 'imageCredentialProviderConfig: kubelet/providers.yaml\nimageCredentialProviderBinDir: /usr/libexec/kubernetes/kubelet-plugins\n');
    expect(await loadConfig(dir, 'ci/pin.yaml')).toMatchObject({
      imageCredentialProviderConfig: path.join(dir, 'ci', 'kubelet', 'providers.yaml'),
      imageCredentialProviderBinDir: '/usr/libexec/kubernetes/kubelet-plugins',
    });
  });

  it('an explicit --config that does not exist is an error', async () => {
    await expect(loadConfig(await tempDir(), 'nope.yaml')).rejects.toSatisfy((e) => isPinError(e, 'CONFIG_INVALID'));
  });

  it.each([
    [{ unknown: 1 }, /unknown key "unknown"/],
    [{ customImagePaths: [{ path: 'spec.image' }] }, /customImagePaths\[0\]\.kind is required/],
    [{ customImagePaths: [{ kind: 'K', path: 'spec..image' }] }, /must look like spec\.containers\[\]\.image/],
    [{ registryMirrors: 'docker.io=x' }, /"registryMirrors" must be a list/],
    // Issue 11 item 12: the same grammar as --registry-mirror, reported as a config error.
    [{ registryMirrors: ['docker.io=mirror.local/hub?x=1'] }, /registryMirrors\[0\].*docker\.io=mirror\.local\/hub\?x=1/],
    [{ registryMirrors: ['ghcr.io=m.example/ok', 'docker.io=mirror.local/../x'] }, /registryMirrors\[1\]/],
    [{ dockerfileCopyFrom: 'yes' }, /must be true or false/],
    [{ imageCredentialProviderConfig: 3 }, /"imageCredentialProviderConfig" must be a path/],
  ])('rejects %j with CONFIG_INVALID naming the key', (value, message) => {
    expect(() => validateConfig(value, 'c.yaml')).toThrow(message);
  });
});
