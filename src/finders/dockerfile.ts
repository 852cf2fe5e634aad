import { baseName } from './file-kind.js';
import { classifyReference } from './image-occurrence.js';
import type { Finder, FinderOptions, FindResult, Occurrence } from './types.js';

// Dockerfile syntax: https://docs.docker.com/reference/dockerfile/
// This is a pure-text scanner: it splits the file into instructions (parser
// directives, escape-character line continuations, comments, heredocs) and keeps,
// for every character of an instruction, its offset in the original text, so that a
// reference can be replaced byte-exactly.

/** Token is one whitespace-separated word of an instruction, with its source range. */
interface Token {
  text: string;
  start: number;
  end: number;
}

/** Instruction is one logical Dockerfile instruction (after joining continuation lines). */
interface Instruction {
  keyword: string;
  args: Token[];
}

interface Line {
  start: number;
  /** text excludes the line ending. */
  text: string;
}

const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
// Heredoc markers: https://docs.docker.com/reference/dockerfile/#here-documents
const HEREDOC = /(?<!<)<<(-?)(["']?)([A-Za-z0-9_.-]+)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const BASENAME = /^(?:(?:docker|container)file(?:[.-].*)?|.+\.(?:docker|container)file)$/i;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  // A UTF-8 byte order mark is not part of the first instruction (BuildKit strips it too).
  let start = text.startsWith('\uFEFF') ? 1 : 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl;
    const body = text.slice(start, stop);
    lines.push({ start, text: body.endsWith('\r') ? body.slice(0, -1) : body });
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

/** readDirectives returns the escape character and the index of the first non-directive line. */
function readDirectives(lines: Line[]): { escape: string; next: number } {
  let escape = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.text);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  return { escape, next: i };
}

/** tokenize splits joined text into words, mapping each back to source offsets. */
function tokenize(chars: string, offsets: number[]): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(chars); m; m = re.exec(chars)) {
    const first = offsets[m.index]!;
    const last = offsets[m.index + m[0].length - 1]!;
    tokens.push({ text: m[0], start: first, end: last + 1 });
  }
  return tokens;
}

