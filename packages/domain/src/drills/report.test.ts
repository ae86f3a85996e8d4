import { describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_POLICY } from "../process/priority.js";
import { BAD_UPDATE_ROLLBACK_SCENARIO, EMERGENCY_RELEASE_SCENARIO } from "./built-in-scenarios.js";
import type { DrillDeviation } from "./deviations.js";
import { createDrill, transitionDrill, type Drill } from "./drill-machine.js";
import { computeDrillMetrics, type DrillMetric } from "./drill-metrics.js";
import type { TimelineEventLike } from "./drill-timeline.js";
import { buildDrillReport, DrillReportSchema, timeScaleNote } from "./report.js";
import { parseDrillScenario } from "./scenario.js";
import { drillTrends } from "./trends.js";
import { drillVerdict } from "./verdict.js";

const T0 = "2026-03-10T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const release = parseDrillScenario(EMERGENCY_RELEASE_SCENARIO);
const rollback = parseDrillScenario(BAD_UPDATE_ROLLBACK_SCENARIO);

const metric = (over: Partial<DrillMetric>): DrillMetric => ({
  key: "tAdvertised",
  label: "Time to advertised",
  unit: "ms",
  clock: "DRILL",
  formula: "",
  start: null,
  stop: null,
  value: 1,
  status: "REACHED",
  target: 10,
  targetSource: null,
  met: true,
  decisive: false,
  note: null,
  haltedBy: null,
  ...over,
});
const deviation = (severity: "MAJOR" | "MINOR", title: string): DrillDeviation => ({
  code: severity === "MAJOR" ? "PRIORITY_NEVER_CONFIRMED" : "HALT_WITHOUT_REASON",
  severity,
  title,
  message: title,
  at: null,
});

describe("drillVerdict", () => {
  it("PASS when every applicable target is met and there is no deviation", () => {
    const v = drillVerdict(
      [metric({}), metric({ key: "tHalt", status: "NOT_APPLICABLE", met: null, value: null })],
      [],
    );
    expect(v).toEqual({
      verdict: "PASS",
      sentence: "Pass: every applicable target was met and the process was followed.",
      missed: [],
      notReached: [],
    });
  });

  it("PASS_WITH_FINDINGS for a missed non-decisive target, an unreached metric or a minor deviation", () => {
    expect(drillVerdict([metric({ met: false })], [])).toMatchObject({
      verdict: "PASS_WITH_FINDINGS",
      sentence: "Pass with findings: missed the target for advertised.",
      missed: ["tAdvertised"],
    });
    expect(
      drillVerdict(
        [
          metric({
            key: "tCoverage95",
            label: "Time to 95 % coverage",
            decisive: true,
            status: "NOT_REACHED",
            value: null,
            met: null,
          }),
        ],
        [deviation("MINOR", "Halt without a reason")],
      ),
    ).toMatchObject({
      verdict: "PASS_WITH_FINDINGS",
      sentence: "Pass with findings: did not reach 95 % coverage and 1 minor deviation.",
      notReached: ["tCoverage95"],
    });
  });

  it("FAIL for a major deviation or a decisive target missed", () => {
    expect(drillVerdict([metric({})], [deviation("MAJOR", "Priority never confirmed")])).toMatchObject({
      verdict: "FAIL",
      sentence: "Fail: 1 major process deviation (priority never confirmed).",
    });
    expect(
      drillVerdict(
        [
          metric({
            key: "tHalt",
            label: "Time to halt",
            decisive: true,
            status: "NOT_REACHED",
            value: null,
            met: false,
          }),
          metric({ key: "tAssemble", label: "Time to assemble the ERT", met: false }),
        ],
        [],
      ),
    ).toMatchObject({
      verdict: "FAIL",
      sentence: "Fail: missed the target for halt and assemble the ERT.",
      missed: ["tHalt", "tAssemble"],
      notReached: ["tHalt"],
    });
  });

  it("does not count processDeviations twice", () => {
    const v = drillVerdict(
      [metric({ key: "processDeviations", unit: "count", value: 1, target: 0, met: false })],
      [deviation("MINOR", "Halt without a reason")],
    );
    expect(v).toMatchObject({
      verdict: "PASS_WITH_FINDINGS",
      missed: [],
      sentence: "Pass with findings: 1 minor deviation.",
    });
  });
});

