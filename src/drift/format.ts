import { workflowCommand } from '../github-annotations.js';
import { codeSpan, escapeText } from '../pr/body.js';
import { stripControl } from '../sanitize.js';
import { VERSION } from '../version.js';
import { notCheckedCount } from './check.js';
import type { DriftItem, DriftReport } from './types.js';

/** DRIFT_FORMATS are the accepted values of `drift --format`. */
export const DRIFT_FORMATS = ['text', 'json', 'markdown', 'sarif', 'github'] as const;

/** DriftFormat is one of DRIFT_FORMATS. */
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

const short = (d?: string): string => (d ? d.replace(/^(sha\d+:)?([a-f0-9]{12}).*$/, '$2') : '-');

/** RenderOptions locate files for annotation formats. */
export interface RenderOptions {
  /** lockFile is the lock's path as the user sees it (fallback location of an annotation). */
  lockFile: string;
  /** fileBase is the lock's directory relative to the working directory; lock paths are relative to it. */
  fileBase?: string;
}

/** renderDrift renders a drift report in one of the supported formats (ends with a newline). */
export function renderDrift(report: DriftReport, format: DriftFormat, options: RenderOptions | string): string {
  const opts = typeof options === 'string' ? { lockFile: options } : options;
  // Registry answers and image labels end up in every format: no control character survives.
  report = sanitizeDeep(report);
  switch (format) {
    case 'json':
      return `${JSON.stringify(driftJson(report), null, 2)}\n`;
    case 'markdown':
      return markdown(report);
    case 'sarif':
      return `${JSON.stringify(sarif(report, opts), null, 2)}\n`;
    case 'github':
      return github(report, opts);
    default:
      return text(report);
  }
}

/** sanitizeDeep copies a value with every string passed through stripControl. */
function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControl(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeDeep) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripControl(k), sanitizeDeep(v)])) as T;
  }
  return value;
}

/**
 * notCheckedLine says, when some checks could not be made, how many: such a run proves nothing
 * about those images (issue 11 item 21); undefined when every check was made.
 */
export function notCheckedLine(report: DriftReport): string | undefined {
  const n = notCheckedCount(report);
  if (n === 0) return undefined;
  return `NOT CHECKED: ${n} of ${report.checked} locked tag(s) could not be checked (see the errors); this run says nothing about them`;
}

/** locations turns lock-relative file paths into paths relative to the working directory. */
function locations(item: DriftItem, opts: RenderOptions): string[] {
  if (item.files.length === 0) return [opts.lockFile];
  const base = opts.fileBase && opts.fileBase !== '.' ? `${opts.fileBase.replace(/\/+$/, '')}/` : '';
  return item.files.map((f) => `${base}${f}`);
}

/** driftJson is the documented, stable JSON shape (the `items` list is left out). */
export function driftJson(report: DriftReport): Record<string, unknown> {
  const item = (i: DriftItem) => ({
    reference: i.reference,
    lockedDigest: i.lockedDigest,
    currentDigest: i.currentDigest,
    files: i.files,
    ...(i.kindChange ? { kindChange: i.kindChange } : {}),
    ...(i.platformsChanged ? { platformsChanged: i.platformsChanged } : {}),
    ...(i.explanation ? { explanation: i.explanation } : {}),
    ...(i.error ? { code: i.error.code, message: i.error.message } : {}),
  });
  return {
    checked: report.checked, unchanged: report.unchanged, moved: report.moved.map(item), vanished: report.vanished.map(item), errors: report.errors,
    notChecked: notCheckedCount(report),
  };
}

/** oneLine keeps table cells and annotation titles on one line. */
const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, ' ');

function moveFacts(i: DriftItem): string[] {
  return [
    ...(i.kindChange ? [i.kindChange.replace(/-/g, ' ')] : []),
    ...(i.platformsChanged ? [`platforms changed: ${i.platformsChanged.join(', ')}`] : []),
    ...(i.explanation ? [i.explanation.summary] : []),
  ];
}

