import { describe, expect, it } from "vitest";
import {
  AcceptanceTestSchema,
  openTests,
  releaseGate,
  summarizeTests,
  testAlerts,
  unresolvedTests,
  type TestLike,
} from "./acceptance.js";

const t = (
  id: string,
  scope: "CORE" | "FULL",
  result: TestLike["result"],
  executedAt: string | null = result === "PENDING" ? null : "2026-03-10T10:00:00Z",
): TestLike => ({
  id,
  name: `Test ${id}`,
  scope,
  result,
  executedAt,
});

describe("releaseGate (G5)", () => {
  it("normal path: every test passed", () => {
    expect(releaseGate([t("a", "CORE", "PASSED"), t("b", "FULL", "PASSED")], "HIGH", false)).toEqual({
      ok: true,
      path: "FULL",
      remainingOpen: [],
    });
    const r = releaseGate(
      [t("a", "CORE", "PASSED"), t("b", "FULL", "PENDING"), t("c", "FULL", "SKIPPED")],
      "HIGH",
      true,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.blocking.map((b) => [b.id, b.why])).toEqual([
        ["b", "not run yet"],
        ["c", "skipped"],
      ]);
  });

  it("no tests at all never passes", () => {
    expect(releaseGate([], "EMERGENCY", true)).toMatchObject({
      ok: false,
      reason: "G5: no acceptance tests are defined; add at least one test.",
    });
  });

  it("Emergency: all core passed + the lead's acceptance; pending full tests stay open, skipped ones are resolved", () => {
    const tests = [t("a", "CORE", "PASSED"), t("b", "FULL", "PENDING"), t("c", "FULL", "SKIPPED")];
    expect(releaseGate(tests, "EMERGENCY", false)).toMatchObject({ ok: false, path: "REDUCED" });
    expect(releaseGate(tests, "EMERGENCY", true)).toEqual({ ok: true, path: "REDUCED", remainingOpen: ["b"] });
    // When everything has passed the normal path applies even to an Emergency.
    expect(releaseGate([t("a", "CORE", "PASSED")], "EMERGENCY", false)).toEqual({
      ok: true,
      path: "FULL",
      remainingOpen: [],
    });
  });

  it("Emergency without core tests, or with a core test not passed, is refused", () => {
    expect(releaseGate([t("b", "FULL", "PENDING")], "EMERGENCY", true)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/none is defined/),
    });
    const r = releaseGate([t("a", "CORE", "PENDING"), t("b", "FULL", "PENDING")], "EMERGENCY", true);
    expect(r).toMatchObject({
      ok: false,
      reason: "G5: every core-functionality test must pass; 1 core test has not passed.",
    });
  });

  it("a failed test blocks both paths", () => {
    const r = releaseGate([t("a", "CORE", "PASSED"), t("b", "FULL", "FAILED")], "EMERGENCY", true);
    expect(r).toMatchObject({
      ok: false,
      reason: "G5: 1 acceptance test failed (Test b); fix the release and re-test.",
    });
  });
});

describe("tests after deployment", () => {
  const tests = [
    t("a", "CORE", "PASSED", "2026-03-10T10:00:00Z"),
    t("b", "FULL", "PENDING"),
    t("c", "FULL", "FAILED", "2026-03-10T08:00:00Z"),
    t("d", "FULL", "FAILED", "2026-03-10T13:00:00Z"),
    t("e", "CORE", "FAILED", "2026-03-10T12:00:00Z"),
  ];

  it("open and unresolved tests", () => {
    expect(openTests(tests).map((x) => x.id)).toEqual(["b"]);
    expect(unresolvedTests(tests).map((x) => x.id)).toEqual(["b", "c", "d", "e"]);
  });

  it("a test that fails after deployment started raises an alert; core failures are critical", () => {
    expect(testAlerts(tests, null)).toEqual([]);
    const alerts = testAlerts(tests, "2026-03-10T11:00:00Z");
    expect(alerts.map((a) => [a.testId, a.severity])).toEqual([
      ["d", "WARNING"],
      ["e", "CRITICAL"],
    ]);
    expect(alerts[0]?.message).toBe(
      'Acceptance test "Test d" failed after deployment started: decide whether to halt the deployment and roll back.',
    );
  });

  it("summarises by scope and result", () => {
    const s = summarizeTests(tests);
    expect(s.total).toBe(5);
    expect(s.CORE).toEqual({ PENDING: 0, PASSED: 1, FAILED: 1, SKIPPED: 0 });
    expect(s.FULL).toEqual({ PENDING: 1, PASSED: 0, FAILED: 2, SKIPPED: 0 });
  });
});

describe("AcceptanceTestSchema", () => {
  it("a run test has a time; a skip has a reason; core tests are never skipped", () => {
    const msgs = (x: unknown) => (AcceptanceTestSchema.safeParse(x).error?.issues ?? []).map((i) => i.message);
    expect(msgs({ id: "a", name: "Logon", scope: "CORE", result: "PASSED" })).toEqual(["Record when the test was run"]);
    expect(
      msgs({ id: "a", name: "Logon", scope: "CORE", result: "SKIPPED", executedAt: "2026-03-10T10:00:00Z" }),
    ).toEqual(["Core-functionality tests cannot be skipped", "Say why the test is skipped"]);
    expect(
      msgs({
        id: "a",
        name: "Print",
        scope: "FULL",
        result: "SKIPPED",
        executedAt: "2026-03-10T10:00:00Z",
        skipReason: "No printers at pilot site",
      }),
    ).toEqual([]);
  });
});
