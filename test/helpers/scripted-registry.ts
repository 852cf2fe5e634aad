// A tiny hostile registry for trust tests (issue 11): a Node http server on 127.0.0.1:0 that
// answers exactly what a test scripts, per method and path. `/v2/` answers 200; anything not
// scripted answers 404 MANIFEST_UNKNOWN. A client's first https attempt is answered 400.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Answer is one scripted reply; a HEAD gets the headers (and Content-Length) of its body, without the body. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** ScriptedRegistry is a running server; `routes` maps `METHOD /path` to an answer. */
export interface ScriptedRegistry {
  /** host is `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  routes: Map<string, Answer>;
  /** seen lists `METHOD /path` of every request received. */
  seen: string[];
  stop(): Promise<void>;
}

/** sha256Of returns the `sha256:` digest of text or bytes. */
export function sha256Of(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** sha512Of returns the `sha512:` digest of text or bytes. */
export function sha512Of(data: string | Buffer): string {
  return `sha512:${createHash('sha512').update(data).digest('hex')}`;
}

/** startScriptedRegistry listens on 127.0.0.1:0 and answers from `routes`. */
export async function startScriptedRegistry(): Promise<ScriptedRegistry> {
  const routes = new Map<string, Answer>();
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method} ${req.url}`;
    seen.push(key);
    const answer = req.url === '/v2/' ? { status: 200, body: '{}' } : routes.get(key) ?? routes.get(key.replace(/^HEAD /, 'ANY ')) ?? routes.get(key.replace(/^GET /, 'ANY '))
      ?? { status: 404, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' };
    const body = Buffer.from(answer.body ?? '');
    res.writeHead(answer.status ?? 200, { 'content-length': String(body.length), ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket: Socket) => (socket.writable ? socket.end('HTTP/1.1 400 Bad Request\r\n\r\n') : socket.destroy()));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    routes,
    seen,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** ServeOptions shape how a manifest is served. */
export interface ServeOptions {
  /** contentType is sent on GET (default: the body's mediaType). */
  contentType?: string;
  /** headContentType is sent on HEAD (default: contentType). */
  headContentType?: string;
  /** headDigest is HEAD's Docker-Content-Digest (default: the sha256 of the body). */
  headDigest?: string;
  /** byDigest also serves the manifest at its sha256 digest (default true). */
  byDigest?: boolean;
}

/** serveManifest scripts HEAD and GET of `repo:tag` (and GET/HEAD by digest) for a manifest body; returns its sha256 digest. */
export function serveManifest(reg: ScriptedRegistry, repo: string, tag: string, body: string, options: ServeOptions = {}): string {
  const digest = sha256Of(body);
  const declared = (JSON.parse(body) as { mediaType?: string }).mediaType;
  const contentType = options.contentType ?? declared ?? 'application/json';
  const get: Answer = { headers: { 'content-type': contentType, 'docker-content-digest': digest }, body };
  const head: Answer = { headers: { 'content-type': options.headContentType ?? contentType, 'docker-content-digest': options.headDigest ?? digest }, body };
  reg.routes.set(`GET /v2/${repo}/manifests/${tag}`, get);
  reg.routes.set(`HEAD /v2/${repo}/manifests/${tag}`, head);
  if (options.byDigest !== false) {
    reg.routes.set(`GET /v2/${repo}/manifests/${digest}`, get);
    reg.routes.set(`HEAD /v2/${repo}/manifests/${digest}`, { ...get });
  }
  return digest;
}
