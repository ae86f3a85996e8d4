import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import type { ReleasePriority } from "./priority.js";

/**
 * Acceptance tests of a release (domain.md §2.4 E-4, §3.2; product.md C6).
 *
 * Scope: CORE = core functionality (day-to-day operations are not affected), FULL = the rest of
 * the full suite. The full suite is every test, CORE and FULL.
 *
 * Gate G5 (TESTING → READY):
 * - normal path: every test PASSED;
 * - reduced path, only when the final priority is EMERGENCY: every CORE test PASSED and the ERT
 *   lead's acceptance of reduced testing recorded on the case; the FULL tests not yet passed
 *   stay open and keep running through and after deployment.
 * A FAILED test blocks READY on both paths (fix and re-test, or — on the reduced path — the lead
 * may record it as SKIPPED with a reason, which is audited). SKIPPED never counts as PASSED for
 * the normal path: a test that does not apply is removed from the plan instead. CORE tests can
 * never be skipped.
 */

export const TEST_SCOPES = ["CORE", "FULL"] as const;
export const TestScopeSchema = z.enum(TEST_SCOPES, { message: "Choose the scope: core functionality or full suite" });
export type TestScope = z.infer<typeof TestScopeSchema>;
export const testScopeLabels: Record<TestScope, string> = { CORE: "Core functionality", FULL: "Full suite" };

export const TEST_RESULTS = ["PENDING", "PASSED", "FAILED", "SKIPPED"] as const;
export const TestResultSchema = z.enum(TEST_RESULTS, {
  message: "Choose a result: pending, passed, failed or skipped",
});
export type TestResult = z.infer<typeof TestResultSchema>;
export const testResultLabels: Record<TestResult, string> = {
  PENDING: "Pending",
  PASSED: "Passed",
  FAILED: "Failed",
  SKIPPED: "Skipped",
};

export const AcceptanceTestSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().trim().min(1, "Name the test").max(200, "Use at most 200 characters"),
    scope: TestScopeSchema,
    result: TestResultSchema,
    executedAt: TimestampSchema.nullable().optional(),
    executedBy: z.string().nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
    skipReason: z.string().trim().max(1000).nullable().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.result !== "PENDING" && !t.executedAt) {
      ctx.addIssue({ code: "custom", path: ["executedAt"], message: "Record when the test was run" });
    }
    if (t.result === "SKIPPED") {
      if (t.scope === "CORE")
        ctx.addIssue({ code: "custom", path: ["result"], message: "Core-functionality tests cannot be skipped" });
      if (!t.skipReason) ctx.addIssue({ code: "custom", path: ["skipReason"], message: "Say why the test is skipped" });
    }
  });
export type AcceptanceTest = z.infer<typeof AcceptanceTestSchema>;

/** What the rules read of a test. */
export type TestLike = Pick<AcceptanceTest, "id" | "name" | "scope" | "result"> & { executedAt?: string | null };

export type ReleaseTestPath = "FULL" | "REDUCED";

export interface BlockingTest {
  id: string;
  name: string;
  scope: TestScope;
  result: TestResult;
  why: string;
}

export type ReleaseGateResult =
  | { ok: true; path: ReleaseTestPath; remainingOpen: string[] }
  | { ok: false; reason: string; blocking: BlockingTest[]; path: ReleaseTestPath };

const blocking = (t: TestLike, why: string): BlockingTest => ({
  id: t.id,
  name: t.name,
  scope: t.scope,
  result: t.result,
  why,
});
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Gate G5 from the tests, the final priority and whether the lead's acceptance of reduced testing
 * is recorded. The normal path wins whenever every test has passed.
 */
