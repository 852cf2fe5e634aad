import type { Readable } from 'node:stream';

/** ERROR_BODY_MAX is how much of an error answer is read (64 KiB); the rest is dropped. */
export const ERROR_BODY_MAX = 64 * 1024;
/** MANIFEST_BODY_MAX is the largest manifest accepted (4 MiB, as containerd and the distribution registry). */
export const MANIFEST_BODY_MAX = 4 * 1024 * 1024;
/** TOKEN_BODY_MAX is the largest token answer accepted (1 MiB). */
export const TOKEN_BODY_MAX = 1024 * 1024;

/** CappedBody is what readCapped read: at most `limit` bytes and whether more was sent. */
export interface CappedBody {
  bytes: Buffer;
  truncated: boolean;
}

/**
 * readCapped reads a response body counting the streamed bytes (Content-Length is not
 * trusted) and stops, destroying the stream, once more than `limit` bytes arrived.
 */
export async function readCapped(body: Readable, limit: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (total + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - total));
      body.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buf);
    total += buf.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}
