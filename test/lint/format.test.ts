import { describe, expect, it } from 'vitest';
import { formatFindings, LINT_FORMATS, RULES, type Finding } from '../../src/lint/index.js';

const FINDINGS: Finding[] = [
  {
    ruleId: 'mutable-tag',
    severity: 'error',
    file: 'k8s/my app/deploy.yaml',
    line: 10,
    column: 18,
    message: 'nginx uses the `latest` tag, 100%: bad,\nreally',
    fix: 'Pin it.',
  },
  { ruleId: 'ifnotpresent-unpinned', severity: 'warning', file: 'a.yaml', line: 1, column: 2, message: 'm2', fix: 'f2' },
  { ruleId: 'always-on-digest', severity: 'info', file: 'a.yaml', line: 3, column: 4, message: 'm3', fix: 'f3' },
];

describe('formatFindings', () => {
  it('text: one location line plus a fix line each, and a summary', () => {
    const out = formatFindings(FINDINGS, 'text');
    expect(out.split('\n')[0]).toBe('k8s/my app/deploy.yaml:10:18: error [mutable-tag] nginx uses the `latest` tag, 100%: bad,');
    expect(out).toContain('  fix: Pin it.\n');
    expect(out.trimEnd().split('\n').pop()).toBe('1 error(s), 1 warning(s), 1 info');
    expect(formatFindings([], 'text')).toBe('No findings.\n');
  });

  it('json: a versioned object with the findings as given', () => {
    expect(JSON.parse(formatFindings(FINDINGS, 'json'))).toEqual({ version: 1, findings: FINDINGS });
  });

  it('sarif: minimal valid 2.1.0 with rules, levels, messages and locations', () => {
    const log = JSON.parse(formatFindings(FINDINGS, 'sarif', { toolVersion: '0.1.0' }));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    expect(driver).toMatchObject({ name: 'digestpin', version: '0.1.0' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).not.toBe('');
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    const results = log.runs[0].results;
    expect(results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning', 'note']);
    expect(results[0]).toMatchObject({
      ruleId: 'mutable-tag',
      ruleIndex: 0,
      message: { text: expect.stringContaining('Pin it.') },
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'k8s/my%20app/deploy.yaml' }, region: { startLine: 10, startColumn: 18 } } },
      ],
    });
    expect(driver.rules[results[2].ruleIndex].id).toBe('always-on-digest');
  });

  it('github: workflow commands with escaped properties and data', () => {
    const lines = formatFindings(FINDINGS, 'github').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '::error file=k8s/my app/deploy.yaml,line=10,col=18,title=mutable-tag::nginx uses the `latest` tag, 100%25: bad,%0Areally Fix: Pin it.',
    );
    expect(lines[1]).toMatch(/^::warning file=a\.yaml,line=1,col=2,title=ifnotpresent-unpinned::m2 Fix: f2$/);
    expect(lines[2]).toMatch(/^::notice /);
    expect(formatFindings([{ ...FINDINGS[1]!, file: 'a,b:c.yaml' }], 'github')).toContain('file=a%2Cb%3Ac.yaml,');
  });

  it('knows exactly the four formats', () => {
    expect([...LINT_FORMATS]).toEqual(['text', 'json', 'sarif', 'github']);
  });
});
