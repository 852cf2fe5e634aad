// A scriptable fault-injecting reverse proxy for the reliability tests (docs/reliability.md).
// It listens on 127.0.0.1:0 in front of a real registry from the harness (and its token
// server: challenges are rewritten so the realm points at the proxy's `/token`), and a test
// script decides per request what goes wrong. A second listener, the "other origin", plays
// a blob store on another port: it records the headers it receives and serves the real
// content, authenticating upstream by itself (the client's Authorization must not reach it).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type Dispatcher, request } from 'undici';
import { authorizationFor, createDispatcher } from '../harness/http.js';
import type { RegistryInfo } from '../harness/types.js';
import { applyFault, type Answer, type Fault } from '../faults/fault-actions.js';

export type { Fault } from '../faults/fault-actions.js';

/** ProxiedKind classifies a request by distribution-spec endpoint. */
export type ProxiedKind = 'ping' | 'token' | 'manifest' | 'blob' | 'other';

/** SeenRequest is one request the proxy (or the other origin) received. */
export interface SeenRequest {
  method: string;
  /** path is the path and query as received. */
  path: string;
  kind: ProxiedKind;
  /** nth counts requests of this kind and method from 1 (since the last reset). */
  nth: number;
  headers: IncomingMessage['headers'];
  /** fault is the type of the fault applied ('pass' when none). */
  fault: string;
  /** sent is how many body bytes were written before the answer ended or the client hung up. */
  sent: number;
}

/** Script decides the fault for a request; undefined passes it through. */
export type Script = (req: SeenRequest) => Fault | undefined;

/** FaultProxyOptions configure startFaultProxy. */
export interface FaultProxyOptions {
  /** tls serves https with this certificate (e.g. from createTlsMaterial) instead of plain http. */
  tls?: { certPem: string; keyPem: string };
}

/** FaultProxy is a running proxy; set `script` per test and call `reset()` between tests. */
export interface FaultProxy {
  /** host is `127.0.0.1:PORT`, the registry part of references sent through the proxy. */
  host: string;
  port: number;
  url: string;
  script: Script;
  /** realm, when set, replaces the realm of every challenge (default: `${url}/token`). */
  realm: string | undefined;
  /** requests lists what the proxy received since the last reset. */
  requests: SeenRequest[];
  /** other is the second origin redirects point to. */
  other: { url: string; requests: SeenRequest[] };
  reset(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** classify names a request's kind from its path. */
export function classify(pathname: string): ProxiedKind {
  if (pathname === '/token') return 'token';
  if (pathname === '/v2/' || pathname === '/v2') return 'ping';
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(pathname)) return 'manifest';
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(pathname)) return 'blob';
  return 'other';
}

function forwardable(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : Buffer.concat(chunks);
}

/** Recorder numbers requests per kind and method and keeps them for assertions. */
class Recorder {
  requests: SeenRequest[] = [];
  private counts = new Map<string, number>();

  record(req: IncomingMessage): SeenRequest {
    const path = req.url ?? '/';
    const kind = classify(new URL(path, 'http://x').pathname);
    const key = `${kind} ${req.method}`;
    const nth = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, nth);
    const seen: SeenRequest = { method: req.method ?? 'GET', path, kind, nth, headers: req.headers, fault: 'pass', sent: 0 };
    this.requests.push(seen);
    return seen;
  }

  reset(): void {
    this.requests = [];
    this.counts.clear();
  }
}

/** listen starts a server on 127.0.0.1:0, tracking sockets so stop() can cut stalled ones. */
async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  // A client's https attempt at a plain-http listener (its ping) is not HTTP: answer 400 and hang up.
  server.on('clientError', (_e, socket: Socket) => (socket.writable ? socket.end('HTTP/1.1 400 Bad Request\r\n\r\n') : socket.destroy()));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Forward = (req: IncomingMessage, path: string, headers: Record<string, string | string[]>) => Promise<Answer>;

