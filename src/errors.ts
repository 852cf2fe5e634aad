/**
 * ErrorCode is the stable, documented set of machine-readable error codes.
 * Codes never change meaning; new ones may be added.
 */
export type ErrorCode =
  // input
  | 'USAGE'
  | 'INVALID_REFERENCE'
  | 'INVALID_DIGEST'
  | 'YAML_SYNTAX'
  | 'CONFIG_INVALID'
  | 'IO'
  | 'INPUT_NOT_TEXT'
  // registry protocol
  | 'MANIFEST_UNKNOWN'
  | 'NAME_UNKNOWN'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'RATE_LIMITED'
  | 'REGISTRY_ERROR'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'DIGEST_MISMATCH'
  | 'BODY_TOO_LARGE'
  | 'TOKEN_ERROR'
  | 'INSECURE_REALM'
  | 'REDIRECT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_MANIFEST'
  | 'PLATFORM_MISSING'
  // credentials
  | 'CREDENTIAL_HELPER'
  | 'CREDENTIAL_CONFIG'
  | 'CREDENTIAL_PROVIDER'
  // pinning / lock
  | 'REWRITE_CONFLICT'
  | 'LOCK_INVALID'
  | 'LOCK_MISSING'
  | 'RESOLVE_FAILED'
  | 'FILE_CHANGED'
  | 'LOCK_HELD'
  // pull requests
  | 'GIT'
  | 'FORGE_API';

/** PinError is the base class of every error digestpin throws on purpose. */
export class PinError extends Error {
  override name = 'PinError';
  /** code is stable across releases; match on it, not on the message. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** isPinError reports whether a value is a PinError (optionally with a given code). */
export function isPinError(value: unknown, code?: ErrorCode): value is PinError {
  return value instanceof PinError && (code === undefined || value.code === code);
}

/** errorMessage renders any thrown value as a one-line message without a stack. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
