import { describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_POLICY } from "../process/priority.js";
import { BAD_UPDATE_ROLLBACK_SCENARIO, EMERGENCY_RELEASE_SCENARIO } from "./built-in-scenarios.js";
import type { OobTaskLike } from "./deviations.js";
import { computeDrillMetrics, type DrillMetric, type DrillMetricsInput } from "./drill-metrics.js";
import type { TimelineEventLike } from "./drill-timeline.js";
import type { DrillMetricKey } from "./metric-definitions.js";
import { parseDrillScenario } from "./scenario.js";

const T0 = "2026-03-10T09:00:00.000Z";
const MIN = 60_000;
const H = 60 * MIN;
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MIN).toISOString();
const release = parseDrillScenario(EMERGENCY_RELEASE_SCENARIO);
const rollback = parseDrillScenario(BAD_UPDATE_ROLLBACK_SCENARIO);

let seq = 0;
function ev(minute: number, type: string, payload: Record<string, unknown> = {}, actorId = "u"): TimelineEventLike {
  seq += 1;
  return { id: `e${seq}`, at: at(minute), type, actorId, summary: `${type} at ${minute}`, payload };
}
const caseStep = (minute: number, action: string, from: string, to: string) =>
  ev(minute, "CASE_TRANSITION", { action, from, to });
const ack = (minute: number, userId: string, responseRole: string | null = null) =>
  ev(minute, "ERT_ACKNOWLEDGED", { userId, responseRole }, userId);
const test = (minute: number, testId: string, scope: "CORE" | "FULL", result: string) =>
  ev(minute, "TEST_RECORDED", { testId, name: `Test ${testId}`, scope, result });
const task = (kind: OobTaskLike["kind"], minute: number | null, state: OobTaskLike["state"] = "DONE"): OobTaskLike => ({
  kind,
  state,
  completedAt: minute === null ? null : at(minute),
});

const participants = [
  { userId: "lead", drillRole: "ERT_LEAD" as const },
  { userId: "sms", drillRole: "SMS_ADMIN" as const },
  { userId: "sec", drillRole: "SECURITY" as const },
  { userId: "member", drillRole: "ERT_MEMBER" as const },
];

/** A complete emergency release worked by the book (minutes from T0). */
const fullTimeline = (): TimelineEventLike[] => [
  ev(0, "DRILL_STARTED", { scenarioId: release.id, timeScale: 24 }),
  ev(0, "DRILL_INJECT_FIRED", { injectId: "bulletin", kind: "NEW_BULLETIN" }),
  ack(3, "lead", "ERT_LEAD"),
  ack(4, "sms"),
  ack(5, "member"),
  ack(6, "sec", "SECURITY"),
  caseStep(10, "markRelevant", "DETECTED", "IDENTIFYING"),
  caseStep(12, "verifySource", "IDENTIFYING", "IDENTIFYING"),
  caseStep(15, "submitRfc", "IDENTIFYING", "RFC_SUBMITTED"),
  ev(15, "PRIORITY_SET", { priority: "EMERGENCY", category: "MAJOR", rationale: "Worm risk" }),
  caseStep(16, "startEvaluation", "RFC_SUBMITTED", "EVALUATING"),
  ev(20, "PRIORITY_CONFIRMED", { priority: "EMERGENCY", previous: "EMERGENCY", underAuthorityGrant: false }),
  caseStep(22, "plan", "EVALUATING", "PLANNED"),
  caseStep(23, "build", "PLANNED", "BUILDING"),
  caseStep(30, "startTesting", "BUILDING", "TESTING"),
  test(33, "core-1", "CORE", "PASSED"),
  test(34, "core-2", "CORE", "FAILED"),
  test(36, "core-2", "CORE", "PASSED"),
  test(36, "full-1", "FULL", "PENDING"),
  ev(37, "REDUCED_TESTING_ACCEPTED", { openTestIds: ["full-1"], rationale: "Worm risk outweighs" }),
  caseStep(38, "acceptRelease", "TESTING", "READY"),
  ev(38, "CHECKLIST_APPLIED", { applied: ["MANDATORY_ON_SLOW_LINKS"], declined: [] }),
  caseStep(40, "startDeployment", "READY", "DEPLOYING"),
  test(80, "full-1", "FULL", "PASSED"),
];

