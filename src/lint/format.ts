import { RULES } from './rules.js';
import type { Finding, Severity } from './types.js';
import { workflowCommand } from '../github-annotations.js';

/** LINT_FORMATS lists the output formats of `digestpin lint --format`. */
export const LINT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;

/** LintFormat is one of LINT_FORMATS. */
export type LintFormat = (typeof LINT_FORMATS)[number];

/** FormatOptions tune the machine-readable formats. */
export interface FormatOptions {
  /** toolVersion goes into SARIF `tool.driver.version`. */
  toolVersion?: string;
}

function text(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.\n';
  const lines = findings.map(
    (f) => `${f.file}:${f.line}:${f.column}: ${f.severity} [${f.ruleId}] ${f.message}\n  fix: ${f.fix}\n`,
  );
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return `${lines.join('')}${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info\n`;
}

function json(findings: readonly Finding[]): string {
  return `${JSON.stringify({ version: 1, findings }, null, 2)}\n`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

/** toUri turns a path into a SARIF relative URI reference (forward slashes, percent-encoded). */
function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

// SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
function sarif(findings: readonly Finding[], options: FormatOptions): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.summary },
    help: { text: `${r.fix} See docs/lint-rules.md#${r.id}.` },
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
  }));
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message} Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file) },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
  }));
  const driver = {
    name: 'digestpin',
    ...(options.toolVersion ? { version: options.toolVersion } : {}),
    rules,
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

// Workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function github(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const props = { file: f.file, line: f.line, col: f.column, title: f.ruleId };
      return `${workflowCommand(GITHUB_LEVEL[f.severity], props, `${f.message} Fix: ${f.fix}`)}\n`;
    })
    .join('');
}

/** formatFindings renders findings as `text`, `json`, `sarif` (2.1.0) or GitHub workflow commands. */
export function formatFindings(findings: readonly Finding[], format: LintFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return text(findings);
    case 'json':
      return json(findings);
    case 'sarif':
      return sarif(findings, options);
    case 'github':
      return github(findings);
  }
}