export function releaseGate(
  tests: readonly TestLike[],
  finalPriority: ReleasePriority,
  reducedTestingAccepted: boolean,
): ReleaseGateResult {
  if (tests.length === 0) {
    return {
      ok: false,
      path: "FULL",
      blocking: [],
      reason: "G5: no acceptance tests are defined; add at least one test.",
    };
  }
  const failed = tests.filter((t) => t.result === "FAILED");
  const notPassed = tests.filter((t) => t.result !== "PASSED");
  if (notPassed.length === 0) return { ok: true, path: "FULL", remainingOpen: [] };

  if (failed.length > 0) {
    return {
      ok: false,
      path: finalPriority === "EMERGENCY" ? "REDUCED" : "FULL",
      blocking: failed.map((t) => blocking(t, "failed")),
      reason: `G5: ${plural(failed.length, "acceptance test")} failed (${failed.map((t) => t.name).join(", ")}); fix the release and re-test.`,
    };
  }

  if (finalPriority !== "EMERGENCY") {
    return {
      ok: false,
      path: "FULL",
      blocking: notPassed.map((t) => blocking(t, t.result === "SKIPPED" ? "skipped" : "not run yet")),
      reason: `G5: every acceptance test must pass before a non-Emergency release is ready; ${plural(notPassed.length, "test")} ${notPassed.length === 1 ? "has" : "have"} not passed.`,
    };
  }

  const core = tests.filter((t) => t.scope === "CORE");
  if (core.length === 0) {
    return {
      ok: false,
      path: "REDUCED",
      blocking: [],
      reason:
        "G5: an Emergency release may skip the full suite only after core-functionality tests pass, and none is defined; add core tests.",
    };
  }
  const coreNotPassed = core.filter((t) => t.result !== "PASSED");
  if (coreNotPassed.length > 0) {
    return {
      ok: false,
      path: "REDUCED",
      blocking: coreNotPassed.map((t) => blocking(t, "core test not passed")),
      reason: `G5: every core-functionality test must pass; ${plural(coreNotPassed.length, "core test")} ${coreNotPassed.length === 1 ? "has" : "have"} not passed.`,
    };
  }
  if (!reducedTestingAccepted) {
    return {
      ok: false,
      path: "REDUCED",
      blocking: notPassed.map((t) => blocking(t, "open without the lead's acceptance")),
      reason: `G5: core tests passed but ${plural(notPassed.length, "test")} of the full suite ${notPassed.length === 1 ? "is" : "are"} open; the ERT lead must record acceptance of reduced testing first.`,
    };
  }
  return { ok: true, path: "REDUCED", remainingOpen: openTests(tests).map((t) => t.id) };
}

/** Tests still to run: they stay open, visible, through and after deployment. */
export const openTests = <T extends TestLike>(tests: readonly T[]): T[] => tests.filter((t) => t.result === "PENDING");

/** Tests not resolved (PENDING or FAILED) — the post-implementation review waits for them. */
export const unresolvedTests = <T extends TestLike>(tests: readonly T[]): T[] =>
  tests.filter((t) => t.result === "PENDING" || t.result === "FAILED");

export interface TestAlert {
  testId: string;
  name: string;
  scope: TestScope;
  executedAt: string;
  severity: "CRITICAL" | "WARNING";
  message: string;
}

/**
 * A test that FAILED after deployment started raises an alert on the case: the release is on its
 * way to production and a rollback may be needed. Core failures are CRITICAL.
 */
export function testAlerts(tests: readonly TestLike[], deploymentStartedAt: TimeInput | null | undefined): TestAlert[] {
  if (deploymentStartedAt === null || deploymentStartedAt === undefined) return [];
  const since = toEpochMs(deploymentStartedAt);
  const out: TestAlert[] = [];
  for (const t of tests) {
    if (t.result !== "FAILED" || !t.executedAt) continue;
    if (Date.parse(t.executedAt) < since) continue;
    out.push({
      testId: t.id,
      name: t.name,
      scope: t.scope,
      executedAt: t.executedAt,
      severity: t.scope === "CORE" ? "CRITICAL" : "WARNING",
      message: `Acceptance test "${t.name}" failed after deployment started: decide whether to halt the deployment and roll back.`,
    });
  }
  return out;
}

export type TestSummary = Record<TestScope, Record<TestResult, number>> & { total: number };

export function summarizeTests(tests: readonly TestLike[]): TestSummary {
  const row = (): Record<TestResult, number> => ({ PENDING: 0, PASSED: 0, FAILED: 0, SKIPPED: 0 });
  const s: TestSummary = { CORE: row(), FULL: row(), total: tests.length };
  for (const t of tests) s[t.scope][t.result]++;
  return s;
}
