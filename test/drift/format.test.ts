import { describe, expect, it } from 'vitest';
import { DRIFT_FORMATS, driftJson, renderDrift, summaryLine } from '../../src/drift/format.js';
import type { DriftReport } from '../../src/drift/types.js';
import { REPORT } from './report-fixture.js';
import { parseWorkflowCommand } from '../helpers/workflow-commands.js';

const LOCK = 'ops/digestpin.lock.json';
const SUMMARY = 'checked 5: 1 unchanged, 2 moved, 1 vanished, 1 error(s)';
const API_WHY = 'rebuilt: created 2026-11-19T10:00:00Z → 2026-11-20T10:00:00Z, revision 1a2b3c4d5e6f → 9f8e7d6c5b4a';
const NOT_CHECKED = 'NOT CHECKED: 1 of 5 locked tag(s) could not be checked (see the errors); this run says nothing about them';
const CLEAN: DriftReport = { checked: 1, unchanged: 1, moved: [], vanished: [], errors: [], items: [REPORT.items[1]!] };

describe('renderDrift', () => {
  it('knows exactly the five documented formats, each ending with a newline', () => {
    expect(DRIFT_FORMATS).toEqual(['text', 'json', 'markdown', 'sarif', 'github']);
    for (const format of DRIFT_FORMATS) expect(renderDrift(REPORT, format, LOCK).endsWith('\n')).toBe(true);
  });

  it('summaryLine counts every class', () => {
    expect(summaryLine(REPORT)).toBe(SUMMARY);
    expect(summaryLine(CLEAN)).toBe('checked 1: 1 unchanged, 0 moved, 0 vanished, 0 error(s)');
  });

  it('text: one row per tag (status, reference padded to the widest, detail), then the summary', () => {
    const out = renderDrift(REPORT, 'text', LOCK);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`MOVED     registry.example:5000/team/api:2.3        aaaaaaaaaaaa → bbbbbbbbbbbb — ${API_WHY}`);
    expect(lines[1]).toBe('UNCHANGED registry.example:5000/team/cache:7        cccccccccccc');
    expect(lines[2]).toMatch(/^ERROR {5}registry\.example:5000\/team\/secret:v1 {6}registry registry\.example:5000: HEAD answered 403 \| denied/);
    expect(out).toContain('MOVED     registry.example:5000/team/web:1.0        eeeeeeeeeeee → ffffffffffff — manifest to index; platforms changed: linux/amd64, linux/arm64\n');
    expect(out).toContain('VANISHED  registry.example:5000/team/worker:stable  registry registry.example:5000: HEAD answered 404 100%\n');
    expect(out.endsWith(`\n${SUMMARY}\n${NOT_CHECKED}\n`)).toBe(true);
    expect(renderDrift(CLEAN, 'text', LOCK)).toBe(`UNCHANGED registry.example:5000/team/cache:7  cccccccccccc\n${summaryLine(CLEAN)}\n`);
  });

  it('markdown: heading, a caution on checks not made, summary, and a table of the problems with pipes and newlines escaped', () => {
    expect(renderDrift(REPORT, 'markdown', LOCK).split('\n').slice(0, 11)).toEqual([
      '## digestpin drift',
      '',
      '> [!CAUTION]',
      `> **${NOT_CHECKED}**`,
      '',
      SUMMARY,
      '',
      '| status | image | locked | current | files | why |',
      '|---|---|---|---|---|---|',
      `| moved | \`registry.example:5000/team/api:2.3\` | \`aaaaaaaaaaaa\` | \`bbbbbbbbbbbb\` | \`deploy/api.yaml\`, \`deploy/web.yaml\` | ${API_WHY} |`,
      '| error | `registry.example:5000/team/secret:v1` | `dddddddddddd` | `-` | `deploy/jobs.yaml` | registry registry.example:5000: HEAD answered 403 \\| denied by policy |',
    ]);
    const rows = renderDrift(REPORT, 'markdown', LOCK).trimEnd().split('\n').slice(9);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| moved', '| error', '| moved', '| vanished']);
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(8);
  });

  it('markdown: says so when nothing moved', () => {
    const out = renderDrift(CLEAN, 'markdown', LOCK);
    expect(out.startsWith(`## digestpin drift\n\n${summaryLine(CLEAN)}\n`)).toBe(true);
    expect(out.endsWith('No tag moved.\n')).toBe(true);
    expect(out).not.toContain('|');
  });

  it('json: the documented shape, without the items list', () => {
    const json = JSON.parse(renderDrift(REPORT, 'json', LOCK)) as Record<string, unknown>;
    expect(json).toEqual(driftJson(REPORT));
    expect(Object.keys(json)).toEqual(['checked', 'unchanged', 'moved', 'vanished', 'errors', 'notChecked']);
    expect(json.notChecked).toBe(1);
    expect(json.moved).toEqual([
      {
        reference: 'registry.example:5000/team/api:2.3', lockedDigest: `sha256:${'a'.repeat(64)}`, currentDigest: `sha256:${'b'.repeat(64)}`,
        files: ['deploy/api.yaml', 'deploy/web.yaml'], explanation: REPORT.items[0]!.explanation,
      },
      {
        reference: 'registry.example:5000/team/web:1.0', lockedDigest: `sha256:${'e'.repeat(64)}`, currentDigest: `sha256:${'f'.repeat(64)}`,
        files: ['deploy/web.yaml'], kindChange: 'manifest-to-index', platformsChanged: ['linux/amd64', 'linux/arm64'],
      },
    ]);
    expect(json.vanished).toEqual([{
      reference: 'registry.example:5000/team/worker:stable', lockedDigest: `sha256:${'9'.repeat(64)}`, files: [],
      code: 'MANIFEST_UNKNOWN', message: 'registry registry.example:5000: HEAD answered 404 100%',
    }]);
    expect(json.errors).toEqual([{
      reference: 'registry.example:5000/team/secret:v1', code: 'DENIED', message: 'registry registry.example:5000: HEAD answered 403 | denied\nby policy', files: ['deploy/jobs.yaml'],
    }]);
    expect(JSON.parse(renderDrift(CLEAN, 'json', LOCK))).toEqual({ checked: 1, unchanged: 1, moved: [], vanished: [], errors: [], notChecked: 0 });
  });

  it('sarif: 2.1.0 log, three rules, one result per problem located in the files (or the lock)', () => {
    const log = JSON.parse(renderDrift(REPORT, 'sarif', LOCK));
    expect(log).toMatchObject({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0' });
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe('digestpin');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['digestpin/tag-moved', 'digestpin/tag-vanished', 'digestpin/check-error']);
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text).not.toBe('');
    const results = run.results as Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    expect(results.map((r) => [r.ruleId, r.level, r.locations.map((l) => l.physicalLocation.artifactLocation.uri)])).toEqual([
      ['digestpin/tag-moved', 'error', ['deploy/api.yaml', 'deploy/web.yaml']],
      ['digestpin/check-error', 'warning', ['deploy/jobs.yaml']],
      ['digestpin/tag-moved', 'error', ['deploy/web.yaml']],
      ['digestpin/tag-vanished', 'error', [LOCK]],
    ]);
    expect(results[0]!.message.text).toBe(`registry.example:5000/team/api:2.3 moved: aaaaaaaaaaaa → bbbbbbbbbbbb — ${API_WHY}`);
    expect(JSON.parse(renderDrift(CLEAN, 'sarif', LOCK)).runs[0].results).toEqual([]);
    // A check not made fails the invocation, SARIF's own way to say the tool could not do its job.
    expect(run.invocations).toEqual([{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: NOT_CHECKED } }] }]);
    expect(JSON.parse(renderDrift(CLEAN, 'sarif', LOCK)).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('github: one ::error (moved, vanished) or ::warning (error) per problem, data escaped, then the summary', () => {
    const lines = renderDrift(REPORT, 'github', LOCK).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 4).map(parseWorkflowCommand)).toEqual([
      { command: 'error', props: { file: 'deploy/api.yaml', title: 'moved: registry.example:5000/team/api:2.3' }, message: `registry.example:5000/team/api:2.3 moved: aaaaaaaaaaaa → bbbbbbbbbbbb — ${API_WHY}` },
      { command: 'warning', props: { file: 'deploy/jobs.yaml', title: 'error: registry.example:5000/team/secret:v1' }, message: 'registry.example:5000/team/secret:v1 error: registry registry.example:5000: HEAD answered 403 | denied by policy' },
      { command: 'error', props: { file: 'deploy/web.yaml', title: 'moved: registry.example:5000/team/web:1.0' }, message: 'registry.example:5000/team/web:1.0 moved: eeeeeeeeeeee → ffffffffffff — manifest to index; platforms changed: linux/amd64, linux/arm64' },
      { command: 'error', props: { file: LOCK, title: 'vanished: registry.example:5000/team/worker:stable' }, message: 'registry.example:5000/team/worker:stable vanished: registry registry.example:5000: HEAD answered 404 100%' },
    ]);
    // Messages are kept on one line; properties escape ':' and ',' as @actions/core does.
    expect(lines[1]).toContain('denied by policy');
    expect(lines[1]).toContain('title=error%3A registry.example%3A5000/team/secret%3Av1::');
    expect(lines[3]).toContain('404 100%25');
    expect(lines[4]).toBe(SUMMARY);
    expect(parseWorkflowCommand(lines[5]!)).toEqual({ command: 'error', props: { title: 'digestpin drift: checks not made' }, message: NOT_CHECKED });
    expect(renderDrift(CLEAN, 'github', LOCK)).toBe(`${summaryLine(CLEAN)}\n`);
  });

  // issue 11 item 10: registry text and image labels are untrusted in every format.
  it.each(DRIFT_FORMATS)('%s: strips control characters and keeps markdown inert', (format) => {
    const hostile: DriftReport = structuredClone(REPORT);
    hostile.items[0]!.explanation!.summary = 'new version: **2.4** <img src=x onerror=alert(1)> [click](https://evil) @team \u001b[2J\u009b31m\u0007\u202e';
    hostile.items[2]!.error!.message = 'HEAD answered 403 \u001b]0;title\u0007 | `code` ::error::forged';
    hostile.errors[0]!.message = hostile.items[2]!.error!.message;
    const out = renderDrift(hostile, format, LOCK);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).not.toMatch(/\\u001b|\\u009b|\\u0007/);
    expect(out).not.toMatch(/^::error::forged/m);
    if (format === 'markdown') {
      expect(out).toContain('new version: \\*\\*2.4\\*\\* \\<img src=x onerror=alert(1)\\> \\[click\\](https://evil) @&#8203;team');
      expect(out).toContain('HEAD answered 403 \\]0;title \\| \\`code\\` ::error::forged');
    }
  });
});