const fullInput = (over: Partial<DrillMetricsInput> = {}): DrillMetricsInput => ({
  scenario: release,
  timeline: fullTimeline(),
  startedAt: T0,
  endedAt: at(90),
  now: at(120),
  participants,
  coverage: [
    { at: at(40), pct: 0 },
    { at: at(50), pct: 55 },
    { at: at(60), pct: 91 },
    { at: at(70), pct: 96 },
  ],
  distribution: [
    { at: at(32), pct: 50 },
    { at: at(35), pct: 92 },
  ],
  firstSuccessAt: at(41),
  oobTasks: [
    task("INFRA_SERVER_MANUAL", 50),
    task("INFRA_SERVER_MANUAL", 65),
    ...[45, 50, 55, 58].map((m) => task("SLOW_LINK_CLIENT", m)),
    task("SLOW_LINK_CLIENT", null, "IN_PROGRESS"),
    task("COURIER_PARCEL", 30),
    task("SENDER_RESTORE", 85),
  ],
  ...over,
});

const byKey = (metrics: DrillMetric[]) => new Map(metrics.map((m) => [m.key, m]));
const metric = (input: DrillMetricsInput, key: DrillMetricKey): DrillMetric => {
  const m = byKey(computeDrillMetrics(input)).get(key);
  if (!m) throw new Error(`no ${key}`);
  return m;
};

