import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registryFromContext } from '../harness/context.js';
import { authorizationFor } from '../harness/http.js';
import { type CliResult, type CliRunOptions, runCli, writeTree } from '../helpers/cli.js';
import {
  type Login, basicAuth, dockerConfigJson, dockerConfigJsonSecret, dockercfgSecret, envLogins, rawSecret, secretForms,
  scratch, secretString, withPathFirst, writeCredentialHelper,
} from '../helpers/credentials.js';
import { leakForms } from '../helpers/hostile-server.js';

/** tmp holds this file's temp dirs; the tests run concurrently, so they cannot use tempDir(). */
const tmp = scratch();
afterAll(() => tmp.remove());

/** cli runs digestpin in-process with a fresh empty HOME. */
async function cli(argv: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return runCli(argv, { homedir: await tmp.dir(), ...options });
}

// Issue 3: "Secrets never appear in any output, log line, error, or --json". Every run below
// uses unique secret strings (passwords, identity and registry tokens, helper secrets, env
// values) and the harness's real ones, and no stdout/stderr may contain any of them, nor
// their base64 forms, nor a JWT. Each run also asserts it actually reached the secret.

const htpasswd = registryFromContext('htpasswd');
const token = registryFromContext('token');
afterAll(() => Promise.all([htpasswd.close(), token.close()]));

/** known holds every secret (and encoded form) any run in this file has been given. */
const known = new Set<string>();

/**
 * remember registers a secret used by username and returns it. A secret ending in random hex
 * also registers the first 10 hex digits, so a truncated echo of it counts as a leak too.
 */
function remember(username: string, secret: string): string {
  for (const form of secretForms(username, secret)) known.add(form);
  // Issue 11 "Done when": upper/lower-cased and URL-encoded forms count as leaks too.
  for (const form of leakForms(username, secret)) known.add(form);
  const random = /[0-9a-f]{24}$/.exec(secret)?.[0];
  if (random) known.add(random.slice(0, 10));
  return secret;
}

for (const reg of [htpasswd, token]) {
  for (const [user, password] of Object.entries(reg.users)) remember(user, password);
}
for (const [user, refresh] of Object.entries(token.tokenServer!.refreshTokens)) remember(user, refresh);

/** fresh is a unique wrong password for username, registered as a secret. */
function fresh(username: string, label = 'leak'): string {
  return remember(username, secretString(label));
}

/** JWT matches a compact JWS (header.payload.signature), e.g. a registry bearer token. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;

function expectClean(result: CliResult): void {
  for (const secret of known) {
    if (result.stdout.includes(secret)) expect.fail(`stdout contains a secret (or its base64): ${secret}`);
    if (result.stderr.includes(secret)) expect.fail(`stderr contains a secret (or its base64): ${secret}`);
  }
  expect(result.stdout).not.toMatch(JWT);
  expect(result.stderr).not.toMatch(JWT);
}

const ref = (reg: typeof htpasswd) => `${reg.host}/app/oci:v1`;
const digest = (reg: typeof htpasswd) => reg.image('app/oci', 'v1').digest;

/** withSecretData registers the base64 `data` values of a Secret manifest as secrets and returns the text. */
function withSecretData(text: string): string {
  let data: unknown;
  try {
    data = (parse(text) as { data?: unknown } | null)?.data;
  } catch {
    return text; // broken YAML has no data to register; its raw secrets are registered by the caller
  }
  for (const value of Object.values(data ?? {})) if (typeof value === 'string') known.add(value);
  return text;
}

async function write(dir: string, rel: string, text: string): Promise<string> {
  await writeTree(dir, { [rel]: text });
  return path.join(dir, rel);
}

async function bearer(reg: typeof htpasswd): Promise<string> {
  const header = await authorizationFor(reg, { repository: 'app/oci', user: 'alice', dispatcher: reg.dispatcher });
  const value = header!.replace(/^Bearer /, '');
  known.add(value);
  return value;
}

/** Setup is one way of handing a login to the CLI: extra argv and env. */
interface Setup {
  args: string[];
  env?: Record<string, string>;
  /** source is a string the CLI must print when this credential fails (it proves the secret was used). */
  source: string;
}

type Maker = (dir: string, login: Login) => Promise<Setup>;

