import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNode, LineCounter, parseAllDocuments, Parser as YamlParser, visit, type Document } from 'yaml';
import { ungenerate, vendorSources } from '../../scripts/vendor-yaml-parser.js';
import { Parser } from '../../src/yaml/cst/parser.js';
import { VENDORED_YAML_VERSION } from '../../src/yaml/cst/version.js';
import { INSTALLED_YAML_VERSION, leanParserUsable, parseAllDocumentsLean, type LeanParseOptions } from '../../src/yaml/documents.js';

// Issue 13 (memory and speed): src/yaml/cst holds yaml's own Lexer and Parser with their
// generators made plain methods. These tests hold it to being exactly that.

const root = path.resolve(import.meta.dirname, '../..');

/** textFiles lists the readable files under `dir` (missing dirs give nothing). */
function textFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : textFiles(file);
    return stat.size < 512 * 1024 ? [file] : [];
  });
}

/** samples are every text file of the fixtures, examples, tests and corpus, each read once. */
const samples = [
  ...textFiles(path.join(root, 'fixtures')),
  ...textFiles(path.join(root, 'examples')),
  ...textFiles(path.join(root, 'test')),
  ...textFiles(path.resolve(root, '../shared/corpus')),
].flatMap((file) => {
  const bytes = readFileSync(file);
  return bytes.includes(0) ? [] : [{ file, text: bytes.toString('utf8') }];
});
const yamlSamples = samples.filter(({ file }) => /\.ya?ml$/.test(file));

/** yamlTokens is what yaml's own Parser yields, each token as JSON at the moment it is yielded. */
function yamlTokens(text: string): string[] {
  const lines: number[] = [];
  const out = [...new YamlParser((offset) => lines.push(offset)).parse(text)].map((t) => JSON.stringify(t));
  return [...out, `lines ${lines.join(',')}`];
}

/** leanTokens is what the generated Parser emits, each token as JSON at the moment it is emitted. */
function leanTokens(text: string): string[] {
  const lines: number[] = [];
  const out: string[] = [];
  new Parser((offset: number) => lines.push(offset)).parse(text, { token: (t: unknown) => out.push(JSON.stringify(t)) });
  return [...out, `lines ${lines.join(',')}`];
}

const options: LeanParseOptions = { keepSourceTokens: true, merge: true, uniqueKeys: false };

/** describeDocument lists what a document holds: every node's class, range, value, tag, anchor and comments. */
function describeDocument(doc: Document): unknown {
  const nodes: unknown[] = [];
  visit(doc, (key, node) => {
    if (!isNode(node)) return;
    const n = node as unknown as Record<string, unknown>;
    // yaml makes a new Symbol('<<') for each merge key it reads.
    const value = 'value' in n && typeof n.value !== 'object' ? (typeof n.value === 'symbol' ? `symbol ${n.value.description}` : n.value) : undefined;
    nodes.push([node.constructor.name, node.range, value, n.type, n.tag, n.anchor, n.comment, n.commentBefore, n.spaceBefore, JSON.stringify(n.srcToken)]);
  });
  return { nodes, range: doc.range, comment: doc.comment, commentBefore: doc.commentBefore, errors: doc.errors.map((e) => [e.code, e.message, e.pos]), warnings: doc.warnings.map((w) => [w.code, w.message]), directives: doc.directives?.docStart };
}

function yamlDocuments(text: string): unknown {
  const lineCounter = new LineCounter();
  const docs = [...parseAllDocuments(text, { ...options, lineCounter, prettyErrors: true })] as Document[];
  return { docs: docs.map(describeDocument), lines: lineCounter.lineStarts };
}

function leanDocuments(text: string): unknown {
  const { documents, lineCounter } = parseAllDocumentsLean(text, options);
  return { docs: documents.map(describeDocument), lines: lineCounter.lineStarts };
}