describe("computeDrillMetrics — a complete emergency release", () => {
  const metrics = byKey(computeDrillMetrics(fullInput()));
  const get = (k: DrillMetricKey) => metrics.get(k) as DrillMetric;

  it("returns every §7 metric once, in table order", () => {
    expect([...metrics.keys()]).toHaveLength(18);
    expect(get("tHalt").status).toBe("NOT_APPLICABLE");
    expect(get("tRollbackReady").status).toBe("NOT_APPLICABLE");
    expect(get("tHalt").value).toBeNull();
  });

  it("tAssemble: T0 → the acknowledgement completing lead + SMS admin + security", () => {
    const m = get("tAssemble");
    expect(m).toMatchObject({ status: "REACHED", value: 6 * MIN, target: 1 * H, met: true, clock: "DRILL" });
    expect(m.start).toMatchObject({ type: "DRILL_STARTED", at: T0, drillMs: 0, eventId: "e1" });
    expect(m.stop).toMatchObject({ type: "ERT_ACKNOWLEDGED", at: at(6), drillMs: 6 * MIN });
  });

  it("tInitialPriority, tSourceVerified: T0 → first PRIORITY_SET / verifySource", () => {
    expect(get("tInitialPriority")).toMatchObject({ status: "REACHED", value: 15 * MIN, target: 2 * H, met: true });
    expect(get("tInitialPriority").stop?.type).toBe("PRIORITY_SET");
    expect(get("tSourceVerified")).toMatchObject({ status: "REACHED", value: 12 * MIN, met: true });
    expect(get("tSourceVerified").stop).toMatchObject({ type: "CASE_TRANSITION", at: at(12) });
  });

  it("tPriorityConfirmed: PRIORITY_SET → PRIORITY_CONFIRMED", () => {
    const m = get("tPriorityConfirmed");
    expect(m).toMatchObject({ status: "REACHED", value: 5 * MIN, target: 1 * H, met: true });
    expect([m.start?.type, m.start?.at, m.stop?.type, m.stop?.at]).toEqual([
      "PRIORITY_SET",
      at(15),
      "PRIORITY_CONFIRMED",
      at(20),
    ]);
  });

  it("tPackageBuilt: PRIORITY_CONFIRMED → startTesting", () => {
    expect(get("tPackageBuilt")).toMatchObject({ status: "REACHED", value: 10 * MIN, target: 2 * H, met: true });
    expect(get("tPackageBuilt").stop?.at).toBe(at(30));
  });

  it("tDpsReady90: package built → first distribution sample ≥ 90 %, in simulated time", () => {
    expect(get("tDpsReady90")).toMatchObject({
      status: "REACHED",
      clock: "SIM",
      value: 5 * 24 * MIN,
      target: 4 * H,
      met: true,
    });
    expect(get("tDpsReady90").stop).toMatchObject({ type: "DISTRIBUTION_SAMPLE", at: at(35) });
  });

  it("tCoreTestPass: package built → every CORE test's latest result PASSED", () => {
    const m = get("tCoreTestPass");
    expect(m).toMatchObject({ status: "REACHED", value: 6 * MIN, target: 3 * H, met: true });
    expect(m.stop?.at).toBe(at(36));
  });

  it("tAdvertised: T0 → startDeployment", () => {
    expect(get("tAdvertised")).toMatchObject({ status: "REACHED", value: 40 * MIN, target: 8 * H, met: true });
  });

  it("tFirstSuccess: advertised → first 10008/10009, simulated, no target", () => {
    expect(get("tFirstSuccess")).toMatchObject({ status: "REACHED", value: 24 * MIN, target: null, met: null });
  });

  it("tCoverage x %: team time to the advertisement plus simulated time after it", () => {
    expect(get("tCoverage50")).toMatchObject({ status: "REACHED", clock: "RESPONSE", value: 40 * MIN + 10 * 24 * MIN });
    expect(get("tCoverage90").value).toBe(40 * MIN + 20 * 24 * MIN);
    const m95 = get("tCoverage95");
    expect(m95).toMatchObject({ status: "REACHED", value: 40 * MIN + 30 * 24 * MIN, target: 24 * H, met: true });
    expect(m95.targetSource).toBe("Priority policy: Emergency target time frame (24 h), the scenario's priority");
    expect(m95.stop).toMatchObject({ type: "COVERAGE_SAMPLE", label: "Coverage 96 %", at: at(70) });
    expect(get("tCoverage50").target).toBeNull();
  });

  it("out-of-band completion is counted at T0 + 24 h simulated (drill minute 60 at × 24)", () => {
    expect(get("oobInfraCompletion")).toMatchObject({ status: "REACHED", value: 50, target: 100, met: false });
    expect(get("oobInfraCompletion").stop).toMatchObject({ type: "OOB_CUTOFF", at: at(60) });
    expect(get("oobSlowLinkCompletion")).toMatchObject({ status: "REACHED", value: 80, target: 80, met: true });
    // 2 infra + 5 slow-link + 1 courier; closed by minute 60: 1 + 4 + 1.
    expect(get("oobCompletion")).toMatchObject({ status: "REACHED", value: 75, target: null, met: null });
  });

  it("processDeviations: none in a drill worked by the book", () => {
    expect(get("processDeviations")).toMatchObject({ status: "REACHED", value: 0, target: 0, met: true });
  });

  it("formulas name their events", () => {
    expect(get("tInitialPriority").formula).toBe("first PRIORITY_SET (RFC submitted) − T0");
    expect(get("tCoverage95").formula).toBe(
      "(advertised − T0) + (first coverage sample ≥ 95 % − advertised) × timeScale",
    );
  });
});

