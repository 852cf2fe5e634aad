// Turns the samples into tables (the issue-13 goals, before/after, details, scaling),
// printed as text and rendered as markdown for docs/benchmarks.md.
import type { BenchConfig } from './args.js';
import type { ProxyCounts } from './proxy.js';
import { fitLine, summarise, type Summary } from './stats.js';
import type { SuiteResult, Trees } from './suite.js';

/** BenchResults is everything one run measured. */
export interface BenchResults {
  config: BenchConfig;
  machine: Record<string, string>;
  trees: Trees;
  seed: { ms: number; images: number };
  suite: SuiteResult;
  totalMs: number;
}

/** Table is a titled grid of strings. */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  notes?: string[];
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
/** secs formats milliseconds as seconds (or ms below one second). */
export const secs = (ms: number) => (!Number.isFinite(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : 'n/a');
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 10 ? 0 : 2)}×` : 'n/a');

/** View reads summaries and per-repeat ratios out of the samples. */
class View {
  constructor(private readonly r: BenchResults) {}

  values(id: string): number[] {
    return this.r.suite.samples.get(id) ?? [];
  }

  s(id: string): Summary {
    return summarise(this.values(id));
  }

  /** ratio combines series repeat by repeat (f gets the i-th value of each id) and summarises. */
  ratio(ids: string[], f: (...v: number[]) => number): Summary {
    const series = ids.map((id) => this.values(id));
    const len = Math.min(...series.map((s) => s.length));
    return summarise(Array.from({ length: len }, (_, i) => f(...series.map((s) => s[i]!))));
  }
}

/** fmt renders "median (min–max)" with a unit formatter; one value renders alone. */
function fmt(s: Summary, unit: (x: number) => string): string {
  if (s.values.length === 0) return 'n/a';
  return s.values.length === 1 ? unit(s.median) : `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
}

function verdict(s: Summary, pass: (x: number) => boolean): string {
  return s.values.length === 0 ? '' : pass(s.median) ? 'met' : 'MISSED';
}

/** goalsTable is the issue-13 table: every row measured side by side in each repeat. */
function goalsTable(r: BenchResults, v: View): Table {
  const { w1, w2, large } = r.trees;
  const U = w1.tags.length;
  const skopeoU = v.ratio(['w1.skopeo.perRef'], (p) => p * U);
  const w1Ratio = v.ratio(['w1.skopeo.perRef', 'w1.pin.wall'], (p, pin) => (p * U) / pin);
  const w2Ratio = v.ratio(['w2.pin.wall', 'w2.head.wall', 'w2.parse.wall'], (pin, head, parse) => pin / (head + parse));
  const floor = v.ratio(['w2.head.wall', 'w2.parse.wall'], (a, b) => a + b);
  const frozen = v.ratio(['frozen.pin.wall', 'w2.parse.wall'], (f, p) => f / p);
  const frozenCpu = v.ratio(['frozen.pin.cpu', 'w2.parse.cpu'], (f, p) => f / p);
  const above = v.ratio(['large.pin.rss', 'node.rss'], (a, b) => a - b);
  const startup = v.ratio(['startup.digestpin', 'startup.node'], (a, b) => a / b);
  const t = (w: typeof w1) => `${n(w.stats.files)} files × ${n(w.stats.refs / w.stats.files)} refs, ${n(w.tags.length)} tags`;
  return {
    title: 'Issue 13 goals (median of the repeats, range in brackets; ratios are computed within each repeat)',
    head: ['workload', 'digestpin', 'compared with', 'ratio', 'goal', ''],
    rows: [
      [`W1: pin, ${t(w1)}`, fmt(v.s('w1.pin.wall'), secs), `skopeo loop ×U: ${fmt(skopeoU, secs)} (EXTRAPOLATED from ${r.suite.requests.skopeoSample} refs)`, fmt(w1Ratio, times), '≥ 20× faster', verdict(w1Ratio, (x) => x >= 20)],
      [`W2: pin, ${t(w2)}`, fmt(v.s('w2.pin.wall'), secs), `HEAD loop ${secs(v.s('w2.head.wall').median)} + parse-only ${secs(v.s('w2.parse.wall').median)} = ${fmt(floor, secs)}`, fmt(w2Ratio, times), '≤ 1.0×', verdict(w2Ratio, (x) => x <= 1)],
      ['pin --frozen, W2 unpinned + lock (wall)', fmt(v.s('frozen.pin.wall'), secs), `parse-only ${fmt(v.s('w2.parse.wall'), secs)}`, fmt(frozen, times), '≤ 1.5×', verdict(frozen, (x) => x <= 1.5)],
      ['pin --frozen, W2 (CPU, user+sys)', fmt(v.s('frozen.pin.cpu'), secs), `parse-only ${fmt(v.s('w2.parse.cpu'), secs)}`, fmt(frozenCpu, times), '(informative)', ''],
      [`peak RSS, pin of ${t(large)}`, fmt(v.s('large.pin.rss'), mb), `bare node ${fmt(v.s('node.rss'), mb)}`, `+${fmt(above, mb)}`, '≤ 200 MB, ≤ +100 MB', verdict(v.s('large.pin.rss'), (x) => x <= 200) === 'met' && verdict(above, (x) => x <= 100) === 'met' ? 'met' : 'MISSED'],
      [`digestpin --version (median of ${r.config.startupRuns} per repeat)`, fmt(v.s('startup.digestpin'), secs), `node -e 0 ${fmt(v.s('startup.node'), secs)}`, fmt(startup, times), '≤ 1.15×', verdict(startup, (x) => x <= 1.15)],
    ],
  };
}

