import { digestProblem, parseReference } from '../reference/index.js';

/** Fail reports one schema violation; it never returns. */
export type Fail = (what: string) => never;

// C0, DEL and C1 control characters: never allowed in anything the lock names.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// RFC 6838 type/subtype (restricted-name), plus optional +suffix inside the subtype.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// os/arch[/variant], each component like containerd's platform parts.
const PLATFORM = /^[a-z0-9._-]+\/[a-z0-9._-]+(\/[a-z0-9._-]+)?$/;
const ENTRY_KEYS = new Set(['digest', 'mediaType', 'platforms', 'files', 'firstSeen', 'history']);
const HISTORY_KEYS = new Set(['digest', 'firstSeen', 'replaced']);

/** MAX_LOCK_DEPTH bounds JSON nesting in a lock: the schema needs 5 levels, more is hostile. */
export const MAX_LOCK_DEPTH = 16;

/**
 * jsonDepth returns the deepest `{`/`[` nesting of JSON text without parsing it (strings
 * skipped), so a hand-made lock nested 100,000 deep is refused before anything recurses.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return max;
}

/** validateKey checks an `images` key: a tagged reference without digest or control characters. */
export function validateKey(key: string, fail: Fail): void {
  const where = `images[${JSON.stringify(key)}]`;
  if (CONTROL.test(key)) fail(`${where}: key contains control characters`);
  let ref;
  try {
    ref = parseReference(key);
  } catch (error) {
    fail(`${where}: key is not an image reference: ${(error as Error).message}`);
  }
  if (ref!.digest !== undefined || ref!.tag === undefined) fail(`${where}: key must be "registry/repo:tag" without a digest`);
}

/** validateEntry checks one lock entry field by field; every error names the entry and field. */
export function validateEntry(key: string, entry: unknown, fail: Fail): void {
  const at = (field: string): string => `images[${JSON.stringify(key)}].${field}`;
  if (!isRecord(entry)) fail(`images[${JSON.stringify(key)}] must be an object`);
  const e = entry as Record<string, unknown>;
  for (const field of Object.keys(e)) if (!ENTRY_KEYS.has(field)) fail(`${at(field)} is not a lock field`);
  checkDigest(e.digest, at('digest'), fail);
  if (!Array.isArray(e.files)) fail(`${at('files')} must be a list of paths`);
  (e.files as unknown[]).forEach((f, i) => checkRelativePath(f, `${at('files')}[${i}]`, fail));
  checkText(e.firstSeen, at('firstSeen'), fail);
  if (e.mediaType !== undefined && (typeof e.mediaType !== 'string' || !MEDIA_TYPE.test(e.mediaType))) fail(`${at('mediaType')} is not a media type`);
  if (e.platforms !== undefined) checkPlatforms(e.platforms, at('platforms'), fail);
  if (e.history !== undefined) checkHistory(e.history, at('history'), fail);
}

function checkPlatforms(value: unknown, where: string, fail: Fail): void {
  if (!isRecord(value)) fail(`${where} must be an object`);
  for (const [platform, digest] of Object.entries(value as Record<string, unknown>)) {
    if (!PLATFORM.test(platform)) fail(`${where}: ${JSON.stringify(platform)} is not an os/arch[/variant] platform`);
    checkDigest(digest, `${where}[${JSON.stringify(platform)}]`, fail);
  }
}

function checkHistory(value: unknown, where: string, fail: Fail): void {
  if (!Array.isArray(value)) fail(`${where} must be a list`);
  (value as unknown[]).forEach((h, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(h)) fail(`${at} must be an object`);
    const r = h as Record<string, unknown>;
    for (const field of Object.keys(r)) if (!HISTORY_KEYS.has(field)) fail(`${at}.${field} is not a history field`);
    checkDigest(r.digest, `${at}.digest`, fail);
    checkText(r.firstSeen, `${at}.firstSeen`, fail);
    checkText(r.replaced, `${at}.replaced`, fail);
  });
}

function checkDigest(value: unknown, where: string, fail: Fail): void {
  if (typeof value !== 'string' || !/^sha(256|512):/.test(value) || digestProblem(value) !== undefined) fail(`${where} is not a valid digest`);
}

function checkText(value: unknown, where: string, fail: Fail): void {
  if (typeof value !== 'string' || value === '' || value.length > 64 || CONTROL.test(value)) fail(`${where} is missing or not a timestamp`);
}

/** checkRelativePath accepts `/`-separated paths inside the lock's directory: no `..`, no absolute path, no control characters. */
function checkRelativePath(value: unknown, where: string, fail: Fail): void {
  if (typeof value !== 'string' || value === '') fail(`${where} must be a path`);
  const p = value as string;
  if (CONTROL.test(p)) fail(`${where} contains control characters`);
  if (p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p)) fail(`${where} ${JSON.stringify(p)} must be relative to the lock's directory`);
  if (p.split('/').includes('..')) fail(`${where} ${JSON.stringify(p)} must not contain ".."`);
}

/** isRecord reports whether a JSON value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
