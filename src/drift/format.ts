import type { DriftItem, DriftReport } from './types.js';

/** DRIFT_FORMATS are the accepted values of `drift --format`. */
export const DRIFT_FORMATS = ['text', 'json', 'markdown', 'sarif', 'github'] as const;

/** DriftFormat is one of DRIFT_FORMATS. */
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

const short = (d?: string): string => (d ? d.replace(/^(sha\d+:)?([a-f0-9]{12}).*$/, '$2') : '-');

/** renderDrift renders a drift report in one of the supported formats (ends with a newline). */
export function renderDrift(report: DriftReport, format: DriftFormat, lockFile: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(driftJson(report), null, 2)}\n`;
    case 'markdown':
      return markdown(report);
    case 'sarif':
      return `${JSON.stringify(sarif(report, lockFile), null, 2)}\n`;
    case 'github':
      return github(report, lockFile);
    default:
      return text(report);
  }
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
  return { checked: report.checked, unchanged: report.unchanged, moved: report.moved.map(item), vanished: report.vanished.map(item), errors: report.errors };
}

function detail(i: DriftItem): string {
  if (i.status === 'moved') {
    const flip = i.kindChange ? ` [${i.kindChange.replace(/-/g, ' ')}]` : '';
    const plats = i.platformsChanged ? ` platforms changed: ${i.platformsChanged.join(', ')}` : '';
    return `${short(i.lockedDigest)} → ${short(i.currentDigest)}${flip}${plats}${i.explanation ? ` — ${i.explanation.summary}` : ''}`;
  }
  if (i.error) return `${i.error.message}`;
  return short(i.lockedDigest);
}

function text(report: DriftReport): string {
  const rows = report.items.map((i) => [i.status.toUpperCase(), i.reference, detail(i)]);
  const width = Math.max(9, ...rows.map((r) => r[1]!.length));
  const lines = rows.map(([s, ref, d]) => `${s!.padEnd(9)} ${ref!.padEnd(width)}  ${d}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** summaryLine counts each class in one line. */
export function summaryLine(report: DriftReport): string {
  return `checked ${report.checked}: ${report.unchanged} unchanged, ${report.moved.length} moved, ${report.vanished.length} vanished, ${report.errors.length} error(s)`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(report: DriftReport): string {
  const out = [`## digestpin drift`, '', summaryLine(report), ''];
  const problems = report.items.filter((i) => i.status !== 'unchanged');
  if (problems.length === 0) return `${out.join('\n')}No tag moved.\n`;
  out.push('| status | image | locked | current | files | why |', '|---|---|---|---|---|---|');
  for (const i of problems) {
    const why = i.explanation?.summary ?? i.error?.message ?? '';
    out.push(`| ${i.status} | \`${cell(i.reference)}\` | \`${short(i.lockedDigest)}\` | \`${short(i.currentDigest)}\` | ${cell(i.files.join(', '))} | ${cell(why)} |`);
  }
  return `${out.join('\n')}\n`;
}

function github(report: DriftReport, lockFile: string): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const lines = report.items
    .filter((i) => i.status !== 'unchanged')
    .map((i) => {
      const level = i.status === 'error' ? 'warning' : 'error';
      return `::${level} file=${i.files[0] ?? lockFile},title=${i.status}: ${esc(i.reference)}::${esc(`${i.reference} ${i.status}: ${detail(i)}`)}`;
    });
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

const RULES = {
  moved: { id: 'digestpin/tag-moved', text: 'A locked tag now points to a different digest' },
  vanished: { id: 'digestpin/tag-vanished', text: 'A locked tag no longer exists in the registry' },
  error: { id: 'digestpin/check-error', text: 'The tag could not be checked' },
} as const;

function sarif(report: DriftReport, lockFile: string): Record<string, unknown> {
  const results = report.items
    .filter((i) => i.status !== 'unchanged')
    .map((i) => {
      const rule = RULES[i.status as keyof typeof RULES];
      return {
        ruleId: rule.id,
        level: i.status === 'error' ? 'warning' : 'error',
        message: { text: `${i.reference} ${i.status}: ${detail(i)}` },
        locations: (i.files.length ? i.files : [lockFile]).map((uri) => ({ physicalLocation: { artifactLocation: { uri } } })),
      };
    });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'digestpin', informationUri: 'https://github.com/digestpin/digestpin', rules: Object.values(RULES).map((r) => ({ id: r.id, shortDescription: { text: r.text } })) } }, results }],
  };
}