/** readInstructions splits the file into logical instructions, skipping comments and heredoc bodies. */
function readInstructions(text: string): Instruction[] {
  const lines = splitLines(text);
  const { escape, next } = readDirectives(lines);
  const continued = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const out: Instruction[] = [];
  let i = next;
  while (i < lines.length) {
    const first = lines[i]!.text;
    if (/^\s*(#|$)/.test(first)) {
      i++;
      continue;
    }
    let chars = '';
    const offsets: number[] = [];
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      // Comment and blank lines inside a continued instruction are dropped.
      if (chars !== '' && /^\s*(#|$)/.test(line.text)) continue;
      const cont = continued.exec(line.text);
      const body = cont ? line.text.slice(0, cont.index) : line.text;
      for (let k = 0; k < body.length; k++) offsets.push(line.start + k);
      chars += body;
      if (!cont) break;
      // A space keeps words on both sides of the break apart in the token map.
      chars += ' ';
      offsets.push(line.start + body.length);
    }
    i++;
    const tokens = tokenize(chars, offsets);
    const keyword = tokens[0]?.text.toUpperCase() ?? '';
    out.push({ keyword, args: tokens.slice(1) });
    if (HEREDOC_KEYWORDS.has(keyword)) i = skipHeredocs(chars, lines, i);
  }
  return out;
}

/** skipHeredocs returns the index of the first line after the heredoc bodies started in `chars`. */
function skipHeredocs(chars: string, lines: Line[], i: number): number {
  for (const m of chars.matchAll(HEREDOC)) {
    const stripTabs = m[1] === '-';
    const word = m[3]!;
    while (i < lines.length) {
      const line = lines[i++]!.text;
      if ((stripTabs ? line.replace(/^\t+/, '') : line) === word) break;
    }
  }
  return i;
}

/** argDefaults reads `ARG NAME=value` defaults (global scope: before the first FROM). */
function argDefaults(args: Token[], into: Map<string, string>): void {
  for (const t of args) {
    const eq = t.text.indexOf('=');
    if (eq > 0) into.set(t.text.slice(0, eq), t.text.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
  }
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:]?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** isStageName decides whether a (possibly ARG-substituted) word names an earlier build stage. */
function isStageName(word: string, stages: Set<string>, args: Map<string, string>): boolean {
  const lower = word.toLowerCase();
  if (stages.has(lower)) return true;
  if (!word.includes('$') || /[/:@]/.test(word)) return false;
  const expanded = word.replace(VARIABLE, (all, a?: string, b?: string) => args.get((a ?? b)!) ?? all);
  if (stages.has(expanded.toLowerCase())) return true;
  // `build-base-${VARIANT}`: the literal parts must match a stage; a bare `${X}` says nothing.
  const literal = lower.replace(VARIABLE, '');
  if (literal === '') return false;
  const pattern = lower
    .split(VARIABLE)
    .filter((_, k) => k % 3 === 0)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${pattern}$`);
  return [...stages].some((s) => re.test(s));
}

interface ScanState {
  file: string;
  text: string;
  lineStarts: number[];
  stages: Set<string>;
  args: Map<string, string>;
  occurrences: Occurrence[];
}

function lineCol(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/** classify turns an image word into an occurrence (skipped, pinned or unpinned). */
function classify(state: ScanState, token: Token, kind: string, path: string): Occurrence {
  const raw = state.text.slice(token.start, token.end);
  const base: Occurrence = {
    file: state.file,
    ...lineCol(state.lineStarts, token.start),
    span: { start: token.start, end: token.end, raw },
    finder: 'dockerfile',
    kind,
    path,
    status: 'skipped',
  };
  const word = token.text;
  if (raw !== word) return { ...base, skipReason: 'line-continuation' };
  if (kind === 'from' && word.toLowerCase() === 'scratch') return { ...base, skipReason: 'scratch' };
  if (isStageName(word, state.stages, state.args) || (kind === 'copy-from' && /^\d+$/.test(word))) {
    return { ...base, skipReason: 'stage-reference' };
  }
  if (word.includes('$')) return { ...base, skipReason: 'variable' };
  const classified = classifyReference(word);
  if (classified.status === 'skipped') return { ...base, ...classified };
  return { ...base, ...classified, plan: { type: 'reference' } };
}

function onFrom(state: ScanState, ins: Instruction, index: number): void {
  const rest = ins.args.filter((t) => !t.text.startsWith('--'));
  const image = rest[0];
  if (!image) return;
  state.occurrences.push(classify(state, image, 'from', `FROM[${index}]`));
  if (rest[1]?.text.toLowerCase() === 'as' && rest[2]) state.stages.add(rest[2].text.toLowerCase());
}

function onCopy(state: ScanState, ins: Instruction, index: number): void {
  for (const t of ins.args) {
    if (!t.text.startsWith('--')) break;
    const m = /^--from=/i.exec(t.text);
    if (!m || t.text.length === m[0].length) continue;
    const from: Token = { text: t.text.slice(m[0].length), start: t.start + m[0].length, end: t.end };
    state.occurrences.push(classify(state, from, 'copy-from', `COPY[${index}]`));
  }
}

/** findDockerfileImages extracts FROM (and, opt-in, `COPY --from=<image>`) references. */
export function findDockerfileImages(file: string, text: string, options: FinderOptions = {}): FindResult {
  const lineStarts = splitLines(text).map((l, i) => (i === 0 ? 0 : l.start));
  const state: ScanState = { file, text, lineStarts, stages: new Set(), args: new Map(), occurrences: [] };
  let froms = 0;
  let copies = 0;
  for (const ins of readInstructions(text)) {
    if (ins.keyword === 'ARG' && froms === 0) argDefaults(ins.args, state.args);
    else if (ins.keyword === 'FROM') onFrom(state, ins, froms++);
    else if (ins.keyword === 'COPY' && options.dockerfileCopyFrom) onCopy(state, ins, copies++);
  }
  return { occurrences: state.occurrences };
}

/** matchesDockerfile reports whether a path's base name is a Dockerfile or Containerfile. */
export function matchesDockerfile(file: string): boolean {
  const base = baseName(file);
  // `Dockerfile.dockerignore` is BuildKit's per-Dockerfile ignore file, not a Dockerfile.
  return BASENAME.test(base) && !/\.dockerignore$/i.test(base);
}

/** dockerfileFinder finds base images in Dockerfiles and Containerfiles (id `dockerfile`). */
export const dockerfileFinder: Finder = {
  id: 'dockerfile',
  matches: (file) => matchesDockerfile(file),
  find: (file, text, options) => findDockerfileImages(file, text, options),
};
