// A latency-injecting reverse proxy for the benchmark: clients speak plain HTTP/1.1 to it
// on 127.0.0.1, it forwards to the real registry (and, in token mode, to the token server)
// and counts every request by kind. Latency model: one RTT when a TCP connection is
// opened (the handshake), `delayMs` before a request goes upstream and `delayMs` before
// its answer goes back — one RTT per request on a kept-alive connection.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Agent, request } from 'undici';

/** RequestKind is how the proxy classifies a request (distribution spec endpoints). */
export type ProxyRequestKind = 'ping' | 'token' | 'manifestHead' | 'manifestGet' | 'blob' | 'other';

/** ProxyCounts are the requests seen since the last reset, by kind, plus connections and bad requests. */
export interface ProxyCounts extends Record<ProxyRequestKind, number> {
  total: number;
  /** connections counts TCP connections accepted (keep-alive keeps this low). */
  connections: number;
  /** badRequests counts bytes that were not HTTP, e.g. a client's https attempt before it falls back to http. */
  badRequests: number;
  /** unauthorized counts 401 answers (pings and challenges). */
  unauthorized: number;
}

/** ProxyOptions configure startProxy. */
export interface ProxyOptions {
  /** upstream is the registry origin, e.g. `https://127.0.0.1:5000`. */
  upstream: string;
  /** tokenRealm is the token server's realm URL; it is served at `/token` on the proxy and rewritten in challenges. */
  tokenRealm?: string;
  /** caPem is trusted for https upstreams. */
  caPem?: string;
  /** delayMs is added before forwarding and again before answering (default 20: 40 ms RTT). */
  delayMs?: number;
  /** connectRttMs delays the first byte of each new connection (default 2 × delayMs: one handshake RTT). */
  connectRttMs?: number;
  /** onRequest sees each request as it arrives (for tracing). */
  onRequest?: (kind: ProxyRequestKind, method: string, path: string) => void;
}

/** RunningProxy is a live proxy. */
export interface RunningProxy {
  /** host is `127.0.0.1:PORT`, the registry part of references sent through the proxy. */
  host: string;
  url: string;
  delayMs: number;
  /** counts returns a copy of the counters. */
  counts(): ProxyCounts;
  /** reset zeroes the counters (and the activity active) and returns what they held. */
  reset(): ProxyCounts;
  /** activity is when (performance.now()) the first request since the reset arrived and the last answer left. */
  activity(): { first: number; last: number } | undefined;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);
const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;
const BLOB_PATH = /^\/v2\/.+\/blobs\/[^/]+$/;

/** zeroCounts returns counters at zero. */
export function zeroCounts(): ProxyCounts {
  return { total: 0, ping: 0, token: 0, manifestHead: 0, manifestGet: 0, blob: 0, other: 0, connections: 0, badRequests: 0, unauthorized: 0 };
}

/** classify names the kind of a request from its method and path. */
export function classify(method: string, pathname: string, isToken: boolean): ProxyRequestKind {
  if (isToken) return 'token';
  if (pathname === '/v2/' || pathname === '/v2') return 'ping';
  if (MANIFEST_PATH.test(pathname)) return method === 'HEAD' ? 'manifestHead' : method === 'GET' ? 'manifestGet' : 'other';
  if (BLOB_PATH.test(pathname)) return 'blob';
  return 'other';
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : Buffer.concat(chunks);
}

function forwardHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** ProxyState is what the handlers share: counters, the activity window and where the proxy listens. */
interface ProxyState {
  options: ProxyOptions;
  delayMs: number;
  agent: Agent;
  realm?: URL;
  counts: ProxyCounts;
  active?: { first: number; last: number };
  url: string;
}

/** rewriteChallenge points a Bearer realm at the proxy, so token requests pay the RTT too. */
function rewriteChallenge(state: ProxyState, value: string | string[]): string | string[] {
  const { realm } = state;
  if (!realm) return value;
  const swap = (v: string) => v.split(realm.href).join(`${state.url}${realm.pathname}`);
  return Array.isArray(value) ? value.map(swap) : swap(value);
}

/** handle counts a request, waits, forwards it, waits again and answers. */
async function handle(state: ProxyState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const incoming = new URL(req.url ?? '/', 'http://proxy');
  const isToken = state.realm !== undefined && incoming.pathname === state.realm.pathname;
  const kind = classify(req.method ?? 'GET', incoming.pathname, isToken);
  state.counts[kind]++;
  state.counts.total++;
  state.active ??= { first: performance.now(), last: performance.now() };
  state.options.onRequest?.(kind, req.method ?? 'GET', incoming.pathname);
  const body = await readBody(req);
  await sleep(state.delayMs);
  const target = new URL(`${incoming.pathname}${incoming.search}`, isToken ? state.realm!.origin : state.options.upstream);
  // reset: false keeps the upstream connection alive after a HEAD (undici closes it by default).
  const upstream = await request(target, {
    method: req.method as 'GET', headers: forwardHeaders(req.headers), body, dispatcher: state.agent, reset: false,
  });
  const bytes = Buffer.from(await upstream.body.arrayBuffer());
  if (upstream.statusCode === 401) state.counts.unauthorized++;
  const headers = forwardHeaders(upstream.headers);
  if (headers['www-authenticate']) headers['www-authenticate'] = rewriteChallenge(state, headers['www-authenticate']);
  await sleep(state.delayMs);
  res.writeHead(upstream.statusCode, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
  if (state.active) state.active.last = performance.now();
}

/** httpServer builds the HTTP side; bytes that are not HTTP (an https attempt) are counted and refused. */
function httpServer(state: ProxyState) {
  const http = createHttpServer({ keepAlive: true, keepAliveTimeout: 30_000 }, (req, res) => {
    handle(state, req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bench proxy: upstream failed: ${error.message}\n`);
    });
  });
  http.on('clientError', (_error, socket: Socket) => {
    state.counts.badRequests++;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return http;
}

/** startProxy starts the proxy on 127.0.0.1 on a free port. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const delayMs = options.delayMs ?? 20;
  const connectRttMs = options.connectRttMs ?? 2 * delayMs;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, ...(options.caPem ? { connect: { ca: options.caPem } } : {}) });
  const state: ProxyState = { options, delayMs, agent, counts: zeroCounts(), url: '', ...(options.tokenRealm ? { realm: new URL(options.tokenRealm) } : {}) };
  const http = httpServer(state);
  // The handshake RTT: a new connection's bytes reach the HTTP server only after connectRttMs.
  const sockets = new Set<Socket>();
  const net = createNetServer({ pauseOnConnect: true }, (socket) => {
    state.counts.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    setTimeout(() => {
      if (socket.destroyed) return;
      http.emit('connection', socket);
      socket.resume();
    }, connectRttMs);
  });
  await new Promise<void>((resolve, reject) => net.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = net.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: state.url,
    delayMs,
    counts: () => ({ ...state.counts }),
    activity: () => (state.active ? { ...state.active } : undefined),
    reset: () => {
      const before = state.counts;
      state.counts = zeroCounts();
      delete state.active;
      return before;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => net.close(() => resolve()));
      http.close();
      await agent.close();
    },
  };
}
