// digestpin's public library API: re-exports only.
export { PinError, isPinError, type ErrorCode } from './errors.js';
export { VERSION } from './version.js';
export { parseReference, isTemplated, pinnedText, withDigest, ReferenceError } from './reference/index.js';
export type { ImageReference } from './reference/types.js';
export { RegistryClient, RegistryError, parseMirror, type RegistryClientOptions } from './registry/index.js';
export { lockKey, type PlatformDigest, type ResolvedImage, type ResolveOptions, type Resolver } from './resolver/types.js';
export { defaultKeychain, anonymousKeychain, chainKeychains, secretsKeychain, parsePullSecrets, nodeReadFile } from './auth/index.js';
export type { AuthTarget, Credential, Keychain } from './auth/types.js';
export { planPinRun, type PinRun, type PinRunOptions } from './pipeline/pin.js';
export { pinTree, type PinTreeOptions, type PinTreeReport } from './pipeline/pin-tree.js';
export { scanText, scanFiles, unreadableError, type ScannedFile } from './pipeline/scan.js';
export { collectFiles } from './pipeline/collect.js';
export { readLock, writeLock, serializeLock, DEFAULT_LOCK_FILE } from './lock/io.js';
export type { LockEntry, LockFile } from './lock/schema.js';
export { checkDrift, type DriftOptions } from './drift/check.js';
export { renderDrift, type DriftFormat } from './drift/format.js';
export type { DriftItem, DriftReport } from './drift/types.js';
export type { Finder, Occurrence } from './finders/types.js';