/** beforeAfterTable compares the measured build with `--before`, repeat by repeat. */
function beforeAfterTable(r: BenchResults, v: View): Table | undefined {
  if (!r.config.before) return undefined;
  const row = (label: string, now: string, before: string, unit: (x: number) => string): string[] =>
    [label, fmt(v.s(before), unit), fmt(v.s(now), unit), fmt(v.ratio([before, now], (b, a) => b / a), times)];
  return {
    title: `Before/after (before: ${r.config.before}), measured in the same repeats`,
    head: ['measurement', 'before', 'after', 'before/after'],
    rows: [
      row('W1 pin wall', 'w1.pin.wall', 'w1.before.wall', secs),
      row('W2 pin wall', 'w2.pin.wall', 'w2.before.wall', secs),
      row('W2 pin CPU', 'w2.pin.cpu', 'w2.before.cpu', secs),
      row('pin --frozen W2 wall', 'frozen.pin.wall', 'frozen.before.wall', secs),
      row('pin --frozen W2 CPU', 'frozen.pin.cpu', 'frozen.before.cpu', secs),
      row(`pin ${n(r.trees.large.stats.files)} files wall`, 'large.pin.wall', 'large.before.wall', secs),
      row(`pin ${n(r.trees.large.stats.files)} files peak RSS`, 'large.pin.rss', 'large.before.rss', mb),
      row('--version', 'startup.digestpin', 'startup.before', secs),
    ],
  };
}

function counts(c: ProxyCounts | undefined): string {
  if (!c) return 'n/a';
  return `${c.manifestHead} HEAD, ${c.manifestGet} GET, ${c.ping} ping, ${c.token} token, ${c.blob} blob, ${c.connections} connections`;
}

/** detailsTable lists request counts (first repeat), CPU and correctness checks. */
function detailsTable(r: BenchResults, v: View): Table {
  const q = r.suite.requests;
  const indexes = r.trees.w2.tags.filter((t) => t.kind === 'oci-index').length;
  return {
    title: 'Details',
    head: ['measurement', 'result'],
    rows: [
      ['W2 pin requests (first repeat)', `${counts(q.w2)}; HEADs should equal the ${r.trees.w2.tags.length} unique tags, GETs the ${indexes} OCI indexes`],
      ['HEAD loop requests', counts(q.head)],
      ['pin --frozen requests', `${q.frozen?.total ?? 'n/a'} (goal 0)`],
      [`skopeo loop requests (${q.skopeoSample} refs)`, counts(q.skopeo)],
      ['W1 lock digests = registry', `${n(r.suite.verified)}/${n(r.trees.w1.tags.length)}`],
      ['W1 pin CPU', fmt(v.s('w1.pin.cpu'), secs)],
      ['W2 pin CPU / peak RSS', `${fmt(v.s('w2.pin.cpu'), secs)} / ${fmt(v.s('w2.pin.rss'), mb)}`],
      ['W2 HEAD loop CPU', fmt(v.s('w2.head.cpu'), secs)],
      [`pin of ${n(r.trees.large.stats.files)} files: wall / CPU`, `${fmt(v.s('large.pin.wall'), secs)} / ${fmt(v.s('large.pin.cpu'), secs)}`],
      ['skopeo per reference', fmt(v.s('w1.skopeo.perRef'), secs)],
    ],
  };
}

