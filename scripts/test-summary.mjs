// Prints one line "N passed, N failed[, N skipped]" summing vitest JSON reports (the default
// suite and the corpus suite), so a run that executed no test is visible. A missing or
// unreadable report, or one in which no test ran, counts as one failure and is named. Exits 1 when anything failed,
// a report is missing, or no test ran.
import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest-reports/results.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    missing.push(`no test report at ${file}: ${error.message}`);
    failed += 1;
    continue;
  }
  // A run that aborted before any test (e.g. the corpus setup found no corpus) ran nothing: a failure.
  if ((report.numTotalTests ?? 0) === 0) {
    missing.push(`no test ran in ${file}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // A test file that fails to load has no failed test of its own: count it as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed += (report.numFailedTests ?? 0) + brokenFiles;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
for (const line of missing) console.error(`test-summary: ${line}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exit(1);
