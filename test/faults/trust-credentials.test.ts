import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from '../helpers/cli.js';
import {
  drip, type HostileServer, leakForms, MANIFEST, MANIFEST_DIGEST, type Seen, serveManifest, startHostile,
} from '../helpers/hostile-server.js';

// Issue 11, "Credentials and hostile registries" (items 1-4 and 9): every registry here is a
// small Node server on 127.0.0.x that misbehaves on purpose. Each test plants a unique secret;
// afterAll greps every output of every run for every planted secret in plain, upper-cased,
// base64 and URL-encoded forms (the issue's "Done when" check).

const USER = 'alice';
const servers: HostileServer[] = [];
const known = new Set<string>();
const outputs: Array<{ title: string; result: CliResult }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(() => {
  for (const { title, result } of outputs) expectClean(result, title);
});

/** secret makes a unique secret with characters that URL-encoding and base64 change. */
function secret(label: string): string {
  const value = `${label}/${randomBytes(12).toString('hex')}+Zq~`;
  for (const form of leakForms(USER, value)) known.add(form);
  for (const form of leakForms('<token>', value)) known.add(form);
  return value;
}

function expectClean(result: CliResult, title = ''): void {
  for (const form of known) {
    if (result.stdout.includes(form)) expect.fail(`${title}: stdout contains a planted secret form ${form}\n${result.stdout}`);
    if (result.stderr.includes(form)) expect.fail(`${title}: stderr contains a planted secret form ${form}\n${result.stderr}`);
  }
}

async function server(address: string, handler: (req: Seen, res: ServerResponse, self: string) => void): Promise<HostileServer> {
  const s = await startHostile(address, handler);
  servers.push(s);
  return s;
}

/** config writes a docker config.json with one `auths` entry and returns its directory. */
async function config(host: string, entry: Record<string, string>): Promise<string> {
  const dir = await tempDir('digestpin-trust-');
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [host]: entry } }));
  return dir;
}

const basic = (password: string) => ({ auth: Buffer.from(`${USER}:${password}`).toString('base64') });

/** resolve runs `digestpin resolve` and records the output for the final secret grep. */
function resolve(title: string, refs: string[], flags: string[]): Promise<CliResult> {
  return resolveWith(title, refs, flags, undefined);
}

async function resolveWith(title: string, refs: string[], flags: string[], dispatcher: Dispatcher | undefined): Promise<CliResult> {
  const result = await runCli(['resolve', '--retries', '0', '--timeout', '5', ...flags, ...refs], { dispatcher });
  outputs.push({ title, result });
  expectClean(result, title);
  return result;
}

const isManifest = (req: Seen) => /^\/v2\/.+\/manifests\//.test(req.path);
const bearerChallenge = (realm: string) => ({ 'www-authenticate': `Bearer realm="${realm}",service="svc"` });
const withAuth = (s: HostileServer) => s.requests.filter((r) => r.headers.authorization !== undefined);
const tokenHits = (s: HostileServer) => s.requests.filter((r) => r.path.startsWith('/token'));

/** tokenServer answers /token with a bearer token, and manifests with MANIFEST when a Bearer comes along. */
function registryWithOwnRealm(req: Seen, res: ServerResponse, self: string): void {
  if (req.path.startsWith('/token')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'issued-token-value' }));
  } else if (req.headers.authorization === 'Bearer issued-token-value') {
    serveManifest(req, res);
  } else {
    res.writeHead(401, bearerChallenge(`${self}/token`)).end();
  }
}

