// Counting tests from the runners' JSON reports. A report that is missing or unreadable means
// the runner crashed before it could write one: that is one failure, never zero.
import { existsSync, readFileSync } from "node:fs";

function readReport(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/**
 * Vitest's JSON reporter (jest-compatible). A test file that failed to load (syntax error,
 * failing import, error in beforeAll) has no failed test of its own: it counts as one failure.
 */
export function countVitest(file, exitCode) {
  const report = readReport(file);
  if (!report)
    return { passed: 0, failed: 1, skipped: 0, note: "no JSON report: vitest crashed or found nothing to run" };
  let failed = report.numFailedTests ?? 0;
  const brokenFiles = [];
  for (const suite of report.testResults ?? []) {
    const hasFailedTest = (suite.assertionResults ?? []).some((a) => a.status === "failed");
    if (suite.status === "failed" && !hasFailedTest) brokenFiles.push(suite.name);
  }
  failed += brokenFiles.length;
  const result = {
    passed: report.numPassedTests ?? 0,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    note: brokenFiles.length ? `${brokenFiles.length} test file(s) failed outside any test` : "",
  };
  if (exitCode !== 0 && result.failed === 0) {
    result.failed = 1;
    result.note = `vitest exited with code ${exitCode} without a failing test (unhandled error?)`;
  }
  if (result.passed + result.failed === 0) {
    result.failed = 1;
    result.note = "no tests ran";
  }
  return result;
}

/**
 * Playwright's JSON reporter: stats.expected passed, stats.unexpected failed, stats.flaky passed
 * only on a retry (counted as passed, reported), stats.skipped skipped. Errors outside tests
 * (web server did not start, global setup threw) count as one failure.
 */
export function countPlaywright(file, exitCode) {
  const report = readReport(file);
  if (!report?.stats)
    return { passed: 0, failed: 1, skipped: 0, note: "no JSON report: Playwright crashed before writing one" };
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  const result = {
    passed: expected + flaky,
    failed: unexpected,
    skipped,
    note: flaky ? `${flaky} flaky (passed on retry)` : "",
  };
  const errors = report.errors ?? [];
  if (result.failed === 0 && (errors.length > 0 || exitCode !== 0)) {
    result.failed = 1;
    const first = errors[0]?.message?.split("\n")[0];
    result.note = first ? `error outside tests: ${first}` : `playwright exited with code ${exitCode}`;
  }
  if (result.passed + result.failed === 0) {
    result.failed = 1;
    result.note = "no tests ran";
  }
  return result;
}
