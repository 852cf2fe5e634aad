// Turns the measurements into one table (rows with ratios and targets), printed as text
// and rendered as markdown for docs/benchmarks.md.
import type { BenchConfig } from './args.js';
import type { BenchTag, SeedResult, TreeStats } from './generate.js';
import type { Counted, CpuComparison, SkopeoResult, Startup } from './phases.js';
import type { ProfileSummary } from './profile.js';

/** Bound is the theoretical lower bound of a pin run and how it was computed. */
export interface Bound {
  ms: number;
  /** networkMs is the request part of the bound: (ping + token + manifest rounds) × RTT. */
  networkMs: number;
  formula: string;
}

/** BenchResults is everything one run measured. */
export interface BenchResults {
  config: BenchConfig;
  machine: Record<string, string>;
  tags: BenchTag[];
  tree: TreeStats;
  seed: SeedResult;
  startup: Startup;
  pin: Counted;
  verified: number;
  cpu: CpuComparison;
  skopeo: SkopeoResult;
  bound: Bound;
  large?: { tree: TreeStats; pin: Counted; cpu: CpuComparison };
  profiles: ProfileResult[];
  totalMs: number;
}

/** ProfileResult is a summarised CPU profile and what was profiled. */
export type ProfileResult = ProfileSummary & { label: string };

