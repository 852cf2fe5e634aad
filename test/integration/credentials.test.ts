import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { authorizationFor } from '../harness/http.js';
import { seedImage } from '../harness/seed.js';
import type { RegistryMode } from '../harness/types.js';
import { type CliResult, type CliRunOptions, runCli, writeTree } from '../helpers/cli.js';
import {
  type Login, basicAuth, dockerConfigJson, dockerConfigJsonData, dockerConfigJsonSecret, dockercfgSecret, envLogins, rawSecret, secretString,
  scratch, withPathFirst, writeCredentialHelper,
} from '../helpers/credentials.js';

/** tmp holds this file's temp dirs; the tests run concurrently, so they cannot use tempDir(). */
const tmp = scratch();
afterAll(() => tmp.remove());

/** cli runs digestpin in-process with a fresh empty HOME. */
async function cli(argv: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return runCli(argv, { homedir: await tmp.dir(), ...options });
}

// `digestpin resolve` against the real TLS registries (Basic via htpasswd, and bearer tokens)
// with a credential from each source of the chain (issue 3): kubernetes pull secrets, docker
// config.json auths and credential helpers, podman auth.json, DIGESTPIN_AUTH_* variables.

/** SourceRun is how one credential source is handed to the CLI, and the strings that name it in messages. */
interface SourceRun {
  args: string[];
  env?: Record<string, string>;
  /** names identify the source in errors and `-v` (file path, secret name, helper, variable). */
  names: string[];
}

/** Source writes one login into a fresh directory as a credential source. */
interface Source {
  title: string;
  setup(dir: string, login: Login): Promise<SourceRun>;
}

async function write(file: string, text: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

/** helperSource uses a fake docker-credential-test configured in config.json by `config(host)`. */
function helperSource(title: string, config: (host: string) => Record<string, unknown>, names: string[]): Source {
  return {
    title,
    async setup(dir, login) {
      const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'test', {
        [login.registry]: { username: login.username, secret: login.password },
      });
      const configDir = path.join(dir, 'docker');
      await write(path.join(configDir, 'config.json'), `${JSON.stringify(config(login.registry))}\n`);
      return { args: ['--docker-config', configDir], env: { PATH: withPathFirst(helper.binDir) }, names: [helper.program, ...names] };
    },
  };
}

const SOURCES: Source[] = [
  {
    title: 'a kubernetes.io/dockerconfigjson Secret (data, base64)',
    async setup(dir, login) {
      const file = await write(path.join(dir, 'secret.yaml'), dockerConfigJsonSecret({ name: 'regcred' }, [login]));
      return { args: ['--pull-secret', file], names: ['regcred', file] };
    },
  },
  {
    title: 'a legacy kubernetes.io/dockercfg Secret (stringData)',
    async setup(dir, login) {
      const file = await write(path.join(dir, 'legacy.yaml'), dockercfgSecret({ name: 'legacy-cfg', namespace: 'build' }, [login]));
      return { args: ['--pull-secret', file], names: ['build/legacy-cfg', file] };
    },
  },
  {
    title: 'docker config.json auths (--docker-config)',
    async setup(dir, login) {
      const file = await write(path.join(dir, 'docker', 'config.json'), dockerConfigJson([login]));
      return { args: ['--docker-config', path.dirname(file)], names: [file] };
    },
  },
  helperSource('a credsStore helper', () => ({ credsStore: 'test' }), ['credsStore']),
  helperSource('a credHelpers entry', (host) => ({ credHelpers: { [host]: 'test' } }), [`credHelpers["`]),
  {
    title: 'podman auth.json (--authfile)',
    async setup(dir, login) {
      const file = await write(path.join(dir, 'auth.json'), dockerConfigJson([login]));
      return { args: ['--authfile', file], names: [file] };
    },
  },
  {
    title: 'podman auth.json (REGISTRY_AUTH_FILE)',
    async setup(dir, login) {
      const file = await write(path.join(dir, 'containers', 'auth.json'), dockerConfigJson([login]));
      return { args: [], env: { REGISTRY_AUTH_FILE: file }, names: [file] };
    },
  },
  {
    title: 'DIGESTPIN_AUTH_1_* variables',
    async setup(_dir, login) {
      return { args: [], env: envLogins([login]), names: ['DIGESTPIN_AUTH_1_'] };
    },
  },
];