describe("computeDrillMetrics — stops that never happened", () => {
  const stalled = (): DrillMetricsInput => ({
    scenario: release,
    timeline: [
      ev(0, "DRILL_STARTED"),
      ack(2, "lead", "ERT_LEAD"),
      caseStep(15, "submitRfc", "IDENTIFYING", "RFC_SUBMITTED"),
      ev(15, "PRIORITY_SET", { priority: "EMERGENCY" }),
    ],
    startedAt: T0,
    endedAt: at(90),
    now: at(200),
    coverage: [],
    participants,
  });

  it("is NOT_REACHED with value null — never 0", () => {
    for (const key of [
      "tAssemble",
      "tSourceVerified",
      "tPriorityConfirmed",
      "tPackageBuilt",
      "tCoreTestPass",
      "tAdvertised",
      "tCoverage50",
      "tCoverage90",
      "tCoverage95",
    ] as const) {
      const m = metric(stalled(), key);
      expect(m.status, key).toBe("NOT_REACHED");
      expect(m.value, key).toBeNull();
      expect(m.stop, key).toBeNull();
    }
    expect(metric(stalled(), "tInitialPriority")).toMatchObject({ status: "REACHED", value: 15 * MIN });
  });

  it("says which acknowledgement is missing from the quorum", () => {
    expect(metric(stalled(), "tAssemble")).toMatchObject({
      met: false, // 90 min > 1 h target
      note: "The ERT quorum did not assemble by the end of the drill: no acknowledgement from SMS administrator, Security.",
    });
  });

  it("is a miss once the window passed the target, undecided before", () => {
    // 75 min since the RFC > 1 h target.
    expect(metric(stalled(), "tPriorityConfirmed")).toMatchObject({ met: false, target: 1 * H });
    // 90 min < 8 h target: the drill ended too soon to tell.
    expect(metric(stalled(), "tAdvertised")).toMatchObject({ met: null, target: 8 * H });
    expect(metric(stalled(), "tCoverage95")).toMatchObject({
      met: null,
      note: "Coverage did not reach 95 % by the end of the drill (no coverage samples).",
    });
  });

  it("a metric whose start never happened says so", () => {
    expect(metric(stalled(), "tPackageBuilt")).toMatchObject({
      status: "NOT_REACHED",
      start: null,
      met: null,
      note: "Never started: first PRIORITY_CONFIRMED did not happen by the end of the drill.",
    });
  });

  it("reports the highest coverage seen when 95 % was not reached", () => {
    const m = metric(
      {
        ...stalled(),
        coverage: [
          { at: at(60), pct: 40 },
          { at: at(80), pct: 87.26 },
        ],
      },
      "tCoverage95",
    );
    expect(m.note).toBe("Coverage did not reach 95 % by the end of the drill; the highest was 87.3 %.");
  });

  it("a core test never passing leaves tCoreTestPass unreached", () => {
    const input = fullInput();
    // The machine refuses acceptRelease while a CORE test has not passed: it never happens either.
    input.timeline = input.timeline.filter(
      (e) =>
        !(e.type === "TEST_RECORDED" && e.at === at(36)) &&
        (e.payload as { action?: string } | undefined)?.action !== "acceptRelease",
    );
    expect(metric(input, "tCoreTestPass")).toMatchObject({ status: "NOT_REACHED", value: null });
  });

  it("no core test recorded says so", () => {
    const input = fullInput();
    input.timeline = input.timeline.filter(
      (e) => e.type !== "TEST_RECORDED" && (e.payload as { action?: string } | undefined)?.action !== "acceptRelease",
    );
    expect(metric(input, "tCoreTestPass").note).toBe("No core-functionality test was recorded.");
  });

  it("events after the drill ended, or before T0, do not count", () => {
    const m = metric(
      {
        ...stalled(),
        timeline: [
          ...stalled().timeline,
          ev(-10, "CASE_TRANSITION", { action: "verifySource" }),
          ev(95, "PRIORITY_CONFIRMED", { priority: "EMERGENCY" }),
        ],
      },
      "tPriorityConfirmed",
    );
    expect(m.status).toBe("NOT_REACHED");
    expect(
      metric({ ...stalled(), timeline: [ev(-10, "CASE_TRANSITION", { action: "verifySource" })] }, "tSourceVerified")
        .status,
    ).toBe("NOT_REACHED");
  });

  it("while the drill runs, `now` is the horizon and the note says 'yet'", () => {
    const m = metric({ ...stalled(), endedAt: null, now: at(30) }, "tAdvertised");
    expect(m.note).toMatch(/^Not reached yet: /);
  });

  it("out-of-band completion before T0 + 24 h simulated is not reached, with the figure so far", () => {
    const m = metric(fullInput({ endedAt: at(45) }), "oobSlowLinkCompletion");
    expect(m).toMatchObject({ status: "NOT_REACHED", value: null, met: null });
    expect(m.note).toBe(
      "The drill ended at T0 + 18 h simulated, before T0 + 24 h; 20 % of 5 tasks were closed by then.",
    );
  });

  it("closed tasks without a completion time are not counted as closed in time", () => {
    const m = metric(fullInput({ oobTasks: [task("INFRA_SERVER_MANUAL", null, "DONE")] }), "oobInfraCompletion");
    expect(m).toMatchObject({ status: "REACHED", value: 0, met: false });
  });

  it("without tasks of a kind the out-of-band metric does not apply", () => {
    expect(metric(fullInput({ oobTasks: [] }), "oobInfraCompletion")).toMatchObject({
      status: "NOT_APPLICABLE",
      value: null,
      note: "No out-of-band tasks of these kinds in this drill.",
    });
  });

  it("unmeasured distribution and install status do not apply; no install yet is not reached", () => {
    expect(metric(fullInput({ distribution: undefined }), "tDpsReady90").status).toBe("NOT_APPLICABLE");
    expect(metric(fullInput({ firstSuccessAt: undefined }), "tFirstSuccess").status).toBe("NOT_APPLICABLE");
    expect(metric(fullInput({ firstSuccessAt: null }), "tFirstSuccess")).toMatchObject({
      status: "NOT_REACHED",
      value: null,
    });
  });
});