describe("drillTrends", () => {
  const rollbackTimeline = (haltAt: number | null): TimelineEventLike[] => [
    { at: at(0), type: "DRILL_STARTED" },
    { at: at(5), type: "DRILL_INJECT_FIRED", payload: { kind: "INSTALLS_FAILING" } },
    ...(haltAt === null ? [] : [{ at: at(haltAt), type: "HALTED", payload: { reason: "Failing installs" } }]),
  ];
  const run = (haltAt: number | null) =>
    computeDrillMetrics({
      scenario: rollback,
      timeline: rollbackTimeline(haltAt),
      startedAt: T0,
      endedAt: at(60),
      now: at(60),
      coverage: [],
    });

  it("one series per scenario and metric, oldest drill first, unreached as a gap", () => {
    const series = drillTrends([
      { drillId: "d3", scenarioId: rollback.id, startedAt: "2026-06-01T09:00:00Z", metrics: run(null) },
      { drillId: "d1", scenarioId: rollback.id, title: "First", startedAt: "2026-01-01T09:00:00Z", metrics: run(45) },
      { drillId: "d2", scenarioId: rollback.id, startedAt: "2026-03-01T09:00:00Z", metrics: run(15) },
    ]);
    expect(series.map((s) => s.key)).toEqual(["tAssemble", "tHalt", "tRollbackReady", "processDeviations"]);
    const halt = series.find((s) => s.key === "tHalt");
    expect(halt?.points.map((p) => [p.drillId, p.value, p.status, p.met])).toEqual([
      ["d1", 40 * 60_000, "REACHED", false],
      ["d2", 10 * 60_000, "REACHED", true],
      ["d3", null, "NOT_REACHED", false],
    ]);
    expect(halt?.points[0]).toMatchObject({
      title: "First",
      startedAt: "2026-01-01T09:00:00.000Z",
      target: 30 * 60_000,
    });
  });

  it("keeps scenarios apart and leaves out metrics that never applied", () => {
    const rel = computeDrillMetrics({
      scenario: release,
      timeline: [],
      startedAt: T0,
      endedAt: at(90),
      now: at(90),
      coverage: [],
    });
    const series = drillTrends([
      { drillId: "a", scenarioId: rollback.id, startedAt: T0, metrics: run(10) },
      { drillId: "b", scenarioId: release.id, startedAt: T0, metrics: rel },
    ]);
    expect(new Set(series.map((s) => s.scenarioId))).toEqual(new Set([rollback.id, release.id]));
    expect(series.filter((s) => s.scenarioId === rollback.id).map((s) => s.key)).not.toContain("tCoverage95");
    expect(series.filter((s) => s.scenarioId === release.id).map((s) => s.key)).not.toContain("tHalt");
    // Out-of-band metrics without tasks do not apply, so they have no series.
    expect(series.map((s) => s.key)).not.toContain("oobInfraCompletion");
  });
});

describe("buildDrillReport", () => {
  function endedDrill(): Drill {
    const created = createDrill(
      {
        scenarioId: release.id,
        title: "Spring drill",
        scheduledStart: T0,
        umpireId: "ump",
        participants: [{ userId: "lead", drillRole: "ERT_LEAD" }],
      },
      { now: at(-60), actor: { userId: "planner", role: "MANAGER" }, scenario: release },
    );
    if (!created.ok) throw new Error(created.reason);
    let d = created.drill;
    for (const [minute, action] of [
      [0, { type: "start" }],
      [2, { type: "fireInject", injectId: "bulletin" }],
      [10, { type: "pause" }],
      [20, { type: "resume" }],
      [70, { type: "end" }],
    ] as const) {
      const r = transitionDrill(d, action, {
        now: at(minute),
        actor: { userId: "ump", role: "ERT_MEMBER" },
        scenario: release,
      });
      if (!r.ok) throw new Error(r.reason);
      d = r.next;
    }
    return d;
  }

  it("assembles verdict, metric table, coverage curve, timeline, injects and time scale", () => {
    const d = endedDrill();
    const timeline: TimelineEventLike[] = [
      { at: at(0), type: "DRILL_STARTED", summary: "Drill started" },
      { at: at(30), type: "PRIORITY_SET", summary: "Initial priority Emergency", payload: { priority: "EMERGENCY" } },
      { at: at(80), type: "NOTE", summary: "After the end" },
    ];
    const r = buildDrillReport({
      drill: d,
      scenario: release,
      timeline,
      coverage: [
        { at: at(65), pct: 40 },
        { at: at(25), pct: 0 },
      ],
      now: at(75),
    });
    expect(DrillReportSchema.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({
      title: "Spring drill",
      timeScale: 24,
      startedAt: T0,
      endedAt: at(70),
      drillMs: 60 * 60_000,
      pausedMs: 10 * 60_000,
      simMs: 24 * 60 * 60_000,
      generatedAt: at(75),
    });
    expect(r.timeScaleNote).toMatch(/^× 24: each real hour of the drill was 24 simulated hours/);
    expect(r.metrics).toHaveLength(18);
    expect(r.verdict.verdict).toBe("FAIL"); // priority never confirmed
    expect(r.deviations.map((x) => x.code)).toEqual(["PRIORITY_NEVER_CONFIRMED"]);
    expect(r.coverageCurve).toEqual([
      { at: at(25), drillMinute: 15, simHours: 6, pct: 0 },
      { at: at(65), drillMinute: 55, simHours: 22, pct: 40 },
    ]);
    expect(r.timeline.map((e) => [e.drillMinute, e.type, e.label])).toEqual([
      [0, "DRILL_STARTED", "Drill started"],
      [20, "PRIORITY_SET", "Initial priority set"],
    ]);
    expect(r.injects.map((i) => [i.injectId, i.firedAt, i.early])).toEqual([
      ["bulletin", at(2), false],
      ["exploit-code", null, null],
      ["exclude-request", null, null],
      ["status-request", null, null],
    ]);
  });

  it("stores the priority policy the 95 % target came from", () => {
    const d = endedDrill();
    const policy = { ...DEFAULT_PRIORITY_POLICY, EMERGENCY: { ...DEFAULT_PRIORITY_POLICY.EMERGENCY, targetHours: 8 } };
    const r = buildDrillReport({ drill: d, scenario: release, timeline: [], coverage: [], now: at(75), policy });
    expect(r.policy).toEqual(policy);
    expect(r.metrics.find((m) => m.key === "tCoverage95")).toMatchObject({ target: 8 * 3_600_000 });
    // A report signed before the policy was stored still reads.
    const { policy: _dropped, ...old } = r;
    expect(DrillReportSchema.parse(old).policy).toBeNull();
  });

  it("a drill that never started has no report", () => {
    const d = { ...endedDrill(), startedAt: null };
    expect(() => buildDrillReport({ drill: d, scenario: release, timeline: [], coverage: [], now: at(1) })).toThrow(
      "A drill that never started has no report.",
    );
  });

  it("states real time plainly", () => {
    expect(timeScaleNote(1)).toBe("Real time: the sandbox fleet ran at the team's speed.");
  });
});
