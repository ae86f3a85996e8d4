import { describe, expect, it } from "vitest";
import { OutOfBandTaskSchema, coverageWithOob, oobTransitions, transitionOobTask, type OutOfBandTask } from "./oob.js";

const NOW = "2026-03-10T12:00:00Z";
const task = (over: Partial<OutOfBandTask> = {}): OutOfBandTask => ({
  kind: "SLOW_LINK_CLIENT",
  targetRef: { type: "COMPUTER", id: "42", label: "LAPTOP42" },
  method: "BRING_TO_OFFICE",
  ownerId: null,
  state: "OPEN",
  dueAt: "2026-03-11T09:00:00Z",
  reason: "Dial-up",
  evidence: null,
  ...over,
});

const ok = <T>(r: { ok: true; next: T } | { ok: false; reason: string }): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.next;
};

describe("out-of-band task machine", () => {
  it("OPEN → ASSIGNED → IN_PROGRESS → DONE with evidence", () => {
    const assigned = ok(transitionOobTask(task(), { to: "ASSIGNED", ownerId: "u-1" }, NOW));
    expect(assigned).toMatchObject({ state: "ASSIGNED", ownerId: "u-1" });
    const working = ok(transitionOobTask(assigned, { to: "IN_PROGRESS", method: "VPN" }, NOW));
    expect(working).toMatchObject({ state: "IN_PROGRESS", method: "VPN", ownerId: "u-1" });
    const noEvidence = transitionOobTask(working, { to: "DONE" }, NOW);
    expect(noEvidence).toEqual({
      ok: false,
      reason: "Describe the evidence that the task is done (what was installed, where, how it was checked).",
    });
    const done = ok(
      transitionOobTask(
        working,
        { to: "DONE", evidence: "Installed in the Leeds office, KB835732 listed in Add/Remove" },
        NOW,
      ),
    );
    expect(done).toMatchObject({ state: "DONE", completedAt: "2026-03-10T12:00:00.000Z" });
    expect(OutOfBandTaskSchema.safeParse(done).success).toBe(true);
    expect(transitionOobTask(done, { to: "OPEN" }, NOW)).toEqual({
      ok: false,
      reason: "The task is already done; it cannot change any more.",
    });
  });

  it("an owner is needed to assign or start; unassigning clears it", () => {
    expect(transitionOobTask(task(), { to: "IN_PROGRESS" }, NOW)).toEqual({
      ok: false,
      reason: "Choose who owns the task first.",
    });
    const started = ok(transitionOobTask(task(), { to: "IN_PROGRESS", ownerId: "u-2" }, NOW));
    const back = ok(transitionOobTask(ok(transitionOobTask(started, { to: "ASSIGNED" }, NOW)), { to: "OPEN" }, NOW));
    expect(back).toMatchObject({ state: "OPEN", ownerId: null });
  });

  it("FAILED and NOT_NEEDED need a note; a failed task can be retried", () => {
    const working = task({ state: "IN_PROGRESS", ownerId: "u-1" });
    expect(transitionOobTask(working, { to: "FAILED" }, NOW)).toEqual({
      ok: false,
      reason: "Say why the task failed.",
    });
    const failed = ok(transitionOobTask(working, { to: "FAILED", note: "User on leave until Monday" }, NOW));
    expect(failed).toMatchObject({ state: "FAILED", outcomeNote: "User on leave until Monday", completedAt: null });
    const retry = ok(transitionOobTask(failed, { to: "ASSIGNED", ownerId: "u-3", method: "CD" }, NOW));
    expect(retry).toMatchObject({ state: "ASSIGNED", ownerId: "u-3", method: "CD" });
    expect(transitionOobTask(task(), { to: "NOT_NEEDED" }, NOW)).toEqual({
      ok: false,
      reason: "Say why the task is not needed.",
    });
    expect(ok(transitionOobTask(task(), { to: "NOT_NEEDED", note: "Laptop retired last week" }, NOW)).state).toBe(
      "NOT_NEEDED",
    );
  });

  it("refuses moves the machine does not have", () => {
    expect(transitionOobTask(task(), { to: "DONE", evidence: "Installed by hand" }, NOW)).toEqual({
      ok: false,
      reason: "A task that is open cannot become done.",
    });
    expect(transitionOobTask(task(), { to: "FAILED", note: "whatever" }, NOW).ok).toBe(false);
    expect(oobTransitions.DONE).toEqual([]);
    expect(oobTransitions.NOT_NEEDED).toEqual([]);
  });

  it("the schema checks the target type of the kind and the evidence of a DONE task", () => {
    const msgs = (x: unknown) => (OutOfBandTaskSchema.safeParse(x).error?.issues ?? []).map((i) => i.message);
    expect(msgs(task({ kind: "COURIER_PARCEL" }))).toEqual(["A Send package by courier parcel task targets a site"]);
    expect(msgs(task({ state: "DONE", ownerId: "u", evidence: "" }))).toEqual([
      "Describe the evidence that the task is done",
    ]);
    expect(msgs(task({ state: "ASSIGNED" }))).toEqual(["Choose who owns the task"]);
  });
});

describe("coverageWithOob", () => {
  it("folds DONE machine tasks into coverage, once per machine, ignoring site tasks and machines out of scope", () => {
    const tasks = [
      task({ targetRef: { type: "COMPUTER", id: "3" }, state: "DONE", ownerId: "u", evidence: "Installed from CD" }),
      task({ targetRef: { type: "COMPUTER", id: "3" }, state: "DONE", ownerId: "u", evidence: "Installed again" }),
      task({ targetRef: { type: "COMPUTER", id: "1" }, state: "DONE", ownerId: "u", evidence: "Already compliant" }),
      task({
        kind: "INFRA_SERVER_MANUAL",
        targetRef: { type: "COMPUTER", id: "4" },
        state: "DONE",
        ownerId: "u",
        evidence: "Console logon",
      }),
      task({ targetRef: { type: "COMPUTER", id: "5" }, state: "IN_PROGRESS", ownerId: "u" }),
      task({ targetRef: { type: "COMPUTER", id: "6" }, state: "NOT_NEEDED" }),
      task({
        kind: "COURIER_PARCEL",
        targetRef: { type: "SITE", id: "BR1" },
        state: "DONE",
        ownerId: "u",
        evidence: "Parcel received",
      }),
      task({ targetRef: { type: "COMPUTER", id: "99" }, state: "DONE", ownerId: "u", evidence: "Not a target" }),
    ];
    const c = coverageWithOob({
      targetResourceIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      compliantResourceIds: [1, 2, 99],
      tasks,
    });
    expect(c).toEqual({ targets: 10, byStatus: 2, byOob: 2, covered: 4, coveragePct: 40, oobOpen: 1 });
    expect(coverageWithOob({ targetResourceIds: [], compliantResourceIds: [], tasks: [] }).coveragePct).toBe(0);
    const rollback = coverageWithOob({
      targetResourceIds: [1, 2],
      compliantResourceIds: [],
      tasks: [
        task({
          kind: "ROLLBACK_UNREACHABLE",
          targetRef: { type: "COMPUTER", id: "2" },
          state: "DONE",
          ownerId: "u",
          evidence: "Removed by hand",
        }),
      ],
      kinds: ["ROLLBACK_UNREACHABLE"],
    });
    expect(rollback.covered).toBe(1);
  });
});
