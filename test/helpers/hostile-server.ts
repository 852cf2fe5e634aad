// Small hostile HTTP servers on loopback for the trust tests (issue 11): each records every
// request it got (method, path, headers, body) and answers through a handler the test writes.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Seen is one request a hostile server received. */
export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Handler answers one request; `self` is the server's own base URL (`http://127.0.0.x:port`). */
export type Handler = (req: Seen, res: ServerResponse, self: string) => void;

/** HostileServer is a running server bound to a 127.0.0.x address. */
export interface HostileServer {
  /** host is `127.0.0.x:port`; url is `http://` + host. */
  host: string;
  url: string;
  requests: Seen[];
  handler: Handler;
  close(): Promise<void>;
}

/** startHostile starts a server on `address` (127.0.0.x only) answering with `handler`. */
export async function startHostile(address: string, handler: Handler): Promise<HostileServer> {
  if (!/^127\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`hostile servers bind loopback only, not ${address}`);
  const server = createServer();
  const state: HostileServer = { host: '', url: '', requests: [], handler, close: async () => undefined };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: Seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.requests.push(seen);
      state.handler(seen, res, state.url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  state.host = `${address}:${port}`;
  state.url = `http://${state.host}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

/** MANIFEST is a small OCI image manifest the fake registries serve. */
export const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [],
});
/** MANIFEST_DIGEST is the sha256 digest of MANIFEST. */
export const MANIFEST_DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

/** serveManifest answers a manifest HEAD/GET with MANIFEST and its digest. */
export function serveManifest(req: Seen, res: ServerResponse, extra: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': MANIFEST_DIGEST,
    'content-length': String(Buffer.byteLength(MANIFEST)), ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : MANIFEST);
}

/** drip answers 200 with `headers` and then one byte of `body` every `everyMs` until the client goes away. */
export function drip(res: ServerResponse, headers: Record<string, string>, body: string, everyMs: number): void {
  res.writeHead(200, headers);
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body[sent++]);
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

/** leakForms lists the forms a secret could leak in: plain, upper-cased, base64 (alone and as user:secret), URL-encoded. */
export function leakForms(username: string, secret: string): string[] {
  const basic = Buffer.from(`${username}:${secret}`).toString('base64');
  const alone = Buffer.from(secret).toString('base64');
  const url = encodeURIComponent(secret);
  const forms = [secret, basic, basic.replace(/=+$/, ''), alone.replace(/=+$/, ''), url];
  return [...new Set(forms.flatMap((f) => [f, f.toUpperCase(), f.toLowerCase()]))];
}
