// A model of Kubernetes manifests for property tests, and its renderer. The renderer takes
// a function for the image scalars' text, so the same model renders the input (identity)
// and the exact expected output of pinning (`ref` → `ref@digest`), byte for byte.
import fc from 'fast-check';

/** Img is an image reference as written; `pinned` ones already carry a digest. */
export interface Img {
  text: string;
  pinned: boolean;
}

/** Style is how an image scalar is written (block styles become double-quoted in flow collections). */
export type Style = 'plain' | 'single' | 'double' | 'literal' | 'literal-clip' | 'folded' | 'next-line' | 'tagged';

const BLOCK_HEADERS: Partial<Record<Style, string>> = { literal: '|-', 'literal-clip': '|', folded: '>-' };

/** Container is one container entry. */
export interface Container {
  name: string;
  image: Img;
  style: Style;
  comment: string | null;
  /** decoy adds an env var whose value is the image text: not an image field, never changed. */
  decoy: boolean;
  /** imageFirst puts `image` before `name`. */
  imageFirst: boolean;
  /** gap puts a blank line and a comment line between the fields. */
  gap: boolean;
}

/** Model describes one manifest file. */
export interface Model {
  kind: 'Pod' | 'Deployment' | 'CronJob';
  eol: '\n' | '\r\n';
  indent: 2 | 3 | 4;
  /** indentSeq indents `- ` under its key (otherwise at the key's column). */
  indentSeq: boolean;
  flow: boolean;
  header: string | null;
  docStart: boolean;
  finalNewline: boolean;
  quotedKey: boolean;
  containers: Container[];
  /** aliasInit anchors the first container and reuses it as an init container (`*c0`). */
  aliasInit: boolean;
  /** aliasImage anchors the first image scalar and reuses it in an extra container (`*img0`). */
  aliasImage: boolean;
  /** configMap appends a ConfigMap document with `image:` data (not a workload: never changed). */
  configMap: boolean;
  /** docEnd ends the first document with `...`. */
  docEnd: boolean;
}

