import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import { MODES } from '../harness/global-setup.js';
import { skopeoDigest } from '../harness/skopeo.js';
import { dockerConfigFor, runCli } from '../helpers/cli.js';

// `digestpin resolve` against the real distribution registry in every auth mode:
// each seeded tag must resolve to the digest computed from the pushed bytes.
describe.each(MODES)('digestpin resolve against the %s registry', (mode) => {
  const reg = registryFromContext(mode);
  afterAll(() => reg.close());

  async function registryArgs(): Promise<string[]> {
    const args = reg.caFile ? ['--ca-file', reg.caFile] : ['--insecure-registry', reg.host];
    const [user, password] = Object.entries(reg.users)[0] ?? [];
    if (user && password) args.push('--docker-config', await dockerConfigFor(reg.host, user, password));
    return args;
  }

  it('resolves every seeded tag to the digest of the pushed bytes', async () => {
    const refs = reg.images.map((i) => `${reg.host}/${i.repository}:${i.tag}`);
    const result = await runCli(['resolve', ...(await registryArgs()), ...refs]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual(reg.images.map((i) => `${reg.host}/${i.repository}:${i.tag} ${i.digest}`));
  });

  it('prints what skopeo inspect --raw | sha256sum sees, for every seeded tag', async () => {
    const refs = reg.images.map((i) => `${i.repository}:${i.tag}`);
    const result = await runCli(['resolve', ...(await registryArgs()), ...refs.map((r) => `${reg.host}/${r}`)]);
    expect(result.code).toBe(0);
    const ours = result.stdout.trim().split('\n').map((line) => line.split(' ')[1]);
    expect(ours).toEqual(await Promise.all(refs.map((r) => skopeoDigest(reg, r))));
  });

  it('reports platforms of an index and of a Docker manifest list in --json', async () => {
    const refs = ['app/multi', 'app/list'].map((r) => `${reg.host}/${r}:v1`);
    const result = await runCli(['resolve', '--json', ...(await registryArgs()), ...refs]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Array<{ digest: string; platforms: Array<{ platform: string; digest: string }> }>;
    for (const [i, repo] of ['app/multi', 'app/list'].entries()) {
      const seed = reg.image(repo, 'v1');
      expect(parsed[i]!.digest).toBe(seed.digest);
      expect(parsed[i]!.platforms).toEqual(seed.platforms);
    }
  });

  it('prints the digest of one platform with --platform', async () => {
    const ref = `${reg.host}/app/multi:v1`;
    const result = await runCli(['resolve', '--platform', 'linux/arm64', ...(await registryArgs()), ref]);
    const arm = reg.image('app/multi', 'v1').platforms!.find((p) => p.platform === 'linux/arm64')!;
    expect(result.stdout).toContain(`${ref} linux/arm64 ${arm.digest}`);
  });

  it('reports an unknown tag per reference and still prints the others (exit 2)', async () => {
    const good = `${reg.host}/app/oci:v1`;
    const bad = `${reg.host}/app/oci:does-not-exist`;
    const result = await runCli(['resolve', ...(await registryArgs()), good, bad]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(`${good} ${reg.image('app/oci', 'v1').digest}\n`);
    expect(result.stderr).toMatch(new RegExp(`digestpin: ${bad.replace(/[.]/g, '\\.')}: .*MANIFEST_UNKNOWN`));
  });
});