const MAKERS: Record<string, Maker> = {
  'dockerconfigjson Secret': async (dir, login) => ({
    args: ['--pull-secret', await write(dir, 'secret.yaml', withSecretData(dockerConfigJsonSecret({ name: 'leak-regcred' }, [login])))],
    source: 'default/leak-regcred',
  }),
  'dockercfg Secret': async (dir, login) => ({
    args: ['--pull-secret', await write(dir, 'cfg.yaml', withSecretData(dockercfgSecret({ name: 'leak-cfg' }, [login], 'data')))],
    source: 'default/leak-cfg',
  }),
  'config.json auths': async (dir, login) => ({
    args: ['--docker-config', path.dirname(await write(dir, 'docker/config.json', dockerConfigJson([login])))],
    source: 'docker config auths',
  }),
  'credential helper': async (dir, login) => {
    const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'leak', { [login.registry]: { username: login.username, secret: login.password } });
    await write(dir, 'docker/config.json', JSON.stringify({ credsStore: 'leak' }));
    return { args: ['--docker-config', path.join(dir, 'docker')], env: { PATH: withPathFirst(helper.binDir) }, source: helper.program };
  },
  'auth.json': async (dir, login) => ({ args: ['--authfile', await write(dir, 'auth.json', dockerConfigJson([login]))], source: 'auth.json auths' }),
  'DIGESTPIN_AUTH_1_*': async (_dir, login) => ({ args: [], env: envLogins([login]), source: 'env DIGESTPIN_AUTH_1_*' }),
};