/** Row is one line of the table. */
export interface Row {
  section: string;
  metric: string;
  value: string;
  compare?: string;
  ratio?: string;
  target?: string;
  ok?: boolean;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
/** secs formats milliseconds as seconds (or ms below one second). */
export const secs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const x = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;

/** computeBound computes `ceil(U / concurrency) × RTT + token round-trips + process start` (plus connect and ping). */
export function computeBound(r: Pick<BenchResults, 'config' | 'startup' | 'tags'>): Bound {
  const { config } = r;
  const rtt = 2 * config.delayMs;
  const c = Math.min(config.concurrency, config.perRegistry * config.tree.registries);
  const rounds = Math.ceil(r.tags.length / c);
  const auth = config.auth === 'token' ? 1 : 0;
  const networkMs = rtt * (1 + auth + rounds);
  const ms = r.startup.digestpinMs + config.connectRttMs + networkMs;
  const formula = `start ${secs(r.startup.digestpinMs)} + connect ${config.connectRttMs} ms + (ping 1 + token ${auth} + ceil(${r.tags.length}/${c}) = ${rounds}) × ${rtt} ms RTT`;
  return { ms, networkMs, formula };
}

function requestRows(pin: Counted, r: BenchResults): Row[] {
  const regs = r.config.tree.registries;
  const repos = new Set(r.tags.map((t) => `${t.registry}/${t.repository}`)).size;
  const indexes = r.tags.filter((t) => t.kind === 'oci-index').length;
  const s = '(a) pin requests';
  const c = pin.counts;
  return [
    { section: s, metric: 'manifest HEAD', value: n(c.manifestHead), target: `= U (${n(r.tags.length)})`, ok: c.manifestHead === r.tags.length },
    { section: s, metric: 'manifest GET', value: n(c.manifestGet), compare: `${indexes} OCI indexes (read for the lock's platform list)`, target: `≤ ${indexes}`, ok: c.manifestGet <= indexes },
    { section: s, metric: 'pings (GET /v2/)', value: n(c.ping), target: `≤ 1 per registry (${regs})`, ok: c.ping <= regs },
    { section: s, metric: 'token requests', value: n(c.token), compare: `${repos} repositories (scope sets)`, target: `≤ ${repos}${r.config.auth === 'token' ? '' : ' (anonymous: 0)'}`, ok: c.token <= repos },
    { section: s, metric: 'blob requests', value: n(c.blob), target: '0', ok: c.blob === 0 },
    { section: s, metric: 'TCP connections / https probes', value: `${n(c.connections)} / ${n(c.badRequests)}`, compare: `${r.skopeo.counts.connections} connections for ${r.skopeo.sample} skopeo runs` },
  ];
}

function phaseRows(pin: Counted, bound: Bound): Row[] {
  if (pin.firstRequestMs === undefined || pin.lastAnswerMs === undefined) return [];
  const s = '(a) digestpin pin';
  const network = pin.lastAnswerMs - pin.firstRequestMs;
  return [
    { section: s, metric: '  start + scan (to 1st request)', value: secs(pin.firstRequestMs) },
    { section: s, metric: '  network (1st request → last answer)', value: secs(network), compare: `bound's request rounds ${secs(bound.networkMs)}`, ratio: x(network, bound.networkMs) },
    { section: s, metric: '  plan + write (after last answer)', value: secs(pin.wallMs - pin.lastAnswerMs) },
  ];
}

function pinRows(r: BenchResults): Row[] {
  const { pin, skopeo, bound, config } = r;
  const U = r.tags.length;
  const R = r.tree.refs;
  const perRef = skopeo.perRefMs;
  return [
    { section: '(a) digestpin pin', metric: `wall time, ${n(r.tree.files)} files`, value: secs(pin.wallMs), compare: `CPU ${secs(pin.cpuMs ?? Number.NaN)}` },
    ...phaseRows(pin, bound),
    { section: '(a) digestpin pin', metric: 'lock digests = registry', value: `${n(r.verified)}/${n(U)}`, ok: r.verified === U },
    ...requestRows(pin, r),
    { section: '(b) skopeo loop', metric: `measured: ${skopeo.sample} refs`, value: `${secs(skopeo.wallMs)} (${perRef.toFixed(0)} ms/ref)`, compare: `per ref: ${(skopeo.counts.ping / skopeo.sample).toFixed(1)} ping, ${(skopeo.counts.token / skopeo.sample).toFixed(1)} token, ${(skopeo.counts.manifestGet / skopeo.sample).toFixed(1)} GET, ${(skopeo.counts.connections / skopeo.sample).toFixed(1)} conn.` },
    { section: '(b) skopeo loop', metric: `EXTRAPOLATED ×U (${n(U)} unique)`, value: secs(perRef * U), compare: `digestpin ${secs(pin.wallMs)}`, ratio: x(perRef * U, pin.wallMs) },
    { section: '(b) skopeo loop', metric: `EXTRAPOLATED ×R (${n(R)} refs)`, value: secs(perRef * R), compare: `digestpin ${secs(pin.wallMs)}`, ratio: x(perRef * R, pin.wallMs) },
    { section: '(c) bound', metric: 'theoretical bound', value: secs(bound.ms), compare: `digestpin ${secs(pin.wallMs)}`, ratio: x(pin.wallMs, bound.ms), target: 'pin/bound' },
    { section: '(c) bound', metric: 'effective concurrency', value: `${Math.min(config.concurrency, config.perRegistry * config.tree.registries)}`, compare: `--concurrency ${config.concurrency}, ${config.perRegistry} per registry × ${config.tree.registries}` },
  ];
}

function runs(cpu: CpuComparison): string {
  return cpu.frozen.length === 1 ? '1 run' : `median of ${cpu.frozen.length}`;
}

function cpuRows(label: string, cpu: CpuComparison, files: number): Row[] {
  const s = `(d) pin --frozen ${label}`;
  return [
    { section: s, metric: 'requests', value: n(cpu.frozenRequests), target: '0', ok: cpu.frozenRequests === 0 },
    { section: s, metric: `CPU, ${n(files)} files (${runs(cpu)})`, value: secs(cpu.frozenCpuMs), compare: `read+yaml-parse ${secs(cpu.baselineCpuMs)}`, ratio: x(cpu.frozenCpuMs, cpu.baselineCpuMs), target: '≤ 1.5×', ok: cpu.frozenCpuMs <= 1.5 * cpu.baselineCpuMs },
    { section: s, metric: `wall time (${runs(cpu)})`, value: secs(cpu.frozen.map((m) => m.wallMs).sort((a, b) => a - b)[cpu.frozen.length >> 1]!) },
  ];
}

/** buildRows lays out the whole table. */
export function buildRows(r: BenchResults): Row[] {
  const rows: Row[] = [
    { section: 'setup', metric: 'tree', value: `${n(r.tree.files)} files, ${n(r.tree.refs)} refs, ${n(r.tags.length)} unique tags`, compare: `${(r.tree.bytes / 1e6).toFixed(1)} MB YAML, ${r.config.tree.repositories} repositories, ${r.config.tree.registries} registries` },
    { section: 'setup', metric: `seeding ${n(r.seed.images)} images`, value: secs(r.seed.ms), compare: `${(r.seed.images / (r.seed.ms / 1000)).toFixed(0)} images/s, ${r.config.seedConcurrency} in parallel, direct to the registry` },
    ...pinRows(r),
    ...cpuRows('(tree above)', r.cpu, r.tree.files),
    { section: '(e) peak RSS', metric: `pin, ${n(r.tree.files)} files`, value: mb(r.pin.maxRssKb) },
  ];
  if (r.large) {
    const L = r.large;
    rows.push(
      { section: '(e) peak RSS', metric: `pin, ${n(L.tree.files)} files (${n(L.tree.refs)} refs)`, value: mb(L.pin.maxRssKb), target: '≤ 200 MB', ok: (L.pin.maxRssKb ?? Infinity) <= 200 * 1024, compare: `wall ${secs(L.pin.wallMs)}, ${n(L.pin.counts.manifestHead)} HEAD` },
      { section: '(e) peak RSS', metric: `pin --frozen, ${n(L.tree.files)} files`, value: mb(L.cpu.frozen[0]?.maxRssKb), compare: `baseline ${mb(L.cpu.baseline[0]?.maxRssKb)}` },
      ...cpuRows(`(${n(L.tree.files)} files)`, L.cpu, L.tree.files),
    );
  }
  rows.push(
    { section: '(f) startup', metric: `digestpin --version (median of ${r.startup.runs})`, value: secs(r.startup.digestpinMs), compare: `node -e 0 ${secs(r.startup.nodeMs)}`, ratio: x(r.startup.digestpinMs, r.startup.nodeMs), target: `+${(r.startup.digestpinMs - r.startup.nodeMs).toFixed(0)} ms` },
  );
  return rows;
}

const COLUMNS: Array<[keyof Row, string]> = [['section', 'section'], ['metric', 'measurement'], ['value', 'result'], ['compare', 'compared with'], ['ratio', 'ratio'], ['target', 'target']];

function cells(row: Row): string[] {
  return COLUMNS.map(([key]) => {
    if (key === 'target' && row.ok !== undefined) return `${row.target ?? ''} ${row.ok ? 'ok' : 'MISSED'}`.trim();
    return String(row[key] ?? '');
  });
}

/** renderText renders the rows as an aligned plain-text table. */
export function renderText(rows: Row[]): string {
  const table = [COLUMNS.map(([, title]) => title), ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(table[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

/** renderMarkdownTable renders the rows as a markdown table. */
export function renderMarkdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| ${COLUMNS.map(([, t]) => t).join(' | ')} |\n|${COLUMNS.map(() => '---').join('|')}|`;
  return [head, ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`)].join('\n');
}

/** renderProfileText renders the top modules and functions of a profile for the terminal. */
export function renderProfileText(p: ProfileResult, n = 8): string {
  const line = (e: { name: string; selfMs: number; share: number }) => `  ${e.selfMs.toFixed(0).padStart(6)} ms ${(e.share * 100).toFixed(1).padStart(5)} %  ${e.name}`;
  return [`CPU profile of ${p.label} (${secs(p.totalMs)} sampled, idle included) — modules:`, ...p.modules.slice(0, n).map(line),
    '  functions:', ...p.functions.slice(0, n).map(line)].join('\n');
}
