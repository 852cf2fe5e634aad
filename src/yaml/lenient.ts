import { Parser } from 'yaml';
import { withYamlDebugEnv } from './debug-env.js';

// go-yaml (kubectl, kustomize, Argo) and libyaml do not check the indentation of the
// continuation lines of quoted scalars and flow collections; eemeli/yaml (YAML 1.2 strict)
// rejects e.g. `    args: ['` / `  echo hello;` / `    ']` (MISSING_CHAR, BAD_INDENT,
// MULTILINE_IMPLICIT_KEY). Real projects ship such files (Argo Workflows examples).
//
// The lenient read builds a *shadow* of the text with the same length: inside each failing
// multi-line quoted scalar or flow collection, line breaks become spaces and comments are
// blanked, so the strict parser reads it on one line. Every offset is unchanged, and the
// source keeps the original text: a scalar whose original text differs from its parsed
// value (anything that was flattened) is not verbatim and is never rewritten, so
// byte-exactness rests on the same check as for any other scalar.

/** MAX_REPAIRS bounds the re-parses of one text (each repair flattens one construct). */
const MAX_REPAIRS = 200;

/** Construct is a CST token that can span lines: a quoted scalar or a flow collection. */
interface Construct {
  offset: number;
  type: string;
}

/** WORK_BUDGET bounds re-parsing: repairs × text length (a 1 MB file gets 50 repairs, small files 200). */
const WORK_BUDGET = 50_000_000;

/**
 * lenientShadow returns a same-length copy of `text` in which the multi-line quoted
 * scalars and flow collections that the strict parser rejects are flattened onto one
 * line, or undefined when an error is of another kind (then the text is invalid for
 * go-yaml too, or at least not in a way this read tolerates). `firstError` is the offset
 * of the strict parse's first error; `firstErrorAt` re-parses a candidate shadow.
 */
export function lenientShadow(text: string, firstError: number, firstErrorAt: (text: string) => number | undefined): string | undefined {
  const repairs = Math.min(MAX_REPAIRS, Math.max(1, Math.floor(WORK_BUDGET / Math.max(text.length, 1))));
  let shadow = text;
  let at: number | undefined = firstError;
  for (let i = 0; i < repairs && at !== undefined; i++) {
    const repair = repairAt(shadow, at);
    if (!repair) return undefined;
    shadow = flatten(shadow, repair.start, repair.span);
    at = firstErrorAt(shadow);
  }
  return at === undefined ? shadow : undefined;
}

/** repairAt picks the innermost multi-line construct that starts at or before an error and ends after it. */
function repairAt(text: string, at: number): { start: number; span: Span } | undefined {
  for (const construct of constructsBefore(text, at)) {
    const span = constructEnd(text, construct.offset);
    if (span && span.end > at && /[\r\n]/.test(text.slice(construct.offset, span.end))) return { start: construct.offset, span };
  }
  return undefined;
}

/** constructsBefore lists the quoted scalars and flow collections starting at or before `offset`, innermost (last) first. */
function constructsBefore(text: string, offset: number): Construct[] {
  const found: Construct[] = [];
  const consider = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(consider);
    const token = node as { type?: string; offset?: number; start?: { offset?: number } };
    const start = token.type === 'flow-collection' ? token.start?.offset : token.offset;
    const spans = token.type === 'flow-collection' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar';
    if (spans && start !== undefined && start <= offset) found.push({ offset: start, type: token.type! });
    for (const value of Object.values(node)) if (value && typeof value === 'object') consider(value);
  };
  withYamlDebugEnv(() => {
    for (const token of new Parser().parse(text)) consider(token);
  });
  return found.sort((a, b) => b.offset - a.offset);
}

/** Span is the end of a construct plus the comments inside it (to blank). */
interface Span {
  end: number;
  comments: Array<[number, number]>;
}

/** constructEnd scans a quoted scalar or flow collection the way libyaml does (no indentation checks). */
function constructEnd(text: string, start: number): Span | undefined {
  const open = text[start];
  if (open === "'" || open === '"') {
    const end = quotedEnd(text, start);
    return end === undefined ? undefined : { end, comments: [] };
  }
  if (open !== '[' && open !== '{') return undefined;
  const comments: Array<[number, number]> = [];
  let depth = 0;
  // prev is the last character outside whitespace and comments: a quote opens a scalar
  // only where a node starts (after `[`, `{`, `,`, `:` or `?`), else it is part of a plain scalar.
  let prev = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (isDocumentMarker(text, i)) return undefined;
    if (/\s/.test(c)) continue;
    const after = prev;
    prev = c;
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return { end: i + 1, comments };
    } else if ((c === "'" || c === '"') && /[[{,:?]/.test(after)) {
      const end = quotedEnd(text, i);
      if (end === undefined) return undefined;
      i = end - 1;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const eol = text.slice(i).search(/[\r\n]/);
      const stop = eol < 0 ? text.length : i + eol;
      comments.push([i, stop]);
      prev = after;
      i = stop - 1;
    }
  }
  return undefined;
}

/** quotedEnd returns the offset after the closing quote of the scalar opened at `start`. */
function quotedEnd(text: string, start: number): number | undefined {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (isDocumentMarker(text, i)) return undefined;
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return undefined;
}

/** isDocumentMarker: `---` or `...` at the start of a line ends any scalar (libyaml errors there too). */
function isDocumentMarker(text: string, i: number): boolean {
  return (i === 0 || text[i - 1] === '\n') && /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(i, i + 4));
}

/** flatten replaces line breaks by spaces and blanks comments in [start, span.end), keeping the length. */
function flatten(text: string, start: number, span: Span): string {
  const chars = text.slice(start, span.end).split('');
  for (const [from, to] of span.comments) for (let i = from; i < to; i++) chars[i - start] = ' ';
  for (let i = 0; i < chars.length; i++) if (chars[i] === '\n' || chars[i] === '\r') chars[i] = ' ';
  return text.slice(0, start) + chars.join('') + text.slice(span.end);
}
