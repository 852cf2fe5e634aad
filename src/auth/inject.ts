import { readFile as fsReadFile } from 'node:fs/promises';
import { PinError } from '../errors.js';

/** Env is the injected process environment (tests never pass `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * ReadTextFile reads a UTF-8 file. A missing file must reject with an error
 * whose `code` is `ENOENT` (or `ENOTDIR`), as `fs.promises.readFile` does.
 */
export type ReadTextFile = (path: string) => Promise<string>;

/** LogFn receives one verbose line; lines never contain secrets. */
export type LogFn = (line: string) => void;

/** nodeReadFile is the production ReadTextFile backed by `fs.promises.readFile`. */
export const nodeReadFile: ReadTextFile = (path) => fsReadFile(path, 'utf8');

/** isMissingFileError reports whether a read failed because the file does not exist. */
export function isMissingFileError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** readOptionalFile reads `path`, returning undefined when it does not exist; other errors become CREDENTIAL_CONFIG. */
export async function readOptionalFile(read: ReadTextFile, path: string): Promise<string | undefined> {
  try {
    return await read(path);
  } catch (err) {
    if (isMissingFileError(err)) return undefined;
    throw new PinError('CREDENTIAL_CONFIG', `${path}: cannot read credential file (${errnoOf(err)})`, { cause: err });
  }
}

/** readRequiredFile reads `path`, turning any failure (including a missing file) into CREDENTIAL_CONFIG. */
export async function readRequiredFile(read: ReadTextFile, path: string, what: string): Promise<string> {
  try {
    return await read(path);
  } catch (err) {
    const reason = isMissingFileError(err) ? 'file not found' : `cannot read (${errnoOf(err)})`;
    throw new PinError('CREDENTIAL_CONFIG', `${what} ${path}: ${reason}`, { cause: err });
  }
}

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'read error';
}

/**
 * parseJsonText parses JSON without ever echoing the text: Node's SyntaxError
 * messages quote the input, which may hold a password, so only the position is kept.
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    const at = pos === undefined ? '' : ` at ${lineCol(text, Number(pos))}`;
    throw new PinError('CREDENTIAL_CONFIG', `${where}: invalid JSON${at}`);
  }
}

/** lineCol renders a 0-based offset as `line L, column C` (1-based). */
export function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/** isPlainObject reports whether a JSON value is an object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