describe('src/yaml/cst is yaml’s Lexer and Parser without generators', () => {
  it('is generated from the installed yaml (after upgrading yaml: npm run vendor:yaml)', () => {
    const generated = vendorSources();
    expect(VENDORED_YAML_VERSION).toBe(INSTALLED_YAML_VERSION);
    expect(readFileSync(path.join(root, 'src/yaml/cst/lexer.ts'), 'utf8')).toBe(generated.lexer);
    expect(readFileSync(path.join(root, 'src/yaml/cst/parser.ts'), 'utf8')).toBe(generated.parser);
  });

  it('ships with the exact yaml it was generated from (a range would let an install pick another, and parse without it)', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.yaml).toBe(VENDORED_YAML_VERSION);
  });

  it(`emits the very tokens yaml's Parser yields, in order, for every fixture, example and corpus file (${samples.length})`, () => {
    expect(samples.length).toBeGreaterThan(200);
    for (const { file, text } of samples) {
      expect(leanTokens(text), file).toEqual(yamlTokens(text));
    }
  });

  it('emits the same tokens for arbitrary text made of YAML’s indicator characters', () => {
    const alphabet = ['a', 'b', '1', '.', '-', ':', ' ', ' ', '  ', '\n', '\n', '\r\n', '\t', '#', '"', "'", '\\', '[', ']', '{', '}', ',', '?', '|', '>', '&', '*', '!', '%', '@', '`', '---', '...', '\ufeff', 'é', '<<'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }).map((parts) => parts.join('')), (text) => {
      expect(leanTokens(text)).toEqual(yamlTokens(text));
    }), { numRuns: 3000, seed: 13 });
  });

  it('emits the same tokens for fixtures with characters deleted or inserted', () => {
    const texts = yamlSamples.slice(0, 60).map(({ text }) => text).filter((t) => t.length > 0);
    const edit = fc.record({ text: fc.constantFrom(...texts), at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.constantFrom('', ' ', '\n', ':', '- ', '"', "'", '{', '[', '#', '|', '&a ', '*a', '\t') });
    fc.assert(fc.property(edit, ({ text, at, cut, insert }) => {
      const i = at % (text.length + 1);
      const mutated = text.slice(0, i) + insert + text.slice(i + cut);
      expect(leanTokens(mutated)).toEqual(yamlTokens(mutated));
    }), { numRuns: 1500, seed: 13 });
  });

  it('composes the same documents, errors and line starts as yaml.parseAllDocuments', () => {
    for (const { file, text } of yamlSamples) {
      expect(leanDocuments(text), file).toEqual(yamlDocuments(text));
    }
    for (const text of ['', '# only a comment\n', 'a: [1, 2\n', 'a: 1\n a: 2\n', '%YAML 1.1\n---\na: *x\n', 'x: &a 1\ny: *a\n---\n- !!str 3\n...\n']) {
      expect(leanDocuments(text), JSON.stringify(text)).toEqual(yamlDocuments(text));
    }
  });

  it('leaves errors and warnings to yaml’s own parser, so their messages carry line and context', () => {
    const { documents } = parseAllDocumentsLean('a: [1, 2\n', options);
    expect(documents[0]!.errors[0]!.message).toMatch(/at line \d+, column \d+:\n/);
    expect(documents[0]!.errors[0]!.linePos).toBeDefined();
  });
});

describe('leanParserUsable', () => {
  it('is true for the vendored version, false when yaml’s token log is asked for', () => {
    expect(leanParserUsable({})).toBe(true);
    expect(leanParserUsable({ LOG_TOKENS: '1' })).toBe(false);
  });

  it('parses with yaml’s own parser when not lean, with the same result', () => {
    const text = 'image: nginx:1.27\n---\nkind: Pod\n';
    const viaYaml = parseAllDocumentsLean(text, options, false);
    expect(viaYaml.documents.map(describeDocument)).toEqual(parseAllDocumentsLean(text, options, true).documents.map(describeDocument));
  });
});

describe('ungenerate', () => {
  it.each([
    ['a generator method becomes a method', '    *lex(source) {\n        x();\n    }\n', '    lex(source) {\n        x();\n    }\n'],
    ['yield* of a method becomes its call, keeping the value', '        const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));\n', '        const n = (this.pushCount(1)) + (this.pushSpaces(true));\n'],
    ['return yield* becomes return', '        return yield* this.parseLineStart();\n', '        return this.parseLineStart();\n'],
    ['a yielded value is emitted', "        yield cst.DOCUMENT;\n", '        this.emit(cst.DOCUMENT);\n'],
    ['a yielded object literal over several lines is emitted whole', "        yield {\n            type: 'x;y',\n            source: this.source\n        };\n", "        this.emit({\n            type: 'x;y',\n            source: this.source\n        });\n"],
    ['a yielded string with an escaped quote and semicolon', "            yield 'a\\';b';\n", "            this.emit('a\\';b');\n"],
  ])('%s', (_, input, output) => {
    expect(ungenerate(input)).toBe(output);
  });

  it('refuses a generator it cannot rewrite', () => {
    expect(() => ungenerate('function* free() { yield 1; }\n')).toThrow(/generator is left/);
    expect(() => ungenerate('    *m() {\n        const x = yield;\n    }\n')).toThrow();
  });
});