describe("computeDrillMetrics — pauses and policy", () => {
  it("paused time counts on no clock", () => {
    const input = fullInput({
      pauses: [{ from: at(41), to: at(51) }],
      coverage: [{ at: at(80), pct: 95 }],
    });
    // advertised at drill 40; the 95 % sample at wall 80 = drill 70 → 40 + 30 × 24.
    expect(metric(input, "tCoverage95").value).toBe(40 * MIN + 30 * 24 * MIN);
    expect(metric(input, "tCoverage95").stop?.drillMs).toBe(70 * MIN);
    // A pause before the quorum.
    const asm = metric(fullInput({ pauses: [{ from: at(1), to: at(3) }] }), "tAssemble");
    expect(asm.value).toBe(4 * MIN);
  });

  it("the 95 % target follows the policy of the scenario's priority", () => {
    const policy = { ...DEFAULT_PRIORITY_POLICY, EMERGENCY: { ...DEFAULT_PRIORITY_POLICY.EMERGENCY, targetHours: 12 } };
    expect(metric(fullInput({ policy }), "tCoverage95")).toMatchObject({ target: 12 * H, met: false });
  });

  it("a drill-specific time scale overrides the scenario's", () => {
    expect(metric(fullInput({ timeScale: 12 }), "tDpsReady90").value).toBe(5 * 12 * MIN);
  });

  it("a seat taken by responseRole counts even when the plan says otherwise", () => {
    const input = fullInput({ participants: [] });
    input.timeline = [
      ev(0, "DRILL_STARTED"),
      ack(1, "x", "ERT_LEAD"),
      ack(2, "y", "SMS_ADMIN"),
      ack(9, "z", "SECURITY"),
    ];
    expect(metric(input, "tAssemble").value).toBe(9 * MIN);
  });
});

