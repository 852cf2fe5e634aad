// One shared copy per distinct string for data that lives for a whole run (issue 13 cause 5).

const CACHE_LIMIT = 20_000;
const strings = new Map<string, string>();

/**
 * intern returns one shared, flat copy of a string: YAML paths and pinned references are
 * built by concatenation (rope strings in V8), values sliced from a file keep the whole file
 * text alive, and strings that come back from a worker are copies of their own. The cache is
 * bounded: past CACHE_LIMIT distinct strings it starts over (later copies are merely unshared).
 */
export function intern<T extends string>(text: T): T {
  const hit = strings.get(text);
  if (hit !== undefined) return hit as T;
  const flat = Buffer.from(text, 'utf8').toString('utf8');
  if (strings.size >= CACHE_LIMIT) strings.clear();
  strings.set(flat, flat);
  return flat as T;
}