describe.concurrent.each([['htpasswd', htpasswd], ['token', token]] as const)('no secret is printed (%s registry)', (_mode, reg) => {
  const tls = ['--ca-file', reg.caFile!];

  // `-v --json` prints everything the plain run prints (errors, digests) plus the verbose log.
  it.each(Object.keys(MAKERS))('successful resolve with -v and --json, credentials from %s', async (name) => {
    const setup = await MAKERS[name]!(await tmp.dir(), { registry: reg.host, username: 'alice', password: reg.users.alice! });
    const result = await cli(['resolve', '-v', '--json', ...tls, ...setup.args, ref(reg)], { env: setup.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(digest(reg));
    expectClean(result);
  });

  it.each(Object.keys(MAKERS))('auth failure with -v and --json, wrong password from %s', async (name) => {
    const login = { registry: reg.host, username: 'bob', password: fresh('bob') };
    const setup = await MAKERS[name]!(await tmp.dir(), login);
    const result = await cli(['resolve', '-v', '--json', ...tls, ...setup.args, ref(reg)], { env: setup.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(setup.source);
    expectClean(result);
  });

  it('a wrong pull secret before a working one', async () => {
    const dir = await tmp.dir();
    const stale = { registry: reg.host, username: 'bob', password: fresh('bob', 'stale') };
    const good = { registry: reg.host, username: 'alice', password: reg.users.alice! };
    const file = await write(dir, 's.yaml', `${withSecretData(dockerConfigJsonSecret({ name: 'stale' }, [stale]))}---\n${dockerConfigJsonSecret({ name: 'good' }, [good])}`);
    const result = await cli(['resolve', '-v', '--json', ...tls, '--pull-secret', file, ref(reg)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('default/stale');
    expectClean(result);
  });
});

describe.concurrent('no token is printed (token registry)', () => {
  const tls = ['--ca-file', token.caFile!];

  it.each([
    ['a good identitytoken', async () => ({ identitytoken: token.tokenServer!.refreshTokens.alice! }), 0],
    ['a good registrytoken', async () => ({ registrytoken: await bearer(token) }), 0],
    ['a wrong identitytoken', async () => ({ identitytoken: fresh('<token>', 'identity') }), 2],
    ['a wrong registrytoken', async () => ({ registrytoken: fresh('<token>', 'regtoken') }), 2],
  ])('config.json with %s', async (_title, entry, code) => {
    const dir = await tmp.dir();
    await write(dir, 'config.json', JSON.stringify({ auths: { [token.host]: await entry() } }));
    const result = await cli(['resolve', '-v', '--json', ...tls, '--docker-config', dir, ref(token)]);
    expect(result.code).toBe(code);
    if (code !== 0) expect(result.stderr).toContain(`docker config auths["${token.host}"]`);
    expectClean(result);
  });

  it.each([
    ['a good', () => bearer(token), 0],
    ['a wrong', () => Promise.resolve(fresh('', 'envtoken')), 2],
  ])('DIGESTPIN_AUTH_1_TOKEN with %s token', async (_title, value, code) => {
    const env = { DIGESTPIN_AUTH_1_REGISTRY: token.host, DIGESTPIN_AUTH_1_TOKEN: await value() };
    const result = await cli(['resolve', '-v', '--json', ...tls, ref(token)], { env });
    expect(result.code).toBe(code);
    expectClean(result);
  });

  it('a credential helper answering a wrong `<token>` identity token', async () => {
    const dir = await tmp.dir();
    const helper = await writeCredentialHelper(path.join(dir, 'bin'), 'leak', { [token.host]: { username: '<token>', secret: fresh('<token>', 'helper') } });
    await write(dir, 'docker/config.json', JSON.stringify({ credHelpers: { [token.host]: 'leak' } }));
    const result = await cli(['resolve', '-v', ...tls, '--docker-config', path.join(dir, 'docker'), ref(token)],
      { env: { PATH: withPathFirst(helper.binDir) } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(helper.program);
    expectClean(result);
  });
});

describe.concurrent('no secret is printed by pin --json, list --json and drift --format json', () => {
  function workload(): string {
    return [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:',
      '      imagePullSecrets: [{name: regcred}]', '      containers:',
      `        - {name: a, image: "${ref(htpasswd)}"}`, `        - {name: b, image: "${ref(token)}"}`, '',
    ].join('\n');
  }
  const logins = (password: (reg: typeof htpasswd) => string): Login[] =>
    [htpasswd, token].map((reg) => ({ registry: reg.host, username: 'alice', password: password(reg) }));
  const tls = (dir: string) => ['--ca-file', path.join(dir, 'ca.pem')];

  async function project(secretLogins: Login[]): Promise<string> {
    const dir = await writeTree(await tmp.dir(), {
      'k8s/web.yaml': workload(),
      'k8s/regcred.yaml': withSecretData(dockerConfigJsonSecret({ name: 'regcred' }, secretLogins)),
      // Each harness registry has its own CA: trust both from one bundle.
      'ca.pem': (await Promise.all([htpasswd, token].map((r) => fs.readFile(r.caFile!, 'utf8')))).join('\n'),
    });
    return dir;
  }

  it('pin --json and list --json with working and with wrong secrets from the tree', async () => {
    const good = await project(logins((reg) => reg.users.alice!));
    const ok = await cli(['pin', '--json', '-v', '--pull-secrets-from-tree', ...tls(good), 'k8s'], { cwd: good });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ written: true });
    expectClean(ok);
    const listed = await cli(['list', '--json', 'k8s'], { cwd: good });
    expect(listed.code).toBe(0);
    expectClean(listed);

    const bad = await project(logins(() => fresh('alice', 'tree')));
    const failed = await cli(['pin', '--json', '-v', '--pull-secrets-from-tree', ...tls(bad), 'k8s'], { cwd: bad });
    expect(failed.code).toBe(2);
    const report = JSON.parse(failed.stdout) as { failures: Array<{ message: string }> };
    expect(report.failures).toHaveLength(2);
    for (const f of report.failures) expect(f.message).toContain('default/regcred');
    expectClean(failed);
  });

  it('drift --format json after a pin, with wrong and with working credentials', async () => {
    const dir = await project(logins((reg) => reg.users.alice!));
    const regcred = path.join(dir, 'k8s/regcred.yaml');
    const pinned = await cli(['pin', ...tls(dir), '--pull-secret', regcred, 'k8s'], { cwd: dir });
    expect(pinned.code).toBe(0);
    expectClean(pinned);

    const ok = await cli(['drift', '--format', 'json', '-v', ...tls(dir), '--pull-secret', regcred], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ checked: 2, unchanged: 2 });
    expectClean(ok);

    const wrongFile = await write(dir, 'wrong.yaml', withSecretData(dockerConfigJsonSecret({ name: 'wrong' }, logins(() => fresh('alice', 'drift')))));
    for (const format of ['json', 'text', 'markdown', 'sarif', 'github']) {
      const failed = await cli(['drift', '--format', format, '-v', '--fail-on', 'error', ...tls(dir), '--pull-secret', wrongFile], { cwd: dir });
      expect(failed.code).toBe(2); // checks that could not be made exit 2 (issue 11 item 21)
      expect(failed.stdout).toContain('default/wrong');
      expectClean(failed);
    }
  });
});

describe.concurrent('no secret is printed for malformed credential inputs', () => {
  const reg = htpasswd;
  const tls = ['--ca-file', reg.caFile!];

  async function expectConfigError(setup: { args: string[]; env?: Record<string, string> }, names: string): Promise<void> {
    const result = await cli(['resolve', '-v', '--json', ...tls, ...setup.args, ref(reg)], { env: setup.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(names);
    expect(result.stderr).toContain('CREDENTIAL_');
    expectClean(result);
  }

  const badSecret = (text: (s: string) => string) => async () => {
    const dir = await tmp.dir();
    const file = await write(dir, 'bad-secret.yaml', withSecretData(text(fresh('alice', 'malformed'))));
    return { args: ['--pull-secret', file] };
  };
  const json = (auth: string) => JSON.stringify({ auths: { [reg.host]: { auth } } });

  it.each([
    ['data that is not base64', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', `${s}%%`, 'data'))],
    ['data that is base64 of broken JSON', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson',
      Buffer.from(`{"auths":{"${reg.host}":{"auth":"${basicAuth('alice', s)}", "password": "${s}"`).toString('base64'), 'data'))],
    ['stringData with broken JSON', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockercfg', '.dockercfg',
      `{"${reg.host}": {"username": "alice", "password": "${s}" "email": 1}}`, 'stringData'))],
    ['an auth field that is not base64', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', json(`${s}!`), 'stringData'))],
    ['an auth field without a colon', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockerconfigjson', '.dockerconfigjson',
      json(Buffer.from(s).toString('base64')), 'stringData'))],
    ['a password that is not a string', badSecret((s) => rawSecret({ name: 'm' }, 'kubernetes.io/dockercfg', '.dockercfg',
      JSON.stringify({ [reg.host]: { username: 'alice', password: { value: s } } }), 'stringData'))],
    ['broken YAML around the secret', badSecret((s) => [
      'apiVersion: v1', 'kind: Secret', 'metadata: {name: m}', 'type: kubernetes.io/dockercfg', 'stringData:',
      `  .dockercfg: '{"${reg.host}": {"username": "alice", "password": "${s}"}}`, `  other: "${s}`, '',
    ].join('\n'))],
  ])('a pull secret with %s', async (_title, make) => {
    await expectConfigError(await make(), 'bad-secret.yaml');
  });

  it.each([
    ['broken JSON', (s: string) => `{"auths": {"${reg.host}": {"auth": "${basicAuth('alice', s)}", "password": "${s}"`],
    ['an auth field that is not base64', (s: string) => json(`${s}*`)],
    ['an identitytoken that is not a string', (s: string) => JSON.stringify({ auths: { [reg.host]: { identitytoken: [s] } } })],
  ])('config.json and auth.json with %s', async (_title, text) => {
    const dir = await tmp.dir();
    const config = await write(dir, 'docker/config.json', text(fresh('alice', 'cfg')));
    await expectConfigError({ args: ['--docker-config', path.dirname(config)] }, config);
    const auth = await write(dir, 'auth.json', text(fresh('alice', 'authjson')));
    await expectConfigError({ args: ['--authfile', auth] }, auth);
  });

  it.each([
    ['a password without a username', (s: string) => ({ DIGESTPIN_AUTH_1_REGISTRY: reg.host, DIGESTPIN_AUTH_1_PASSWORD: s })],
    ['a token and a password together', (s: string) => ({ ...envLogins([{ registry: reg.host, username: 'a', password: s }]), DIGESTPIN_AUTH_1_TOKEN: `${s}x` })],
    ['a misspelt variable', (s: string) => ({ DIGESTPIN_AUTH_1_REGISTRY: reg.host, DIGESTPIN_AUTH_1_USERNAME: 'a', DIGESTPIN_AUTH_1_PASSWD: s })],
    ['an out-of-range index', (s: string) => ({ DIGESTPIN_AUTH_0_PASSWORD: s })],
    ['credentials inside the registry URL', (s: string) => ({ ...envLogins([{ registry: `https://alice:${s}@${reg.host}`, username: 'alice', password: s }]) })],
  ])('DIGESTPIN_AUTH_* with %s', async (_title, env) => {
    const secret = fresh('alice', 'env');
    known.add(`${secret}x`);
    await expectConfigError({ args: [], env: env(secret) }, 'DIGESTPIN_AUTH_');
  });

  it.each([
    ['malformed JSON', (s: string) => `printf '{"Username":"alice","Secret":"%s"' ${s}; exit 0`],
    ['a non-string Username next to the secret', (s: string) => `printf '{"Username":1,"Secret":"%s"}' ${s}; exit 0`],
    ['a failure with the secret on stdout', (s: string) => `printf '{"Secret":"%s"}' ${s}; echo 'lookup failed' >&2; exit 3`],
  ])('a credential helper printing %s', async (_title, body) => {
    const dir = await tmp.dir();
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, 'docker-credential-broken'), `#!/usr/bin/env bash\ncat >/dev/null\n${body(fresh('alice', 'helper'))}\n`, { mode: 0o755 });
    await write(dir, 'docker/config.json', JSON.stringify({ credsStore: 'broken' }));
    await expectConfigError({ args: ['--docker-config', path.join(dir, 'docker')], env: { PATH: withPathFirst(bin) } }, 'docker-credential-broken');
  });
});

/** Echo picks what a careless token server quotes back from a rejected request. */
type Echo = (request: { authorization: string; form: URLSearchParams }) => string;

/**
 * echoRegistry starts a fake registry on 127.0.0.1 (plain HTTP) whose bearer
 * realm rejects every credential with an OCI error quoting `echo` of the request,
 * as some token servers and proxies do. Returns its host and a close function.
 */
async function echoRegistry(echo: Echo): Promise<{ host: string; close: () => Promise<void> }> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname !== '/token') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="fake"` }).end();
        return;
      }
      const message = echo({ authorization: req.headers.authorization ?? '', form: new URLSearchParams(Buffer.concat(chunks).toString()) });
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

const basicPassword = (authorization: string) => Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString().split(':')[1] ?? '';

interface EchoCase {
  title: string;
  /** entry is the config.json `auths` entry for the fake registry. */
  entry: () => Record<string, string>;
  echo: Echo;
}

const ECHO_CASES: EchoCase[] = [
  {
    title: 'the password from the Basic header',
    entry: () => ({ auth: basicAuth('bob', fresh('bob', 'echo')) }),
    echo: ({ authorization }) => `bad password ${basicPassword(authorization)} for bob`,
  },
  {
    title: 'the refresh token from the OAuth2 form',
    entry: () => ({ identitytoken: fresh('<token>', 'echo-refresh') }),
    echo: ({ form }) => `refresh token ${form.get('refresh_token') ?? ''} is revoked`,
  },
  {
    title: 'the whole Authorization header (base64 user:password)',
    entry: () => ({ auth: basicAuth('bob', fresh('bob', 'echo-header')) }),
    echo: ({ authorization }) => `rejected ${authorization}`,
  },
  {
    title: 'the password after 150 characters of text (cut where errors are shortened)',
    entry: () => ({ auth: basicAuth('bob', fresh('bob', 'echo-long')) }),
    echo: ({ authorization }) => `${'x'.repeat(150)} bad password ${basicPassword(authorization)}`,
  },
];

describe.concurrent('no secret is printed when the token server echoes it', () => {
  it.each(ECHO_CASES)('$title', async ({ entry, echo }) => {
    const { host, close } = await echoRegistry(echo);
    const dir = await tmp.dir();
    await write(dir, 'config.json', JSON.stringify({ auths: { [host]: entry() } }));
    const result = await cli(['resolve', '-v', '--insecure-registry', host, '--docker-config', dir, `${host}/app:v1`]).finally(close);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('token request failed');
    expect(result.stderr).toContain(`docker config auths["${host}"]`);
    expectClean(result);
  });
});
