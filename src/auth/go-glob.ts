/**
 * A port of Go's `path/filepath.Match` (Unix flavour, separator `/`), which
 * kubelet uses to glob registry host labels. Ported from Go
 * src/path/filepath/match.go (`Match`, `scanChunk`, `matchChunk`, `getEsc`);
 * strings are handled as arrays of code points, like Go's rune decoding.
 *
 * Pattern syntax: `*` any run of non-`/` characters, `?` one non-`/`
 * character, `[...]` / `[^...]` classes with `lo-hi` ranges, `\c` literal c.
 */

/** GlobResult is Go's `(matched bool, err error)` pair; `badPattern` is ErrBadPattern. */
export interface GlobResult {
  matched: boolean;
  badPattern: boolean;
}

class BadPattern extends Error {}

const SEP = '/';

/** goFilepathMatch reports whether `name` matches the shell pattern, exactly as Go's filepath.Match. */
export function goFilepathMatch(pattern: string, name: string): GlobResult {
  try {
    return { matched: match([...pattern], [...name]), badPattern: false };
  } catch (err) {
    if (err instanceof BadPattern) return { matched: false, badPattern: true };
    throw err;
  }
}

function match(pattern: string[], name: string[]): boolean {
  outer: while (pattern.length > 0) {
    const { star, chunk, rest } = scanChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return !name.includes(SEP); // trailing * matches the rest unless it has a /
    const here = matchChunk(chunk, name);
    if (here !== undefined && (here.length === 0 || pattern.length > 0)) {
      name = here;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== SEP; i++) {
        const t = matchChunk(chunk, name.slice(i + 1));
        if (t !== undefined) {
          if (pattern.length === 0 && t.length > 0) continue; // last chunk must exhaust the name
          name = t;
          continue outer;
        }
      }
    }
    // Go validates the remainder of the pattern before returning false.
    while (pattern.length > 0) {
      const next = scanChunk(pattern);
      pattern = next.rest;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return name.length === 0;
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let star = false;
  let start = 0;
  while (start < pattern.length && pattern[start] === '*') {
    start++;
    star = true;
  }
  let inRange = false;
  let i = start;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++; // a trailing backslash is reported by matchChunk
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.slice(start, i), rest: pattern.slice(i) };
}

/** matchChunk returns the unmatched rest of `s`, or undefined when the chunk fails; throws BadPattern. */
function matchChunk(chunk: string[], s: string[]): string[] | undefined {
  // After a failure Go keeps scanning the chunk, to validate it, without reading s.
  let failed = false;
  let c = 0;
  let k = 0;
  while (c < chunk.length) {
    if (!failed && k >= s.length) failed = true;
    const ch = chunk[c];
    if (ch === '[') {
      const r = failed ? -1 : cp(s[k++] ?? '');
      const cls = matchClass(chunk, c + 1, r);
      c = cls.next;
      if (!cls.matched) failed = true;
    } else if (ch === '?') {
      if (!failed) {
        if (s[k] === SEP) failed = true;
        k++;
      }
      c++;
    } else {
      if (ch === '\\') {
        c++;
        if (c >= chunk.length) throw new BadPattern();
      }
      if (!failed) {
        if (chunk[c] !== s[k]) failed = true;
        k++;
      }
      c++;
    }
  }
  return failed ? undefined : s.slice(k);
}

/** matchClass parses `[^lo-hi…]` starting after the `[` and tests rune `r` against it. */
function matchClass(chunk: string[], start: number, r: number): { matched: boolean; next: number } {
  let c = start;
  let negated = false;
  if (chunk[c] === '^') {
    negated = true;
    c++;
  }
  let inRange = false;
  let nrange = 0;
  for (;;) {
    if (chunk[c] === ']' && nrange > 0) return { matched: inRange !== negated, next: c + 1 };
    const lo = getEsc(chunk, c);
    let hi = lo;
    c = lo.next;
    if (chunk[c] === '-') {
      hi = getEsc(chunk, c + 1);
      c = hi.next;
    }
    if (lo.rune <= r && r <= hi.rune) inRange = true;
    nrange++;
  }
}

function getEsc(chunk: string[], at: number): { rune: number; next: number } {
  let i = at;
  const first = chunk[i];
  if (first === undefined || first === '-' || first === ']') throw new BadPattern();
  if (first === '\\') {
    i++;
    if (i >= chunk.length) throw new BadPattern();
  }
  const rune = cp(chunk[i] ?? '');
  i++;
  if (i >= chunk.length) throw new BadPattern();
  return { rune, next: i };
}

function cp(ch: string): number {
  return ch.codePointAt(0) ?? -1;
}