describe("computeDrillMetrics — bad-update rollback", () => {
  const base = (): DrillMetricsInput => ({
    scenario: rollback,
    timeline: [
      ev(0, "DRILL_STARTED"),
      ev(5, "DRILL_INJECT_FIRED", { injectId: "installs-failing", kind: "INSTALLS_FAILING" }),
      ev(17, "HALTED", { reason: "Machines fail after restart", alsoDisableAdvertisement: true, automaticRule: null }),
      caseStep(20, "startRollback", "HALTED", "ROLLING_BACK"),
      ev(50, "ROLLBACK_READY", { packageId: "CEN00042", advertisementId: "CEN20042", targeting: "APPLIED_ONLY" }),
    ],
    startedAt: T0,
    endedAt: at(60),
    now: at(60),
    coverage: [],
  });

  it("tHalt: INSTALLS_FAILING inject → HALTED; tRollbackReady: startRollback → ROLLBACK_READY", () => {
    expect(metric(base(), "tHalt")).toMatchObject({ status: "REACHED", value: 12 * MIN, target: 30 * MIN, met: true });
    expect(metric(base(), "tHalt").start).toMatchObject({ type: "DRILL_INJECT_FIRED", at: at(5) });
    expect(metric(base(), "tRollbackReady")).toMatchObject({
      status: "REACHED",
      value: 30 * MIN,
      target: 4 * H,
      met: true,
    });
    expect(metric(base(), "tCoverage95").status).toBe("NOT_APPLICABLE");
    expect(metric(base(), "tCoverage95").note).toBe("This scenario is not scored on this metric.");
  });

  it("never halted: NOT_REACHED, a miss after 30 minutes", () => {
    const input = base();
    input.timeline = input.timeline.filter((e) => e.type !== "HALTED");
    expect(metric(input, "tHalt")).toMatchObject({ status: "NOT_REACHED", value: null, met: false });
  });

  it("a halt before the failures were reported does not stop the clock", () => {
    const input = base();
    input.timeline = [ev(2, "HALTED", { reason: "Precaution for the test" }), ...input.timeline.slice(0, 2)];
    expect(metric(input, "tHalt").status).toBe("NOT_REACHED");
  });

  it("rollback never ready: NOT_REACHED; never decided: never started", () => {
    const input = base();
    input.timeline = input.timeline.filter((e) => e.type !== "ROLLBACK_READY");
    expect(metric(input, "tRollbackReady")).toMatchObject({ status: "NOT_REACHED", value: null, met: null });
    input.timeline = input.timeline.filter((e) => e.type !== "CASE_TRANSITION");
    expect(metric(input, "tRollbackReady")).toMatchObject({ status: "NOT_REACHED", start: null });
  });
});

describe("computeDrillMetrics — halts from the halt records (tHalt, domain.md §7)", () => {
  const base = (over: Partial<DrillMetricsInput> = {}): DrillMetricsInput => ({
    scenario: rollback,
    // No HALTED event at all: a halt of an advertisement with no case writes none.
    timeline: [
      ev(0, "DRILL_STARTED"),
      ev(5, "DRILL_INJECT_FIRED", { injectId: "installs-failing", kind: "INSTALLS_FAILING" }),
    ],
    startedAt: T0,
    endedAt: at(60),
    now: at(60),
    coverage: [],
    ...over,
  });

  it("a caseless halt stops the clock at the halt record, and says a person halted", () => {
    const m = metric(
      base({ halts: [{ advertisementId: "CEN20001", haltedAt: at(15), automaticRule: null, haltedBy: "sms-admin" }] }),
      "tHalt",
    );
    expect(m).toMatchObject({ status: "REACHED", value: 10 * MIN, met: true, haltedBy: "PERSON" });
    expect(m.stop).toMatchObject({ type: "HALTED", at: at(15) });
    expect(m.note).toBe("Halted by a person (sms-admin).");
  });

  it("counts to the last 10005 received after the halt, and flags the automatic rule", () => {
    const rule = "Halt rule of CEN20001: 12 of 30 installs failed (40 % ≥ 25 %, sample ≥ 20)";
    const m = metric(
      base({
        halts: [
          {
            advertisementId: "CEN20001",
            haltedAt: at(9),
            automaticRule: rule,
            lastStartAfterHaltAt: at(14),
            startsAfterHalt: 3,
          },
        ],
      }),
      "tHalt",
    );
    expect(m).toMatchObject({ status: "REACHED", value: 9 * MIN, haltedBy: "AUTOMATIC_RULE" });
    expect(m.stop).toMatchObject({ type: "PROGRAM_STARTED", at: at(14) });
    expect(m.note).toBe(
      `Halted by the automatic halt rule, not a person: ${rule}. 3 program starts still arrived after the program was disabled; the halt counts from the last one.`,
    );
  });

  it("a halt before the failures, or after the end, does not count", () => {
    const halts = [
      { advertisementId: "A", haltedAt: at(2), automaticRule: null },
      { advertisementId: "B", haltedAt: at(70), automaticRule: null },
    ];
    expect(metric(base({ halts }), "tHalt")).toMatchObject({ status: "NOT_REACHED", haltedBy: null });
  });
});

