import { describe, expect, it } from "vitest";
import { AdvertFlags } from "../sms/flags.js";
import { BAD_UPDATE_ROLLBACK_SCENARIO, EMERGENCY_RELEASE_SCENARIO } from "./built-in-scenarios.js";
import { detectDeviations, type DeviationInput } from "./deviations.js";
import type { TimelineEventLike } from "./drill-timeline.js";
import { parseDrillScenario } from "./scenario.js";

const T0 = "2026-03-10T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const release = parseDrillScenario(EMERGENCY_RELEASE_SCENARIO);
const rollback = parseDrillScenario(BAD_UPDATE_ROLLBACK_SCENARIO);

const ev = (minute: number, type: string, payload: Record<string, unknown> = {}): TimelineEventLike => ({
  at: at(minute),
  type,
  actorId: "u",
  payload,
});
const step = (minute: number, action: string) => ev(minute, "CASE_TRANSITION", { action });
const test = (minute: number, testId: string, result: string, scope = "FULL") =>
  ev(minute, "TEST_RECORDED", { testId, name: `Test ${testId}`, scope, result });

const ONSLOWNET = AdvertFlags.encode({ flags: { ONSLOWNET: true, IMMEDIATE: true } });
const NOT_ON_SLOW = AdvertFlags.encode({ flags: { IMMEDIATE: true } });

/** Worked by the book: no deviation. */
const clean = (): TimelineEventLike[] => [
  ev(15, "PRIORITY_SET", { priority: "EMERGENCY" }),
  ev(20, "PRIORITY_CONFIRMED", { priority: "EMERGENCY" }),
  test(33, "core-1", "PASSED", "CORE"),
  test(34, "full-1", "PENDING"),
  ev(36, "REDUCED_TESTING_ACCEPTED", { openTestIds: ["full-1"], rationale: "Worm" }),
  ev(37, "CHECKLIST_APPLIED", { applied: ["MANDATORY_ON_SLOW_LINKS"], declined: [] }),
  ev(37, "ADVERTISEMENT_CHANGED", {
    advertisementId: "CEN20001",
    before: { advertFlags: NOT_ON_SLOW },
    after: { advertFlags: ONSLOWNET },
  }),
  step(40, "startDeployment"),
  test(70, "full-1", "PASSED"),
];

const input = (timeline: TimelineEventLike[], over: Partial<DeviationInput> = {}): DeviationInput => ({
  scenario: release,
  timeline,
  startedAt: T0,
  endedAt: at(90),
  now: at(90),
  ...over,
});
const codes = (i: DeviationInput) => detectDeviations(i).map((d) => d.code);

