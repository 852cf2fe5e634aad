import { PinError, type ErrorCode } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/**
 * parseByteSize reads a size such as `16MiB`, `512k`, `1.5MB` or `1048576` (bytes) into
 * bytes; `what` names the flag or config key in the error (code `code`).
 */
export function parseByteSize(value: string | number, what: string, code: ErrorCode = 'USAGE'): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Number(match[1]) * unit : NaN;
  // A fraction of a byte (`1.5`, `1.5B`) is a typo, not a size.
  if (!Number.isSafeInteger(unit === 1 ? bytes : Math.floor(bytes)) || bytes < 1) {
    throw new PinError(code, `${what} ${JSON.stringify(text)} is not a size (use bytes or a unit: 16MiB, 512KiB, 2GB)`);
  }
  return Math.floor(bytes);
}