/** forwarder sends requests upstream (the token server for /token), reads whole answers and points challenges at `realm()`. */
function forwarder(upstream: RegistryInfo, dispatcher: Dispatcher, realm: () => string): Forward {
  return async (req, path, headers) => {
    const incoming = new URL(path, 'http://x');
    const ts = upstream.tokenServer;
    const target = incoming.pathname === '/token' && ts ? new URL(`${ts.realm}${incoming.search}`) : new URL(path, upstream.url);
    const res = await request(target, { method: req.method as 'GET', headers, body: await readBody(req), dispatcher });
    const body = Buffer.from(await res.body.arrayBuffer());
    const answer = forwardable(res.headers);
    const challenge = answer['www-authenticate'];
    if (challenge !== undefined && ts) answer['www-authenticate'] = String(challenge).split(ts.realm).join(realm());
    return { status: res.statusCode, headers: answer, body };
  };
}

/** serveOther answers on the other origin with real content, authenticating upstream by itself. */
async function serveOther(req: IncomingMessage, res: ServerResponse, seen: SeenRequest, ctx: { upstream: RegistryInfo; dispatcher: Dispatcher; forward: Forward }): Promise<void> {
  const repository = repositoryOf(seen.path);
  const auth = repository === '' ? undefined : await authorizationFor(ctx.upstream, { repository, dispatcher: ctx.dispatcher });
  const { authorization: _dropped, ...headers } = forwardable(req.headers);
  const answer = await ctx.forward(req, seen.path, auth === undefined ? headers : { ...headers, authorization: auth });
  res.writeHead(answer.status, answer.headers);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
  seen.sent = req.method === 'HEAD' ? 0 : answer.body.length;
}

/** startFaultProxy starts the proxy and its other origin in front of `upstream`. */
export async function startFaultProxy(upstream: RegistryInfo, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const dispatcher = createDispatcher(upstream);
  const [mine, theirs] = [new Recorder(), new Recorder()];
  let proxy: FaultProxy | undefined;
  const realm = () => proxy!.realm ?? `${proxy!.url}/token`;
  const forward = forwarder(upstream, dispatcher, realm);
  const onMine = (req: IncomingMessage, res: ServerResponse) => {
    const seen = mine.record(req);
    const fault = proxy!.script(seen) ?? { type: 'pass' };
    seen.fault = fault.type;
    void applyFault(fault, {
      req, res, seen, upstream: () => forward(req, seen.path, forwardable(req.headers)),
      otherUrl: `${proxy!.other.url}${seen.path}`, selfUrl: `${proxy!.url}${seen.path}`,
      challenge: () => bearerChallenge(realm(), upstream, seen.path),
    }).catch((e: Error) => fail(res, e));
  };
  const onTheirs = (req: IncomingMessage, res: ServerResponse) =>
    void serveOther(req, res, theirs.record(req), { upstream, dispatcher, forward }).catch((e: Error) => fail(res, e));
  const main = await listen(options.tls ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onMine) : createHttpServer(onMine));
  const other = await listen(createHttpServer(onTheirs));
  proxy = {
    host: `127.0.0.1:${main.port}`, port: main.port, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${main.port}`,
    script: () => undefined, realm: undefined,
    get requests() { return mine.requests; },
    other: { url: `http://127.0.0.1:${other.port}`, get requests() { return theirs.requests; } },
    reset: () => { mine.reset(); theirs.reset(); proxy!.script = () => undefined; proxy!.realm = undefined; },
    stop: async () => { await Promise.all([main.close(), other.close()]); await dispatcher.close(); },
  };
  return proxy;
}

function repositoryOf(path: string): string {
  return /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(new URL(path, 'http://x').pathname)?.[1] ?? '';
}

/** bearerChallenge is the registry's 401 challenge for the repository in `path`, with error="invalid_token". */
function bearerChallenge(realm: string, upstream: RegistryInfo, path: string): string {
  const repository = repositoryOf(path);
  const service = upstream.tokenServer?.service ?? 'registry';
  return `Bearer realm="${realm}",service="${service}",scope="repository:${repository}:pull",error="invalid_token"`;
}

function fail(res: ServerResponse, error: Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: ${error.message}\n`);
}
