// Prints "N passed, N failed[, N skipped]" from vitest's JSON report, so a run that
// executed no test is visible. Exits 1 when the report is missing or holds no test.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-reports/results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`0 passed, 0 failed (no test report at ${file}: ${error.message})`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A test file that fails to load has no failed test of its own: count it as one failure.
const brokenFiles = (report.testResults ?? []).filter(
  (r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (passed + failed === 0) process.exit(1);
