import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryFromContext } from '../harness/context.js';
import { createDispatcher } from '../harness/http.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { seedImage } from '../harness/seed.js';
import type { SeededImage } from '../harness/types.js';
import { type CliResult, type CliRunOptions, runCli } from '../helpers/cli.js';
import { type Login, authsOf, basicAuth, scratch, secretString } from '../helpers/credentials.js';

// Issue 15: credentials from kubelet credential provider plugins, DOCKER_AUTH_CONFIG and the
// legacy ~/.dockercfg, resolved against the real TLS + htpasswd registry. Every output is
// searched for the planted secrets in plain, base64, URL-encoded and upper-cased forms.

const tmp = scratch('digestpin-sources-');
afterAll(() => tmp.remove());

const V1 = 'credentialprovider.kubelet.k8s.io/v1';

/** leakForms lists every form a secret could leak in. */
function leakForms(username: string, secret: string): string[] {
  const forms = [secret, basicAuth(username, secret), Buffer.from(secret).toString('base64'), encodeURIComponent(secret), secret.toUpperCase()];
  return [...new Set(forms.flatMap((f) => [f, f.toUpperCase()]))];
}

function expectNoLeak(result: CliResult, secrets: readonly string[]): void {
  for (const s of secrets) {
    expect(result.stdout.includes(s), 'stdout leaks a secret').toBe(false);
    expect(result.stderr.includes(s), 'stderr leaks a secret').toBe(false);
  }
}

async function write(file: string, text: string, mode?: number): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text, mode === undefined ? undefined : { mode });
  return file;
}

interface PluginSetup {
  args: string[];
  /** requests returns the CredentialProviderRequest lines the plugin received. */
  requests(): Promise<{ kind: string; apiVersion: string; image: string }[]>;
}

/**
 * writePlugin writes a bash credential provider plugin named `name` that logs its stdin
 * and prints `response` (stored in a file beside it, never in argv), plus a
 * CredentialProviderConfig for `matchImages`.
 */