/** scalingTables report pin over growing trees and tag counts, with fitted costs. */
function scalingTables(r: BenchResults, v: View): Table[] {
  const files = [...r.trees.scaleFiles].map(([f, tree]) => {
    const id = tree === r.trees.large ? 'large.pin' : `files-${f}.pin`;
    return { f, mbYaml: tree.stats.bytes / 1e6, wall: v.s(`${id}.wall`), cpu: v.s(`${id}.cpu`), rss: v.s(`${id}.rss`), refs: tree.stats.refs };
  });
  const wallFit = fitLine(files.map((p) => [p.mbYaml, p.wall.median]));
  const cpuFit = fitLine(files.map((p) => [p.mbYaml, p.cpu.median]));
  const tags = [...r.trees.scaleTags].map(([u, tree]) => {
    const id = tree === r.trees.w1 ? 'w1.pin' : `tags-${u}.pin`;
    return { u, wall: v.s(`${id}.wall`), cpu: v.s(`${id}.cpu`) };
  });
  const tagFit = fitLine(tags.map((p) => [p.u, p.wall.median]));
  const tagCpuFit = fitLine(tags.map((p) => [p.u, p.cpu.median]));
  return [
    {
      title: `Scaling with the tree (pin, 5 refs per file, ${r.trees.w1.tags.length} unique tags)`,
      head: ['files', 'YAML', 'refs', 'wall', 'CPU', 'peak RSS'],
      rows: files.map((p) => [n(p.f), `${p.mbYaml.toFixed(1)} MB`, n(p.refs), fmt(p.wall, secs), fmt(p.cpu, secs), fmt(p.rss, mb)]),
      notes: [`Fitted (least squares over the medians): **${wallFit.slope.toFixed(0)} ms wall and ${cpuFit.slope.toFixed(0)} ms CPU per MB of YAML** (R² ${wallFit.r2.toFixed(3)} / ${cpuFit.r2.toFixed(3)}), fixed cost ${secs(wallFit.intercept)} wall.`],
    },
    {
      title: `Scaling with unique tags (pin, ${n(r.trees.w1.stats.files)} files × 5 refs)`,
      head: ['unique tags', 'wall', 'CPU'],
      rows: tags.map((p) => [n(p.u), fmt(p.wall, secs), fmt(p.cpu, secs)]),
      notes: [`Fitted: **${tagFit.slope.toFixed(2)} ms wall and ${tagCpuFit.slope.toFixed(2)} ms CPU per unique tag** (R² ${tagFit.r2.toFixed(3)} / ${tagCpuFit.r2.toFixed(3)}); the network floor is RTT / concurrency = ${(2 * r.config.delayMs / r.config.concurrency).toFixed(2)} ms per tag.`],
    },
  ];
}

/** buildTables lays out every table of a run. */
export function buildTables(r: BenchResults): Table[] {
  const v = new View(r);
  return [goalsTable(r, v), beforeAfterTable(r, v), detailsTable(r, v), ...scalingTables(r, v)].filter((t): t is Table => t !== undefined);
}

/** renderText renders a table as aligned plain text. */
export function renderText(t: Table): string {
  const all = [t.head, ...t.rows];
  const widths = t.head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [t.title, line(t.head), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line), ...(t.notes ?? []).map((x) => x.replace(/\*\*/g, ''))].join('\n');
}

/** renderMarkdown renders a table as markdown with its title as a heading. */
export function renderMarkdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`### ${t.title}`, '', `| ${t.head.map(esc).join(' | ')} |`, `|${t.head.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`), ...(t.notes?.length ? ['', ...t.notes] : [])].join('\n');
}
