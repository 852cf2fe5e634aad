import { isMap, isScalar, isSeq, LineCounter, type Document, type Scalar } from 'yaml';
import { PinError } from '../errors.js';
import { withYamlDebugEnv } from './debug-env.js';
import { parseAllDocumentsLean, type ParsedDocuments } from './documents.js';
import { lenientShadow } from './lenient.js';

/** TextSpan is a range of the file's text plus the text itself (without quotes). */
export interface TextSpan {
  /** start is the UTF-16 offset of the first character. */
  start: number;
  /** end is the UTF-16 offset after the last character. */
  end: number;
  /** raw is the exact text at [start, end). */
  raw: string;
}

/** YamlSource is a parsed multi-document YAML text that still knows its exact source text. */
export interface YamlSource {
  file: string;
  text: string;
  /** documents are the parsed documents, in order; comment-only documents have null contents. */
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  /** eol is the file's dominant line ending. */
  eol: '\n' | '\r\n';
}

/** ScalarSource says where a scalar's value text sits in the file. */
export interface ScalarSource {
  /** span is the value text: inside quotes for quoted scalars, the content line for block scalars. */
  span: TextSpan;
  style: 'plain' | 'single' | 'double' | 'block';
  /**
   * verbatim: the text at `span` is exactly the parsed value, so replacing it
   * replaces the value (false for escapes, `''`, folded or multi-line scalars).
   */
  verbatim: boolean;
}

/** Position is a 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/**
 * parseYaml parses every document of `text` keeping source tokens, and throws
 * PinError('YAML_SYNTAX', 'file:line:col: reason') for the first error.
 */
export function parseYaml(file: string, text: string): YamlSource {
  let parsed = parseDocuments(text);
  const firstError = parsed.documents.find((doc) => doc.errors.length > 0)?.errors[0];
  if (firstError) {
    // go-yaml tolerates badly indented continuation lines in quoted scalars and flow
    // collections: re-read such files through a same-length shadow (see yaml-lenient.ts).
    const shadow = tryLenientShadow(text, firstError.pos[0]);
    if (shadow !== undefined) parsed = { documents: parseDocuments(shadow).documents, lineCounter: lineCounterFor(text) };
  }
  const source: YamlSource = { file, text, documents: parsed.documents, lineCounter: parsed.lineCounter, eol: detectEol(text) };
  for (const doc of source.documents) {
    const error = doc.errors[0];
    if (error) throw yamlError(source, error.pos[0], readableReason(error.message.split(' at line ')[0] ?? error.code));
    rejectDuplicateKeys(source, doc);
  }
  return source;
}

/** tryLenientShadow returns the lenient shadow of a text, or undefined (also when nesting is too deep to re-read). */
function tryLenientShadow(text: string, firstError: number): string | undefined {
  try {
    return lenientShadow(text, firstError, (candidate) => parseDocuments(candidate).documents.find((d) => d.errors.length > 0)?.errors[0]?.pos[0]);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** parseDocuments runs the yaml parser with the options every finder relies on. */
function parseDocuments(text: string): ParsedDocuments {
  return withYamlDebugEnv(() => parseAllDocumentsLean(text, {
    keepSourceTokens: true,
    // Kubernetes YAML is read by YAML 1.1 parsers that honour `<<` merge keys.
    merge: true,
    // yaml's own unique-key check compares every pair of keys (quadratic: a 40k-key
    // ConfigMap took 30 s); duplicates are rejected by the linear check below instead.
    uniqueKeys: false,
  }));
}

/** lineCounterFor counts the lines of the original text (a shadow has fewer line breaks). */
function lineCounterFor(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return counter;
}

/** rejectDuplicateKeys throws YAML_SYNTAX at the second occurrence of a scalar key in any mapping (linear time). */
function rejectDuplicateKeys(source: YamlSource, doc: Document): void {
  // A plain walk: yaml's visit() costs several times more per node on large trees.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value !== MERGE_KEY) {
          const name = String(pair.key.value);
          if (seen.has(name)) throw yamlError(source, pair.key.range?.[0] ?? 0, `Map keys must be unique ("${name}" appears twice)`);
          seen.add(name);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
}

const MERGE_KEY = '<<';

/** readableReason turns the yaml package's stack-overflow report (deep nesting) into words a user can act on. */
function readableReason(reason: string): string {
  return /Maximum call stack size exceeded/.test(reason) ? 'nesting is too deep to parse (thousands of levels)' : reason;
}

/** yamlError builds the PinError for a problem at `offset`, naming file:line:col. */
export function yamlError(source: YamlSource, offset: number, reason: string): PinError {
  const { line, column } = positionOf(source, offset);
  return new PinError('YAML_SYNTAX', `${source.file}:${line}:${column}: ${reason}`);
}

/** positionOf converts a UTF-16 offset into a 1-based line and column. */
export function positionOf(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** detectEol returns `\r\n` when the first line ending in the text is CRLF, else `\n`. */
export function detectEol(text: string): '\n' | '\r\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * scalarSource locates the value text of a parsed scalar in the file, or
 * returns undefined for implicit empty values (`key:` with nothing after it).
 */
export function scalarSource(node: Scalar, text: string): ScalarSource | undefined {
  const token = (node as Scalar.Parsed).srcToken;
  if (!token) return undefined;
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  if (token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar') {
    const start = token.offset + 1;
    const end = token.offset + token.source.length - 1;
    const raw = text.slice(start, end);
    return { span: { start, end, raw }, style: token.type === 'single-quoted-scalar' ? 'single' : 'double', verbatim: raw === value };
  }
  if (token.type === 'scalar') {
    const start = token.offset;
    const raw = token.source;
    return { span: { start, end: start + raw.length, raw }, style: 'plain', verbatim: raw === value };
  }
  if (token.type === 'block-scalar') return blockScalarSource(token.offset, token.source, value, text);
  return undefined;
}

/** blockScalarSource finds a one-line block scalar's content (`|-\n  nginx:1`) inside its body. */
function blockScalarSource(headerOffset: number, body: string, value: string, text: string): ScalarSource {
  const bodyStart = text.indexOf(body, headerOffset);
  const content = value.replace(/\r?\n$/, '');
  const at = content === '' || /[\r\n]/.test(content) ? -1 : body.indexOf(content);
  if (bodyStart < 0 || at < 0 || body.indexOf(content, at + 1) >= 0 || body.trim() !== content) {
    const start = Math.max(bodyStart, headerOffset);
    return { span: { start, end: start + body.length, raw: body }, style: 'block', verbatim: false };
  }
  const start = bodyStart + at;
  return { span: { start, end: start + content.length, raw: content }, style: 'block', verbatim: true };
}

/** lineStart returns the offset of the first character of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