async function writePlugin(name: string, matchImages: string[], response: unknown, extra: Record<string, unknown> = {}): Promise<PluginSetup> {
  const dir = await tmp.dir();
  const binDir = path.join(dir, 'plugins');
  const log = path.join(dir, 'requests.log');
  const answer = await write(path.join(dir, 'answer.json'), typeof response === 'string' ? response : JSON.stringify(response));
  await write(path.join(binDir, name), `#!/usr/bin/env bash\nset -eu\ncat >> '${log}'\ncat '${answer}'\n`, 0o755);
  const config = await write(path.join(dir, 'credential-provider.yaml'), [
    'apiVersion: kubelet.config.k8s.io/v1', 'kind: CredentialProviderConfig', 'providers:', `  - name: ${name}`,
    `    matchImages: ${JSON.stringify(matchImages)}`, '    defaultCacheDuration: "12h"', `    apiVersion: ${V1}`,
    ...Object.entries(extra).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`), '',
  ].join('\n'));
  return {
    args: ['--image-credential-provider-config', config, '--image-credential-provider-bin-dir', binDir],
    async requests() {
      const text = await fs.readFile(log, 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { kind: string; apiVersion: string; image: string });
    },
  };
}

const providerResponse = (auth: Record<string, { username: string; password: string }>, extra: Record<string, unknown> = {}) =>
  ({ kind: 'CredentialProviderResponse', apiVersion: V1, cacheKeyType: 'Registry', auth, ...extra });

describe.concurrent('credential sources of issue 15 against the TLS + htpasswd registry', () => {
  const reg = registryFromContext('htpasswd');
  afterAll(() => reg.close());
  const ref = `${reg.host}/app/oci:v1`;
  const digest = () => reg.image('app/oci', 'v1').digest;
  const alice: Login = { registry: reg.host, username: 'alice', password: reg.users.alice! };
  const secrets = leakForms(alice.username, alice.password);

  async function cli(argv: string[], options: CliRunOptions & { home?: string } = {}): Promise<CliResult> {
    return runCli(['resolve', '-v', '--ca-file', reg.caFile!, ...argv], { homedir: options.home ?? (await tmp.dir()), ...options });
  }

  it('resolves through a credential provider plugin, which gets a CredentialProviderRequest for registry/repository', async () => {
    const plugin = await writePlugin('test-provider', [reg.host], providerResponse({ [reg.host]: { username: alice.username, password: alice.password } }));
    const result = await cli([...plugin.args, ref]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${digest()}\n`);
    expect(result.stderr).toContain(`auth ${reg.host}: using credential provider plugin "test-provider" auth["${reg.host}"]`);
    expect(await plugin.requests()).toEqual([{ kind: 'CredentialProviderRequest', apiVersion: V1, image: `${reg.host}/app/oci` }]);
    expectNoLeak(result, secrets);
  });

  it('names the plugin when its credential is refused, never the password', async () => {
    const wrong = secretString('wrong');
    const plugin = await writePlugin('test-provider', [reg.host], providerResponse({ [reg.host]: { username: 'alice', password: wrong } }));
    const result = await cli([...plugin.args, ref]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${ref}:`);
    expect(result.stderr).toContain('credential provider plugin "test-provider"');
    expect(result.stderr).toMatch(/\[UNAUTHORIZED\]/);
    expectNoLeak(result, leakForms('alice', wrong));
  });

  it('fails with CREDENTIAL_PROVIDER on a malformed response, without echoing it', async () => {
    const plugin = await writePlugin('broken', [reg.host], `{"kind":"CredentialProviderResponse","auth":{"x":{"password":"${alice.password}"`);
    const result = await cli([...plugin.args, ref]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('credential provider plugin "broken"');
    expect(result.stderr).toContain('printed a response that is not JSON');
    expect(result.stderr).toContain('[CREDENTIAL_PROVIDER]');
    expectNoLeak(result, secrets);
  });

  it('is a usage error to give the config without the bin dir', async () => {
    const plugin = await writePlugin('p', [reg.host], providerResponse({}));
    const result = await cli([plugin.args[0]!, plugin.args[1]!, ref]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be given together');
  });

  it('resolves through DOCKER_AUTH_CONFIG, ahead of a config.json with a wrong password', async () => {
    const wrong = secretString('stale');
    const dockerDir = path.join(await tmp.dir(), 'docker');
    await write(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: authsOf([{ ...alice, password: wrong }]) }));
    const result = await cli(['--docker-config', dockerDir, ref], { env: { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: authsOf([alice]) }) } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${digest()}\n`);
    expect(result.stderr).toContain(`auth ${reg.host}: using docker config auths["${reg.host}"] (DOCKER_AUTH_CONFIG)`);
    expectNoLeak(result, [...secrets, ...leakForms('alice', wrong)]);
  });

  it('names DOCKER_AUTH_CONFIG when it is malformed, without quoting it', async () => {
    const result = await cli([ref], { env: { DOCKER_AUTH_CONFIG: `{"auths":{"${reg.host}":{"auth":"${basicAuth('alice', alice.password)}"` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DOCKER_AUTH_CONFIG: invalid JSON');
    expectNoLeak(result, secrets);
  });

  it('resolves through the legacy ~/.dockercfg (no auths wrapper), keyed by URL', async () => {
    const home = await tmp.dir();
    const file = await write(path.join(home, '.dockercfg'), JSON.stringify({ [`https://${reg.host}/v1/`]: { auth: basicAuth(alice.username, alice.password), email: 'ci@example.com' } }));
    const result = await cli([ref], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${digest()}\n`);
    expect(result.stderr).toContain(`auth ${reg.host}: using legacy .dockercfg auths["https://${reg.host}/v1/"] (${file})`);
    expectNoLeak(result, secrets);
  });
});

// An ECR-shaped provider: user `AWS`, a long base64 password (htpasswd caps passwords at 256
// bytes; real ECR tokens are longer, see the unit tests), cacheKeyType Registry and a cache
// duration, so one plugin call serves every image of the registry.
describe('an ECR-shaped credential provider plugin', () => {
  let reg: RunningRegistry;
  let seeds: SeededImage[];
  const password = randomBytes(180).toString('base64'); // 240 chars with + / =
  beforeAll(async () => {
    reg = await startRegistry({ mode: 'htpasswd', users: { AWS: password } });
    const dispatcher = createDispatcher(reg);
    try {
      seeds = [
        await seedImage(reg, { repository: 'team/api', tag: 'v1', kind: 'oci-manifest', dispatcher }),
        await seedImage(reg, { repository: 'team/web', tag: 'v2', kind: 'docker-list', dispatcher }),
      ];
    } finally {
      await dispatcher.close();
    }
  }, 60_000);
  afterAll(() => reg?.stop());

  it('pins two repositories with one plugin call and never prints the token', async () => {
    const plugin = await writePlugin('ecr-credential-provider', [reg.host, '*.dkr.ecr.*.amazonaws.com'],
      providerResponse({ [reg.host]: { username: 'AWS', password } }, { cacheDuration: '11h59m0s' }), { args: ['get-credentials'], env: [{ name: 'AWS_PROFILE', value: 'ci' }] });
    const refs = seeds.map((s) => `${reg.host}/${s.repository}:${s.tag}`);
    const result = await runCli(['resolve', '-v', '--ca-file', reg.caFile!, ...plugin.args, ...refs], { homedir: await tmp.dir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(refs.map((r, i) => `${r} ${seeds[i]!.digest}\n`).join(''));
    const requests = await plugin.requests();
    expect(requests).toHaveLength(1);
    expect(refs.map((r) => r.replace(/:[^:/]+$/, ''))).toContain(requests[0]!.image);
    expectNoLeak(result, leakForms('AWS', password));
  });
});