describe('item 1: a challenge from a redirect target is not honoured', () => {
  it('a manifest redirected to another origin that answers a Bearer challenge: REDIRECT naming both hosts, no credential sent there', async () => {
    const evil = await server('127.0.0.2', (req, res, self) => {
      if (req.path.startsWith('/token')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"evil"}');
      else res.writeHead(401, bearerChallenge(`${self}/token`)).end();
    });
    const reg = await server('127.0.0.1', (req, res) => {
      if (req.path === '/v2/') res.writeHead(200).end('{}');
      else if (req.path.startsWith('/v2/app/moved/')) res.writeHead(307, { location: `${evil.url}${req.path}` }).end();
      else serveManifest(req, res);
    });
    const password = secret('redirect-challenge');
    const moved = `${reg.host}/app/moved:v1`;
    const stays = `${reg.host}/app/stays:v1`;
    const result = await resolve('item 1 manifest', [moved, stays], ['-v', '--docker-config', await config(reg.host, basic(password))]);
    expect(result.code).toBe(2);
    const line = result.stderr.split('\n').find((l) => l.startsWith(`digestpin: ${moved}: `));
    expect(line, result.stderr).toMatch(/\[REDIRECT\]$/);
    expect(line).toContain(evil.host);
    expect(line).toContain(reg.host);
    // The other repository is unaffected: the shared ping did not learn the foreign realm.
    expect(result.stdout).toContain(`${stays} ${MANIFEST_DIGEST}`);
    expect(tokenHits(evil)).toEqual([]);
    expect(withAuth(evil)).toEqual([]);
  });

  it('a ping redirected to another origin that answers a Bearer challenge: REDIRECT, nothing sent to its realm', async () => {
    const evil = await server('127.0.0.3', (req, res, self) => {
      if (req.path.startsWith('/token')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"evil"}');
      else res.writeHead(401, bearerChallenge(`${self}/token`)).end();
    });
    const reg = await server('127.0.0.1', (req, res) => {
      if (req.path === '/v2/') res.writeHead(302, { location: `${evil.url}/v2/` }).end();
      else serveManifest(req, res);
    });
    const password = secret('redirect-ping');
    const ref = `${reg.host}/app/oci:v1`;
    const result = await resolve('item 1 ping', [ref, `${reg.host}/app/other:v1`], ['-v', '--docker-config', await config(reg.host, basic(password))]);
    expect(result.code).toBe(2);
    const line = result.stderr.split('\n').find((l) => l.startsWith(`digestpin: ${ref}: `));
    expect(line, result.stderr).toMatch(/\[REDIRECT\]$/);
    expect(line).toContain(evil.host);
    expect(tokenHits(evil)).toEqual([]);
    expect(withAuth(evil)).toEqual([]);
  });

  it('a challenge from the registry itself is still adopted when the ping said "open" (control)', async () => {
    const reg = await server('127.0.0.1', (req, res, self) => {
      if (req.path === '/v2/') res.writeHead(200).end('{}');
      else registryWithOwnRealm(req, res, self);
    });
    const password = secret('own-realm');
    const ref = `${reg.host}/app/oci:v1`;
    const result = await resolve('item 1 control', [ref], ['--docker-config', await config(reg.host, basic(password))]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${ref} ${MANIFEST_DIGEST}\n`);
    expect(tokenHits(reg)[0]?.headers.authorization).toBe(`Basic ${basic(password).auth}`);
  });
});

describe('item 2: an identity token is never re-POSTed across origins', () => {
  it.each([307, 308])('the token endpoint answers %i to another origin: REDIRECT, the other origin sees no token', async (status) => {
    const evil = await server('127.0.0.4', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"evil"}');
    });
    const reg = await server('127.0.0.1', (req, res, self) => {
      if (req.path.startsWith('/token')) res.writeHead(status, { location: `${evil.url}/token` }).end();
      else res.writeHead(401, bearerChallenge(`${self}/token`)).end();
    });
    const token = secret('identity');
    const ref = `${reg.host}/app/oci:v1`;
    const result = await resolve(`item 2 ${status}`, [ref], ['-v', '--docker-config', await config(reg.host, { identitytoken: token })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`digestpin: ${ref.replace(/[.]/g, '\\.')}: .*\\[REDIRECT\\]`));
    expect(evil.requests).toEqual([]);
    expect(tokenHits(reg)[0]?.body).toContain('refresh_token=');
  });
});

describe('item 3: plain-http realm exemption is checked for the realm host', () => {
  // `realm.test` is a remote-looking name the test's dispatcher connects to 127.0.0.1: to the
  // host policy it is neither loopback nor insecure, as a realm on another machine would be.
  const loopbackLookup = new Agent({
    connect: {
      lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      }) as never,
    },
  });
  afterAll(() => loopbackLookup.close());

  async function setup(label: string): Promise<{ realm: HostileServer; realmHost: string; ref: string; flags: string[] }> {
    const realm = await server('127.0.0.1', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"issued-token-value"}'));
    const realmHost = `realm.test:${realm.host.split(':')[1]}`;
    const reg = await server('127.0.0.1', (req, res) => {
      if (req.headers.authorization === 'Bearer issued-token-value') serveManifest(req, res);
      else res.writeHead(401, bearerChallenge(`http://${realmHost}/token`)).end();
    });
    const flags = ['--docker-config', await config(reg.host, basic(secret(label)))];
    return { realm, realmHost, ref: `${reg.host}/app/oci:v1`, flags };
  }

  it('a loopback registry naming an http realm on another host: INSECURE_REALM, the realm gets nothing', async () => {
    const { realm, realmHost, ref, flags } = await setup('cleartext');
    const result = await resolveWith('item 3', [ref], flags, loopbackLookup);
    expect(result.code).toBe(2);
    const line = result.stderr.split('\n').find((l) => l.startsWith(`digestpin: ${ref}: `));
    expect(line, result.stderr).toMatch(/\[INSECURE_REALM\]$/);
    expect(line).toContain(`http://${realmHost}/token`);
    expect(line).toContain(`--insecure-registry ${realmHost}`);
    expect(realm.requests).toEqual([]);
  });

  it('the same realm marked insecure explicitly is used (control)', async () => {
    const { realm, realmHost, ref, flags } = await setup('cleartext-ok');
    const result = await resolveWith('item 3 control', [ref], ['--insecure-registry', realmHost, ...flags], loopbackLookup);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${ref} ${MANIFEST_DIGEST}\n`);
    expect(realm.requests).toHaveLength(1);
  });
});

describe('item 4: --timeout is a deadline for the whole request', () => {
  const json = { 'content-type': 'application/json' };
  const manifestType = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
  it.each([
    ['a manifest body', (req: Seen, res: ServerResponse) => {
      if (req.path === '/v2/') res.writeHead(200).end('{}');
      else if (req.method === 'HEAD') res.writeHead(404).end();
      else drip(res, manifestType, MANIFEST, 1000);
    }, []],
    ['a manifest body, with retries allowed', (req: Seen, res: ServerResponse) => {
      if (req.path === '/v2/') res.writeHead(200).end('{}');
      else if (req.method === 'HEAD') res.writeHead(404).end();
      else drip(res, manifestType, MANIFEST, 1000);
    }, ['--retries', '3']],
    ['the ping body', (req: Seen, res: ServerResponse) => {
      if (req.path === '/v2/') drip(res, json, `{${' '.repeat(200)}}`, 1000);
      else serveManifest(req, res);
    }, []],
    ['a token answer', (req: Seen, res: ServerResponse, self: string) => {
      if (req.path.startsWith('/token')) drip(res, json, JSON.stringify({ token: 'x'.repeat(200) }), 1000);
      else res.writeHead(401, bearerChallenge(`${self}/token`)).end();
    }, []],
  ] as const)('%s dripping one byte a second under --timeout 2 fails with TIMEOUT', async (_what, handler, extra) => {
    const reg = await server('127.0.0.1', handler);
    const ref = `${reg.host}/app/oci:v1`;
    const started = Date.now();
    const result = await resolve(`item 4 ${_what}`, [ref], ['--timeout', '2', ...extra]);
    const elapsed = Date.now() - started;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/timed out .*\[TIMEOUT\]/);
    // Without the deadline this drip would run for minutes; the bound is loose for a busy machine.
    expect(elapsed).toBeLessThan(12_000);
  }, 30_000);
});

describe('item 9: secrets echoed by a registry are scrubbed from every output', () => {
  /** echoing builds a registry with Basic auth whose manifest answers echo the request's secret via `echo`. */
  async function echoing(echo: (req: Seen, res: ServerResponse, password: string) => void, password: string): Promise<HostileServer> {
    return server('127.0.0.1', (req, res) => {
      if (req.headers.authorization === undefined) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        return;
      }
      echo(req, res, password);
    });
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it.each([
    ['the Docker-Content-Digest warning', (req: Seen, res: ServerResponse, pw: string) => {
      if (req.method === 'HEAD') res.writeHead(404).end();
      else serveManifest(req, res, { 'docker-content-digest': `sha256:${pw}` });
    }, /Docker-Content-Digest/],
    ['an OCI error code (upper-cased by digestpin)', (_req: Seen, res: ServerResponse, pw: string) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: pw, message: 'no' }] }));
    }, /MANIFEST_UNKNOWN/],
    ['a -v Location line (URL-encoded)', (req: Seen, res: ServerResponse, pw: string) => {
      if (req.path.startsWith('/v2/app/oci/manifests/')) res.writeHead(307, { location: `/v2/app/oci/blobs/x${encodeURIComponent(pw)}` }).end();
      else serveManifest(req, res);
    }, /redirect to/],
    ['a -v Content-Type line', (req: Seen, res: ServerResponse, pw: string) => {
      if (req.method === 'HEAD') serveManifest(req, res, { 'content-type': `application/x-${pw}` });
      else serveManifest(req, res);
    }, /media type/],
    ['an error message quoting the Authorization header and base64 of the password', (req: Seen, res: ServerResponse, pw: string) => {
      const message = `bad ${req.headers.authorization ?? ''} ${b64(pw)} ${b64(`x${pw}`)} ${b64(`xy${pw}`)} ${pw.toUpperCase()}`;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'BAD', message }] }));
    }, /BAD/],
  ] as const)('%s', async (title, echo, reached) => {
    const password = secret('echo');
    const reg = await echoing(echo, password);
    const ref = `${reg.host}/app/oci:v1`;
    for (const flags of [['-v'], ['-v', '--json'], []]) {
      const result = await resolve(`item 9 ${title} ${flags.join(' ')}`, [ref], [...flags, '--docker-config', await config(reg.host, basic(password))]);
      if (flags.includes('-v')) expect(result.stderr).toMatch(reached);
    }
    expect(withAuth(reg).length).toBeGreaterThan(0);
  });

  it('a failing credential helper: its stderr is quoted only with -v, and scrubbed', async () => {
    const helperSecret = secret('helper');
    const dir = await tempDir('digestpin-trust-helper-');
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    const script = [
      '#!/usr/bin/env bash', 'cat >/dev/null',
      `printf '{"Secret":"%s"}' '${helperSecret}'`,
      `echo 'keychain locked: last secret was ${helperSecret} (${b64(helperSecret)})' >&2`, 'exit 3', '',
    ].join('\n');
    await fs.writeFile(path.join(bin, 'docker-credential-hostile'), script, { mode: 0o755 });
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'hostile' }));
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const reg = await server('127.0.0.1', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end());
    const ref = `${reg.host}/app/oci:v1`;
    const quiet = await runCli(['resolve', '--docker-config', dir, ref], { env });
    outputs.push({ title: 'helper quiet', result: quiet });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toContain('docker-credential-hostile');
    expect(quiet.stderr).not.toContain('keychain locked');
    const verbose = await runCli(['resolve', '-v', '--docker-config', dir, ref], { env });
    outputs.push({ title: 'helper verbose', result: verbose });
    expect(verbose.stderr).toContain('keychain locked');
    expectClean(quiet, 'helper quiet');
    expectClean(verbose, 'helper verbose');
  });
});