describe("detectDeviations", () => {
  it("finds nothing in a drill worked by the book", () => {
    expect(detectDeviations(input(clean()))).toEqual([]);
  });

  it("priority never confirmed, with when the RFC went in", () => {
    const [d] = detectDeviations(input(clean().filter((e) => e.type !== "PRIORITY_CONFIRMED")));
    expect(d).toEqual({
      code: "PRIORITY_NEVER_CONFIRMED",
      severity: "MAJOR",
      title: "Priority never confirmed",
      message:
        "The RFC was submitted at minute 15 with an initial Emergency priority, but nobody confirmed the priority in Evaluate & Plan.",
      at: at(15),
    });
  });

  it("no RFC at all is also a priority never confirmed, without a time", () => {
    const ds = detectDeviations(input([]));
    expect(ds).toEqual([
      expect.objectContaining({
        code: "PRIORITY_NEVER_CONFIRMED",
        message: "No RFC was submitted, so the priority was neither set nor confirmed.",
        at: null,
      }),
    ]);
  });

  it("is not asked of a scenario without priority work", () => {
    expect(codes(input([], { scenario: rollback }))).toEqual([]);
  });

  it("priority confirmed lower than the scenario calls for", () => {
    const t = clean().map((e) =>
      e.type === "PRIORITY_CONFIRMED" ? ev(20, "PRIORITY_CONFIRMED", { priority: "HIGH" }) : e,
    );
    const d = detectDeviations(input(t)).find((x) => x.code === "PRIORITY_BELOW_SCENARIO");
    expect(d?.message).toBe(
      "The priority was confirmed as High at minute 20; this scenario calls for Emergency, with its shorter time frame.",
    );
  });

  it("tests not passed at deployment without reduced-testing acceptance", () => {
    const t = clean().filter((e) => e.type !== "REDUCED_TESTING_ACCEPTED");
    const d = detectDeviations(input(t)).find((x) => x.code === "TESTS_SKIPPED_WITHOUT_ACCEPTANCE");
    expect(d).toMatchObject({
      severity: "MAJOR",
      message: "A test was skipped or not passed (Test full-1) without the ERT lead accepting reduced testing first.",
      at: at(40),
    });
  });

  it("a test recorded as SKIPPED before any acceptance", () => {
    const t = [...clean(), test(30, "full-2", "SKIPPED")];
    const d = detectDeviations(input(t)).find((x) => x.code === "TESTS_SKIPPED_WITHOUT_ACCEPTANCE");
    expect(d?.at).toBe(at(30));
    // After the acceptance a skip is the accepted risk.
    expect(codes(input([...clean(), test(50, "full-2", "SKIPPED")]))).not.toContain("TESTS_SKIPPED_WITHOUT_ACCEPTANCE");
  });

  it("deployment before (or without) the emergency checklist", () => {
    const none = detectDeviations(input(clean().filter((e) => e.type !== "CHECKLIST_APPLIED")));
    expect(none.find((d) => d.code === "CHECKLIST_NOT_APPLIED")?.message).toBe(
      "The deployment started at minute 40 and the emergency checklist was never applied.",
    );
    const late = clean().map((e) => (e.type === "CHECKLIST_APPLIED" ? { ...e, at: at(45) } : e));
    expect(detectDeviations(input(late)).find((d) => d.code === "CHECKLIST_NOT_APPLIED")?.message).toBe(
      "The deployment started at minute 40, before the emergency checklist was applied at minute 45.",
    );
  });

  it("slow-link box left checked: the checklist item declined", () => {
    const t = [
      ...clean(),
      ev(37, "CHECKLIST_ITEM_DECLINED", { key: "MANDATORY_ON_SLOW_LINKS", reason: "Dial-up users complained" }),
    ];
    const d = detectDeviations(input(t)).find((x) => x.code === "SLOW_LINK_BOX_LEFT_CHECKED");
    expect(d?.message).toBe(
      '"Assignments are not mandatory over slow links" stayed checked on an emergency advertisement: the checklist item "Make the advertisement mandatory, also over slow links" was declined ("Dial-up users complained"). Clients on slow links are not forced to install.',
    );
  });

  it("slow-link box left checked: the advertisement's last recorded flags, or the caller's snapshot", () => {
    const edited = [
      ...clean(),
      ev(55, "ADVERTISEMENT_CHANGED", {
        advertisementId: "CEN20001",
        before: { advertFlags: ONSLOWNET },
        after: { advertFlags: NOT_ON_SLOW },
      }),
    ];
    const d = detectDeviations(input(edited)).find((x) => x.code === "SLOW_LINK_BOX_LEFT_CHECKED");
    expect(d).toMatchObject({ at: at(55) });
    expect(d?.message).toContain("advertisement CEN20001 is not mandatory over slow links");
    const snapshot = { advertisementId: "CEN20001", advertFlags: NOT_ON_SLOW, remoteClientFlags: 0 };
    expect(codes(input(clean(), { advertisements: [snapshot] }))).toEqual(["SLOW_LINK_BOX_LEFT_CHECKED"]);
    // The snapshot wins over an older recorded change.
    expect(codes(input(edited, { advertisements: [{ ...snapshot, advertFlags: ONSLOWNET }] }))).toEqual([]);
  });

  it("a manual halt without a usable reason; automatic halts are exempt", () => {
    const t = [
      ...clean(),
      ev(60, "HALTED", { reason: "n/a", automaticRule: null }),
      ev(61, "HALTED", { reason: "", automaticRule: "failure-rate" }),
      ev(62, "HALTED", { reason: "Installs fail in Boston", automaticRule: null }),
    ];
    const ds = detectDeviations(input(t)).filter((d) => d.code === "HALT_WITHOUT_REASON");
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({
      severity: "MINOR",
      message: 'The deployment was halted at minute 60 without a usable reason ("n/a"); the review cannot tell why.',
    });
  });

  it("tests kept open by the reduced path never completed — judged once the drill has ended", () => {
    const t = clean().filter((e) => !(e.type === "TEST_RECORDED" && e.at === at(70)));
    expect(detectDeviations(input(t)).find((d) => d.code === "REDUCED_TESTS_NEVER_COMPLETED")?.message).toBe(
      "Reduced testing was accepted at minute 36, but the test kept open was never completed: Test full-1.",
    );
    expect(codes(input(t, { endedAt: null, now: at(60) }))).toEqual([]);
  });

  it("relaxed sender addresses not restored at the end", () => {
    const oobTasks = [
      { kind: "SENDER_RESTORE" as const, state: "OPEN" as const, targetRef: { id: "A1", label: "CEN → MIA" } },
      { kind: "SENDER_RESTORE" as const, state: "DONE" as const, targetRef: { id: "A2" } },
    ];
    expect(detectDeviations(input(clean(), { oobTasks }))).toEqual([
      expect.objectContaining({
        code: "SENDERS_NOT_RESTORED",
        severity: "MINOR",
        message: "A sender address relaxed for the emergency was not restored when the drill ended: CEN → MIA.",
        at: null,
      }),
    ]);
  });

  it("lists deviations in time order, absences last", () => {
    const t = clean()
      .filter((e) => e.type !== "CHECKLIST_APPLIED")
      .concat(ev(60, "HALTED", { reason: "x", automaticRule: null }));
    const oobTasks = [{ kind: "SENDER_RESTORE" as const, state: "OPEN" as const }];
    expect(codes(input(t, { oobTasks }))).toEqual([
      "CHECKLIST_NOT_APPLIED",
      "HALT_WITHOUT_REASON",
      "SENDERS_NOT_RESTORED",
    ]);
  });

  it("ignores events after the drill ended", () => {
    const t = [...clean(), ev(95, "HALTED", { reason: "", automaticRule: null })];
    expect(codes(input(t))).toEqual([]);
  });
});