describe("computeDrillMetrics — coverage, distribution and core tests as the sandbox reports them", () => {
  const noDeployment = () =>
    fullTimeline().filter((e) => (e.payload as { action?: string }).action !== "startDeployment");

  it("without a startDeployment, the first time an advertisement of the update became active is 'advertised'", () => {
    const input = fullInput({
      timeline: noDeployment(),
      advertisedAt: at(40),
      coverage: [
        { at: at(40), pct: 0 },
        { at: at(50), pct: 96 },
      ],
    });
    // 40 drill minutes, then 10 drill minutes × 24 simulated.
    expect(metric(input, "tCoverage95")).toMatchObject({ status: "REACHED", value: 40 * MIN + 10 * 24 * MIN });
    expect(metric(input, "tAdvertised").status).toBe("NOT_REACHED");
    // Without it the whole response is drill time.
    expect(metric({ ...input, advertisedAt: null }, "tCoverage95").value).toBe(50 * MIN);
  });

  it("a sample holds until the next one: DPs ready before testing began count from the package built", () => {
    const m = metric(fullInput({ distribution: [{ at: at(25), pct: 100 }] }), "tDpsReady90");
    expect(m).toMatchObject({ status: "REACHED", value: 0 });
    expect(m.stop).toMatchObject({ at: at(30) });
  });

  it("a CORE test of the case never run keeps tCoreTestPass open until the release is accepted", () => {
    const withoutAccept = fullTimeline().filter((e) => (e.payload as { action?: string }).action !== "acceptRelease");
    const stored = ["core-1", "core-2", "core-3"];
    expect(metric(fullInput({ timeline: withoutAccept, coreTestIds: stored }), "tCoreTestPass")).toMatchObject({
      status: "NOT_REACHED",
    });
    // Only the recorded ones: all passed at minute 36.
    expect(metric(fullInput({ timeline: withoutAccept }), "tCoreTestPass").value).toBe(6 * MIN);
    // acceptRelease (gate G5 needs the CORE tests passed) stops it.
    const accepted = metric(fullInput({ coreTestIds: stored }), "tCoreTestPass");
    expect(accepted).toMatchObject({ status: "REACHED", value: 8 * MIN });
    expect(accepted.stop).toMatchObject({ type: "CASE_TRANSITION", at: at(38) });
  });

  it("the 95 % target comes from the policy given", () => {
    const policy = { ...DEFAULT_PRIORITY_POLICY, EMERGENCY: { ...DEFAULT_PRIORITY_POLICY.EMERGENCY, targetHours: 12 } };
    expect(metric(fullInput({ policy }), "tCoverage95")).toMatchObject({ target: 12 * H });
  });
});
