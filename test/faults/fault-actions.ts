// The faults the proxy in test/helpers/fault-proxy.ts can inject, and how each is written
// on the wire. Every fault works on the real upstream answer unless it replaces it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Answer is a complete upstream answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Fault says what goes wrong with one request. */
export type Fault =
  /** pass forwards the request and its answer unchanged. */
  | { type: 'pass' }
  /** respond answers without asking upstream (429 + Retry-After, 5xx, malformed token JSON…). */
  | { type: 'respond'; status: number; headers?: Record<string, string>; body?: string | Buffer }
  /** reset sends the headers and `afterBytes` of the real body, then resets the connection (RST). */
  | { type: 'reset'; afterBytes: number }
  /** truncate declares the real Content-Length but sends `keepBytes` and closes (FIN); `chunked` ends cleanly instead. */
  | { type: 'truncate'; keepBytes: number; chunked?: boolean }
  /** stall never answers (`afterHeaders`: sends headers and part of the body, then nothing). */
  | { type: 'stall'; afterHeaders?: boolean }
  /** digest drops, garbles or replaces Docker-Content-Digest on the real answer. */
  | { type: 'digest'; action: 'drop' | 'malformed' | 'lie'; value?: string }
  /** redirect answers 307 to the same path on the other origin, or on the proxy itself (a loop). */
  | { type: 'redirect'; to: 'other' | 'self' }
  /** oversize streams `bytes` bytes with `status` (default 200); `declareLength` sends Content-Length. */
  | { type: 'oversize'; bytes: number; status?: number; contentType?: string; declareLength?: boolean }
  /** unauthorized answers 401 with the registry's bearer challenge and error="invalid_token". */
  | { type: 'unauthorized' };

/** FaultContext is what applying a fault needs from the proxy. */
export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** seen records the bytes sent (`sent`). */
  seen: { sent: number };
  upstream: () => Promise<Answer>;
  otherUrl: string;
  selfUrl: string;
  challenge: () => string;
}

/** LIE_DIGEST is a well-formed sha256 digest no registry content hashes to. */
export const LIE_DIGEST = `sha256:${createHash('sha256').update('digestpin: a lying Docker-Content-Digest').digest('hex')}`;

/** applyFault writes the answer for one request according to `fault`. */
export async function applyFault(fault: Fault, ctx: FaultContext): Promise<void> {
  const { res } = ctx;
  switch (fault.type) {
    case 'pass':
      return send(ctx, await ctx.upstream());
    case 'respond':
      return send(ctx, { status: fault.status, headers: fault.headers ?? {}, body: Buffer.from(fault.body ?? '') });
    case 'digest':
      return send(ctx, rewriteDigest(await ctx.upstream(), fault));
    case 'redirect':
      res.writeHead(307, { location: fault.to === 'other' ? ctx.otherUrl : ctx.selfUrl, 'content-length': '0' }).end();
      return;
    case 'unauthorized': {
      const body = JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
      res.writeHead(401, { 'www-authenticate': ctx.challenge(), 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
      return;
    }
    case 'stall':
      if (fault.afterHeaders) partial(ctx, await ctx.upstream(), 16);
      return;
    case 'reset':
    case 'truncate':
      return cut(ctx, await ctx.upstream(), fault);
    case 'oversize':
      return stream(ctx, fault);
  }
}

function send(ctx: FaultContext, answer: Answer): void {
  ctx.res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  const head = ctx.req.method === 'HEAD';
  ctx.res.end(head ? undefined : answer.body);
  ctx.seen.sent = head ? 0 : answer.body.length;
}

function rewriteDigest(answer: Answer, fault: Extract<Fault, { type: 'digest' }>): Answer {
  const headers = { ...answer.headers };
  delete headers['docker-content-digest'];
  if (fault.action === 'malformed') headers['docker-content-digest'] = fault.value ?? 'sha256:NOT-A-DIGEST';
  if (fault.action === 'lie') headers['docker-content-digest'] = fault.value ?? LIE_DIGEST;
  return { ...answer, headers };
}

/** partial sends the headers (real Content-Length) and the first `bytes` body bytes, and keeps the socket open. */
function partial(ctx: FaultContext, answer: Answer, bytes: number): Buffer {
  const head = ctx.req.method === 'HEAD';
  ctx.res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  ctx.res.flushHeaders();
  const part = head ? Buffer.alloc(0) : answer.body.subarray(0, Math.min(bytes, answer.body.length - 1));
  if (part.length > 0) ctx.res.write(part);
  ctx.seen.sent = part.length;
  return part;
}

function cut(ctx: FaultContext, answer: Answer, fault: Extract<Fault, { type: 'reset' | 'truncate' }>): void {
  const keep = fault.type === 'reset' ? fault.afterBytes : fault.keepBytes;
  if (fault.type === 'truncate' && fault.chunked) {
    // A short body that ends cleanly: the transport cannot tell, only the content can.
    const headers = { ...answer.headers };
    delete headers['content-length'];
    ctx.res.writeHead(answer.status, headers);
    ctx.res.end(answer.body.subarray(0, keep));
    ctx.seen.sent = Math.min(keep, answer.body.length);
    return;
  }
  partial(ctx, answer, keep);
  const socket = ctx.res.socket as Socket | null;
  // Let the written bytes leave first, then RST (reset) or FIN (truncate) the connection.
  setTimeout(() => (fault.type === 'reset' ? socket?.resetAndDestroy() : socket?.end()), 20);
}

/** stream writes `bytes` bytes with backpressure and stops when the client hangs up. */
async function stream(ctx: FaultContext, fault: Extract<Fault, { type: 'oversize' }>): Promise<void> {
  const { res } = ctx;
  const headers: Record<string, string> = { 'content-type': fault.contentType ?? 'application/vnd.oci.image.manifest.v1+json' };
  if (fault.declareLength) headers['content-length'] = String(fault.bytes);
  res.writeHead(fault.status ?? 200, headers);
  if (ctx.req.method === 'HEAD') return void res.end();
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  chunk[0] = 0x7b; // '{': looks like the start of JSON
  let closed = false;
  let wake: (() => void) | undefined;
  res.once('close', () => {
    closed = true;
    wake?.();
  });
  res.on('drain', () => wake?.());
  while (!closed && ctx.seen.sent < fault.bytes) {
    const part = chunk.subarray(0, Math.min(chunk.length, fault.bytes - ctx.seen.sent));
    ctx.seen.sent += part.length;
    if (!res.write(part)) await new Promise<void>((resolve) => (wake = resolve));
  }
  if (!closed) res.end();
}
