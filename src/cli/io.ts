import type { Dispatcher } from 'undici';

/** CliIO is everything the CLI touches outside itself; tests pass fakes. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** homedir overrides os.homedir() (tests never read the real ~/.docker). */
  homedir?: string;
  /** dispatcher overrides the HTTP dispatcher (tests: undici MockAgent). */
  dispatcher?: Dispatcher;
  /** uid overrides process.getuid() (podman's /run/containers/<uid>/auth.json lookup). */
  uid?: number;
  /** now overrides the clock (lock timestamps). */
  now?: () => Date;
}

/** ExitCode is the CLI's contract: 0 ok, 1 changes needed / drift found (check modes), 2 usage or runtime error. */
export const ExitCode = { ok: 0, changes: 1, error: 2 } as const;

/** writeLine writes one line to a stream. */
export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** WRITE_CHUNK is how much text writeLines joins into one write. */
const WRITE_CHUNK = 64 * 1024;

/**
 * writeLines writes many lines in chunks of whole lines: a write per line cost a syscall and a
 * secret-scrubbing pass each (10,000 `pinned` lines on W2, issue 13). Each chunk ends at a line
 * end, so scrubbing sees every line whole, as it did line by line.
 */
export function writeLines(stream: NodeJS.WritableStream, lines: Iterable<string>): void {
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= WRITE_CHUNK) {
      stream.write(chunk);
      chunk = '';
    }
  }
  if (chunk) stream.write(chunk);
}