/** forbidden lists a password and its base64 forms, none of which may be printed. */
function forbidden(login: Login): string[] {
  return [login.password, basicAuth(login.username, login.password), Buffer.from(login.password).toString('base64')];
}

function expectNotPrinted(result: CliResult, secrets: string[]): void {
  for (const s of secrets) {
    expect(result.stdout, 'stdout leaks a secret').not.toContain(s);
    expect(result.stderr, 'stderr leaks a secret').not.toContain(s);
  }
}

describe.concurrent.each(['htpasswd', 'token'] as const satisfies readonly RegistryMode[])('credentials against the %s registry', (mode) => {
  const reg = registryFromContext(mode);
  afterAll(() => reg.close());
  const ref = `${reg.host}/app/oci:v1`;
  const tls = ['--ca-file', reg.caFile!];
  const alice: Login = { registry: reg.host, username: 'alice', password: reg.users.alice! };
  const wrong = (): Login => ({ registry: reg.host, username: 'bob', password: secretString('wrong-password') });

  async function resolve(source: SourceRun, extra: string[] = []): Promise<CliResult> {
    return cli(['resolve', ...tls, ...source.args, ...extra, ref], { env: source.env });
  }

  it.each(SOURCES)('resolves with $title', async (source) => {
    const run = await source.setup(await tmp.dir(), alice);
    const result = await resolve(run);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${reg.image('app/oci', 'v1').digest}\n`);
  });

  it.each(SOURCES)('names $title, the registry and the reference when its password is wrong', async (source) => {
    const login = wrong();
    const run = await source.setup(await tmp.dir(), login);
    const result = await resolve(run);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`digestpin: ${ref}:`);
    expect(result.stderr).toContain(`registry ${reg.host}`);
    expect(result.stderr).toMatch(/\[(UNAUTHORIZED|DENIED)\]/);
    for (const name of run.names) expect(result.stderr).toContain(name);
    expectNotPrinted(result, forbidden(login));
  });

  it('fails UNAUTHORIZED without credentials, naming the registry and the sources searched', async () => {
    const result = await resolve({ args: [], names: [] });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`digestpin: ${ref}: registry ${reg.host}:`);
    expect(result.stderr).toContain('no credentials were found');
    expect(result.stderr).toMatch(/\[UNAUTHORIZED\]\n$/);
  });

  it('runs the helper with `get` and the server URL on stdin, never a secret in argv', async () => {
    const dir = await tmp.dir();
    const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'test', { [reg.host]: { username: 'alice', secret: alice.password } });
    await write(path.join(dir, 'docker', 'config.json'), `${JSON.stringify({ credsStore: 'test' })}\n`);
    const result = await resolve({ args: ['--docker-config', path.join(dir, 'docker')], env: { PATH: withPathFirst(helper.binDir) }, names: [] });
    expect(result.code).toBe(0);
    expect(await helper.calls()).toEqual([{ argv: 'get', stdin: reg.host }]);
  });

  it('falls back to config.json auths when the helper has no credential for the registry', async () => {
    const dir = await tmp.dir();
    const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'test', { 'other.example:5000': { username: 'x', secret: 'y' } });
    const file = await write(path.join(dir, 'docker', 'config.json'), dockerConfigJson([alice], { credsStore: 'test' }));
    const result = await resolve({ args: ['--docker-config', path.dirname(file)], env: { PATH: withPathFirst(helper.binDir) }, names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`docker-credential-test has no credentials for ${reg.host}`);
    expect(result.stderr).toContain(`auth ${reg.host}: using docker config auths["${reg.host}"] (${file})`);
  });

  it('tries every matching pull secret in order until one works (kubelet keyring semantics)', async () => {
    const dir = await tmp.dir();
    const bad = wrong();
    const file = await write(path.join(dir, 'secrets.yaml'),
      `${dockerConfigJsonSecret({ name: 'stale' }, [bad])}---\n${dockerConfigJsonSecret({ name: 'fresh' }, [alice])}`);
    const result = await resolve({ args: ['--pull-secret', file], names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${reg.image('app/oci', 'v1').digest}\n`);
    expect(result.stderr).toContain(`auth ${reg.host}: using secret default/stale (${file}); then secret default/fresh (${file})`);
    expect(result.stderr).toContain(`credential secret default/stale (${file}) was not accepted`);
    expectNotPrinted(result, [...forbidden(bad), ...forbidden(alice)]);
  });

  it('tries a more specific key first, then the registry key, across --pull-secret files', async () => {
    const dir = await tmp.dir();
    const bad = { ...wrong(), registry: `${reg.host}/app` };
    const first = await write(path.join(dir, 'a.yaml'), dockerConfigJsonSecret({ name: 'whole-registry' }, [alice]));
    const second = await write(path.join(dir, 'b.json'), JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-namespace' }, type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': dockerConfigJsonData([bad]) },
    }));
    const result = await resolve({ args: ['--pull-secret', first, '--pull-secret', second], names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`using secret default/app-namespace (${second}); then secret default/whole-registry (${first})`);
  });

  it('fails when every matching pull secret is wrong, naming each secret tried', async () => {
    const dir = await tmp.dir();
    const [one, two] = [wrong(), wrong()];
    const file = await write(path.join(dir, 'secrets.yaml'),
      `${dockerConfigJsonSecret({ name: 'one' }, [one])}---\n${dockercfgSecret({ name: 'two' }, [two], 'data')}`);
    const result = await resolve({ args: ['--pull-secret', file], names: [] });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`tried secret default/one (${file}), secret default/two (${file})`);
    expectNotPrinted(result, [...forbidden(one), ...forbidden(two)]);
  });

  it('accepts an unpadded `auth` in a pull secret', async () => {
    const dir = await tmp.dir();
    const auth = basicAuth(alice.username, alice.password).replace(/=+$/, '');
    const file = await write(path.join(dir, 'unpadded.yaml'), rawSecret({ name: 'unpadded' }, 'kubernetes.io/dockerconfigjson',
      '.dockerconfigjson', JSON.stringify({ auths: { [`https://${reg.host}/v2/`]: { auth } } }), 'stringData'));
    const result = await resolve({ args: ['--pull-secret', file], names: [] });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('matches a legacy URL key in config.json auths by host', async () => {
    const file = await write(path.join(await tmp.dir(), 'config.json'), dockerConfigJson([{ ...alice, registry: `https://${reg.host}/v1/` }]));
    const result = await resolve({ args: ['--docker-config', path.dirname(file)], names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`using docker config auths["https://${reg.host}/v1/"] (${file})`);
  });

  it('prefers the namespaced auth.json key over the registry key (containers-auth.json)', async () => {
    const file = await write(path.join(await tmp.dir(), 'auth.json'),
      dockerConfigJson([{ ...wrong(), registry: reg.host }, { ...alice, registry: `${reg.host}/app` }]));
    const result = await resolve({ args: ['--authfile', file], names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`using auth.json auths["${reg.host}/app"] (${file})`);
  });

  it('-v names the source chosen for the registry, never the secret', async () => {
    const file = await write(path.join(await tmp.dir(), 'regcred.yaml'), dockerConfigJsonSecret({ name: 'regcred', namespace: 'ci' }, [alice]));
    const result = await resolve({ args: ['--pull-secret', file], names: [] }, ['-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`digestpin: auth ${reg.host}: using secret ci/regcred (${file})\n`);
    expectNotPrinted(result, forbidden(alice));
  });

  it('-v says anonymous and lists the chain searched when no source has a credential', async () => {
    const result = await resolve({ args: [], names: [] }, ['-v']);
    expect(result.stderr).toMatch(new RegExp(`auth ${reg.host.replace(/\./g, '\\.')}: no credentials found, anonymous \\(searched .*docker config`));
  });
});

describe.concurrent('credentials against the token registry: tokens and denied repositories', () => {
  const reg = registryFromContext('token');
  afterAll(() => reg.close());
  const ref = `${reg.host}/app/oci:v1`;

  async function bearerToken(): Promise<string> {
    const header = await authorizationFor(reg, { repository: 'app/oci', user: 'alice', dispatcher: reg.dispatcher });
    return header!.replace(/^Bearer /, '');
  }

  it.each([
    // An identity token is exchanged at the token server by OAuth2 POST; a registry token skips the token server.
    ['an identitytoken in config.json (OAuth2 refresh flow)', (log: string) => expect(log).toMatch(/POST https:\/\/\S+\/token -> 200/),
      () => Promise.resolve({ identitytoken: reg.tokenServer!.refreshTokens.alice! })],
    ['a registrytoken in config.json (sent as the bearer token)', (log: string) => expect(log).not.toContain('/token'),
      async () => ({ registrytoken: await bearerToken() })],
  ])('resolves with %s', async (_title, checkTraffic, entry) => {
    const file = await write(path.join(await tmp.dir(), 'config.json'), JSON.stringify({ auths: { [reg.host]: await entry() } }));
    const result = await cli(['resolve', '-v', '--ca-file', reg.caFile!, '--docker-config', path.dirname(file), ref]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ref} ${reg.image('app/oci', 'v1').digest}\n`);
    checkTraffic(result.stderr);
  });

  it('resolves with a helper answering the `<token>` user (an identity token)', async () => {
    const dir = await tmp.dir();
    const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'test',
      { [reg.host]: { username: '<token>', secret: reg.tokenServer!.refreshTokens.alice! } });
    await write(path.join(dir, 'docker', 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'test' } }));
    const result = await cli(['resolve', '--ca-file', reg.caFile!, '--docker-config', path.join(dir, 'docker'), '-v', ref],
      { env: { PATH: withPathFirst(helper.binDir) } });
    expect(result.code).toBe(0);
    // An identity token is an OAuth2 refresh token: exchanged by POST, not sent as Basic to a GET.
    expect(result.stderr).toMatch(/POST https:\/\/[^ ]+\/token -> 200/);
  });

  it('resolves with DIGESTPIN_AUTH_1_TOKEN', async () => {
    const env = { DIGESTPIN_AUTH_1_REGISTRY: reg.host, DIGESTPIN_AUTH_1_TOKEN: await bearerToken() };
    const result = await cli(['resolve', '--ca-file', reg.caFile!, ref], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  // The registry answers 401 `error="insufficient_scope"` to a token issued without pull access:
  // the credential was accepted, so digestpin reports DENIED (not UNAUTHORIZED).
  it('names the source when the token server grants the user no access to the repository', async () => {
    const repository = uniqueRepository('creds/deny');
    await seedImage(reg, { repository, tag: 'v1', kind: 'oci-manifest', dispatcher: reg.dispatcher });
    await reg.admin().denyRepository('bob', repository);
    const dir = await tmp.dir();
    const bob: Login = { registry: reg.host, username: 'bob', password: reg.users.bob! };
    const file = await write(path.join(dir, 'bob.yaml'), dockerConfigJsonSecret({ name: 'bob-cred' }, [bob]));
    const target = `${reg.host}/${repository}:v1`;
    const result = await cli(['resolve', '--ca-file', reg.caFile!, '--pull-secret', file, target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${target}:`);
    expect(result.stderr).toContain(`registry ${reg.host}`);
    expect(result.stderr).toContain(`secret default/bob-cred (${file})`);
    // The login works (a token is issued); it only lacks pull access: DENIED, not UNAUTHORIZED.
    expect(result.stderr).toContain('the credential was accepted but has no pull access to');
    expect(result.stderr).toMatch(/\[DENIED\]\n$/);
    expectNotPrinted(result, forbidden(bob));

    const alice: Login = { registry: reg.host, username: 'alice', password: reg.users.alice! };
    const ok = await cli(['resolve', '--ca-file', reg.caFile!, '--pull-secret',
      await write(path.join(dir, 'alice.yaml'), dockerConfigJsonSecret({ name: 'alice-cred' }, [alice])), target]);
    expect(ok.code).toBe(0);
  });
});

describe.concurrent('pin --pull-secrets-from-tree (htpasswd registry)', () => {
  const reg = registryFromContext('htpasswd');
  afterAll(() => reg.close());
  const alice: Login = { registry: reg.host, username: 'alice', password: reg.users.alice! };
  const bob: Login = { registry: reg.host, username: 'bob', password: reg.users.bob! };

  function tree(): Record<string, string> {
    return {
      'deploy/web.yaml': [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:',
        '      imagePullSecrets: [{name: regcred}]', '      containers:', `        - {name: web, image: "${reg.host}/app/oci:v1"}`, '',
      ].join('\n'),
      'deploy/regcred.yaml': dockerConfigJsonSecret({ name: 'regcred' }, [alice]),
      'jobs/builder.yaml': [
        'apiVersion: v1', 'kind: ServiceAccount', 'metadata: {name: builder}', 'imagePullSecrets:', '  - name: builder-cred',
        '---', dockerConfigJsonSecret({ name: 'builder-cred' }, [bob]).trimEnd(),
        '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: build}', 'spec:', '  serviceAccountName: builder',
        '  containers:', `    - name: build`, `      image: ${reg.host}/app/docker:v1`, '',
      ].join('\n'),
    };
  }

  it('pins workloads with the Secrets they reference, directly and through their ServiceAccount', async () => {
    const dir = await writeTree(await tmp.dir(), tree());
    const result = await cli(['pin', '--pull-secrets-from-tree', '--ca-file', reg.caFile!, '.'], { cwd: dir });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    const web = await fs.readFile(path.join(dir, 'deploy/web.yaml'), 'utf8');
    const build = await fs.readFile(path.join(dir, 'jobs/builder.yaml'), 'utf8');
    expect(web).toContain(`image: "${reg.host}/app/oci:v1@${reg.image('app/oci', 'v1').digest}"`);
    expect(build).toContain(`image: ${reg.host}/app/docker:v1@${reg.image('app/docker', 'v1').digest}`);
    expect(existsSync(path.join(dir, 'digestpin.lock.json'))).toBe(true);
    expectNotPrinted(result, [...forbidden(alice), ...forbidden(bob)]);
  });

  it('fails with exit 2 and writes nothing without the flag', async () => {
    const files = tree();
    const dir = await writeTree(await tmp.dir(), files);
    const result = await cli(['pin', '--ca-file', reg.caFile!, '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${reg.host}/app/oci:v1 (deploy/web.yaml:9:31): registry ${reg.host}:`);
    expect(result.stderr).toContain(`digestpin: ${reg.host}/app/docker:v1 (jobs/builder.yaml:`);
    expect(result.stderr).toContain('answered 401');
    expect(result.stderr).toContain('nothing was written');
    for (const [rel, text] of Object.entries(files)) expect(await fs.readFile(path.join(dir, rel), 'utf8')).toBe(text);
    expect(existsSync(path.join(dir, 'digestpin.lock.json'))).toBe(false);
  });

  it('does not lend a Secret to a workload that does not reference it', async () => {
    const files = {
      ...tree(),
      'deploy/other.yaml': [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: other}', 'spec:', '  template:', '    spec:',
        '      containers:', `        - {name: other, image: "${reg.host}/app/multi:v1"}`, '',
      ].join('\n'),
    };
    const dir = await writeTree(await tmp.dir(), files);
    const result = await cli(['pin', '--pull-secrets-from-tree', '--keep-going', '--ca-file', reg.caFile!, '.'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digestpin: ${reg.host}/app/multi:v1 (deploy/other.yaml:8:33): registry ${reg.host}:`);
    expect(result.stderr).toContain('tried anonymous; no credentials were found');
    expect(result.stderr).toContain('skipped deploy/other.yaml');
    expect(await fs.readFile(path.join(dir, 'deploy/other.yaml'), 'utf8')).toBe(files['deploy/other.yaml']);
    expect(await fs.readFile(path.join(dir, 'deploy/web.yaml'), 'utf8')).toContain(reg.image('app/oci', 'v1').digest);
  });
});