function detail(i: DriftItem): string {
  if (i.status === 'moved') {
    const facts = moveFacts(i);
    return oneLine(`${short(i.lockedDigest)} → ${short(i.currentDigest)}${facts.length ? ` — ${facts.join('; ')}` : ''}`);
  }
  if (i.error) return oneLine(i.error.message);
  return short(i.lockedDigest);
}

function text(report: DriftReport): string {
  const rows = report.items.map((i) => [i.status.toUpperCase(), i.reference, detail(i)]);
  const width = Math.max(9, ...rows.map((r) => r[1]!.length));
  const lines = rows.map(([s, ref, d]) => `${s!.padEnd(9)} ${ref!.padEnd(width)}  ${d}`);
  lines.push(summaryLine(report));
  const warning = notCheckedLine(report);
  if (warning) lines.push(warning);
  return `${lines.join('\n')}\n`;
}

/** summaryLine counts each class in one line. */
export function summaryLine(report: DriftReport): string {
  return `checked ${report.checked}: ${report.unchanged} unchanged, ${report.moved.length} moved, ${report.vanished.length} vanished, ${report.errors.length} error(s)`;
}

function markdown(report: DriftReport): string {
  const out = [`## digestpin drift`, ''];
  const warning = notCheckedLine(report);
  if (warning) out.push(`> [!CAUTION]`, `> **${escapeText(warning)}**`, '');
  out.push(summaryLine(report), '');
  const problems = report.items.filter((i) => i.status !== 'unchanged');
  if (problems.length === 0) return `${[...out, 'No tag moved.'].join('\n')}\n`;
  out.push('| status | image | locked | current | files | why |', '|---|---|---|---|---|---|');
  for (const i of problems) {
    const why = i.status === 'moved' ? moveFacts(i).join('; ') : (i.error?.message ?? '');
    // Untrusted text (references, file names, registry messages, image labels) is escaped as in PR bodies.
    out.push(`| ${i.status} | ${codeSpan(i.reference)} | \`${short(i.lockedDigest)}\` | \`${short(i.currentDigest)}\` | ${i.files.map(codeSpan).join(', ')} | ${escapeText(why)} |`);
  }
  return `${out.join('\n')}\n`;
}

function github(report: DriftReport, opts: RenderOptions): string {
  const lines = report.items
    .filter((i) => i.status !== 'unchanged')
    .map((i) => {
      const level = i.status === 'error' ? 'warning' : 'error';
      return workflowCommand(level, { file: locations(i, opts)[0], title: `${i.status}: ${i.reference}` }, `${i.reference} ${i.status}: ${detail(i)}`);
    });
  lines.push(summaryLine(report));
  const warning = notCheckedLine(report);
  if (warning) lines.push(workflowCommand('error', { title: 'digestpin drift: checks not made' }, warning));
  return `${lines.join('\n')}\n`;
}

const RULES = {
  moved: { id: 'digestpin/tag-moved', text: 'A locked tag now points to a different digest' },
  vanished: { id: 'digestpin/tag-vanished', text: 'A locked tag no longer exists in the registry' },
  error: { id: 'digestpin/check-error', text: 'The tag could not be checked' },
} as const;

function sarif(report: DriftReport, opts: RenderOptions): Record<string, unknown> {
  const results = report.items
    .filter((i) => i.status !== 'unchanged')
    .map((i) => {
      const rule = RULES[i.status as keyof typeof RULES];
      return {
        ruleId: rule.id,
        level: i.status === 'error' ? 'warning' : 'error',
        message: { text: `${i.reference} ${i.status}: ${detail(i)}` },
        locations: locations(i, opts).map((uri) => ({ physicalLocation: { artifactLocation: { uri } } })),
      };
    });
  const warning = notCheckedLine(report);
  // SARIF's own place for "the tool could not do its job": a failed invocation with a notification.
  const invocations = [{
    executionSuccessful: warning === undefined,
    ...(warning ? { toolExecutionNotifications: [{ level: 'error', message: { text: warning } }] } : {}),
  }];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'digestpin', version: VERSION, rules: Object.values(RULES).map((r) => ({ id: r.id, shortDescription: { text: r.text } })) } }, invocations, results }],
  };
}