const POD_PATH: Record<Model['kind'], { apiVersion: string; keys: string[] }> = {
  Pod: { apiVersion: 'v1', keys: ['spec'] },
  Deployment: { apiVersion: 'apps/v1', keys: ['spec', 'template', 'spec'] },
  CronJob: { apiVersion: 'batch/v1', keys: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

/** scalar writes an image scalar; plain falls back to double quotes where YAML might not read the input as a string. */
function scalar(image: Img, text: string, style: Style, flow: boolean): string {
  const effective = flow && (BLOCK_HEADERS[style] !== undefined || style === 'next-line') ? 'double' : style;
  if ((effective === 'plain' || effective === 'next-line') && !/[:/]/.test(image.text)) return `"${text}"`;
  if (effective === 'single') return `'${text}'`;
  if (effective === 'double') return `"${text}"`;
  if (effective === 'tagged') return `!!str "${text}"`;
  return text;
}

/** render writes the model as YAML; `show` gives each container image's text. */
export function render(m: Model, show: (img: Img) => string): string {
  const pad = (n: number) => ' '.repeat(n);
  const lines: string[] = [];
  const { apiVersion, keys } = POD_PATH[m.kind];
  const imageKey = m.quotedKey ? '"image"' : 'image';
  if (m.header !== null) lines.push(`# ${m.header}`);
  if (m.docStart) lines.push('---');
  lines.push(`apiVersion: ${apiVersion}`, `kind: ${m.kind}`, 'metadata:', `${pad(m.indent)}name: app # the app`);
  keys.forEach((key, level) => lines.push(`${pad(level * m.indent)}${key}:`));
  const col = keys.length * m.indent;
  if (m.flow) renderFlow(m, show, lines, col, imageKey);
  else renderBlock(m, show, lines, col, imageKey);
  if (m.docEnd) lines.push('...');
  if (m.configMap && m.containers[0]) {
    lines.push(...(m.docEnd ? [] : ['---']), 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `${pad(m.indent)}name: decoy`, 'data:', `${pad(m.indent)}image: "${m.containers[0].image.text}"`);
  }
  return lines.join(m.eol) + (m.finalNewline ? m.eol : '');
}

function renderFlow(m: Model, show: (img: Img) => string, lines: string[], col: number, imageKey: string): void {
  const items = m.containers.map((c, i) => {
    const anchor = i === 0 && m.aliasImage ? '&img0 ' : '';
    return `${i === 0 && m.aliasInit ? '&c0 ' : ''}{name: ${c.name}, ${imageKey}: ${anchor}${scalar(c.image, show(c.image), c.style, true)}}`;
  });
  if (m.aliasImage) items.push('{name: extra, image: *img0}');
  lines.push(`${' '.repeat(col)}containers: [${items.join(', ')}] # flow`);
  if (m.aliasInit) lines.push(`${' '.repeat(col)}initContainers: [*c0]`);
}

function renderBlock(m: Model, show: (img: Img) => string, lines: string[], col: number, imageKey: string): void {
  const pad = (n: number) => ' '.repeat(n);
  const dash = col + (m.indentSeq ? m.indent : 0);
  lines.push(`${pad(col)}containers:`);
  m.containers.forEach((c, i) => {
    const anchor = i === 0 && m.aliasImage ? '&img0 ' : '';
    const comment = c.comment === null ? '' : ` # ${c.comment}`;
    const header = BLOCK_HEADERS[c.style];
    let image: string[];
    // A clipped block scalar's value ends in a newline: not a valid reference (Kubernetes
    // rejects images with surrounding whitespace), so it is reported as skipped and kept.
    const shown = c.style === 'literal-clip' ? c.image.text : show(c.image);
    if (header !== undefined) image = [`${imageKey}: ${anchor}${header}${comment}`, `${pad(m.indent)}${shown}`];
    else if (c.style === 'next-line') image = [`${imageKey}:${anchor ? ` ${anchor.trim()}` : ''}${comment}`, `${pad(m.indent)}${scalar(c.image, show(c.image), c.style, false)}`];
    else image = [`${imageKey}: ${anchor}${scalar(c.image, show(c.image), c.style, false)}${comment}`];
    const name = [`name: ${c.name}`];
    const gap = c.gap ? ['', '# between fields'] : [];
    const fields = c.imageFirst ? [...image, ...gap, ...name] : [...name, ...gap, ...image];
    if (c.decoy) fields.push('env:', `- name: DECOY`, `  value: "${c.image.text}"`);
    if (i === 0 && m.aliasInit) lines.push(`${pad(dash)}- &c0`, ...fields.map((f) => (f === '' ? '' : `${pad(dash + 2)}${f}`)));
    else lines.push(`${pad(dash)}- ${fields[0]}`, ...fields.slice(1).map((f) => (f === '' ? '' : `${pad(dash + 2)}${f}`)));
  });
  if (m.aliasImage) lines.push(`${pad(dash)}- name: extra`, `${pad(dash + 2)}image: *img0`);
  if (m.aliasInit) lines.push(`${pad(col)}initContainers:`, `${pad(dash)}- *c0`);
}

// References from the grammar's pieces (see src/reference/grammar.ts); the first path
// component starts with a letter so a plain scalar never reads as a number.
const alnum = fc.stringMatching(/^[a-z0-9]{1,5}$/);
const separator = fc.constantFrom('.', '_', '__', '-');
const component = fc.tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 })).map(([h, rest]) => h + rest.map(([s, a]) => s + a).join(''));
const path = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), fc.array(component, { maxLength: 2 })).map(([first, rest]) => [first, ...rest].join('/'));
const domain = fc.constantFrom('docker.io', 'ghcr.io', 'quay.io', 'registry.example.com:5000', 'localhost:5000', '127.0.0.1:5000');
const tag = fc.stringMatching(/^[\w][\w.-]{0,12}$/);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

/** img generates a reference, sometimes already pinned. */
export const img: fc.Arbitrary<Img> = fc
  .record({ domain: fc.option(domain, { nil: undefined }), path, tag: fc.option(tag, { nil: undefined }), digest: fc.option(hex64, { freq: 4, nil: undefined }) })
  .map(({ domain: d, path: p, tag: t, digest: h }) => ({
    text: `${d ? `${d}/` : ''}${p}${t ? `:${t}` : ''}${h ? `@sha256:${h}` : ''}`,
    pinned: h !== undefined,
  }));

const words = fc.array(fc.constantFrom('pinned', 'by', 'ci', 'see', 'TODO', 'x:y', '# hash', "'quote'"), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));

const container: fc.Arbitrary<Container> = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/),
  image: img,
  style: fc.constantFrom<Style>('plain', 'single', 'double', 'literal', 'literal-clip', 'folded', 'next-line', 'tagged'),
  comment: fc.option(words, { nil: null }),
  decoy: fc.boolean(),
  imageFirst: fc.boolean(),
  gap: fc.boolean(),
});

/** model generates whole manifests. */
export const model: fc.Arbitrary<Model> = fc.record({
  kind: fc.constantFrom<Model['kind']>('Pod', 'Deployment', 'CronJob'),
  eol: fc.constantFrom<Model['eol']>('\n', '\r\n'),
  indent: fc.constantFrom<Model['indent']>(2, 3, 4),
  indentSeq: fc.boolean(),
  flow: fc.boolean(),
  header: fc.option(words, { nil: null }),
  docStart: fc.boolean(),
  finalNewline: fc.boolean(),
  quotedKey: fc.boolean(),
  containers: fc.array(container, { minLength: 1, maxLength: 4 }),
  aliasInit: fc.boolean(),
  aliasImage: fc.boolean(),
  configMap: fc.boolean(),
  docEnd: fc.boolean(),
});
