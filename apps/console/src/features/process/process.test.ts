import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { slaClockAt } from "../../../test/process-fixtures";
import { permissionReason } from "./process-access";
import { describeRefusal } from "./refusal";
import { liveSlaClock, slaWords } from "./sla-view";

const HOUR = 3_600_000;

describe("SLA clock on the screen", () => {
  it("moves the API's clock on to now, changing state at the at-risk, target and maximum instants", () => {
    const clock = slaClockAt(1);
    const start = Date.parse(clock.startedAt);
    expect(liveSlaClock(clock, start + 17 * HOUR).state).toBe("ON_TRACK");
    expect(liveSlaClock(clock, start + 19 * HOUR).state).toBe("AT_RISK");
    expect(liveSlaClock(clock, start + 25 * HOUR).state).toBe("TARGET_MISSED");
    expect(liveSlaClock(clock, start + 337 * HOUR).state).toBe("BREACHED");
    expect(liveSlaClock({ ...clock, closed: true, state: "MET" }, start + 400 * HOUR).state).toBe("MET");
  });

  it("says the state and both deadlines in words", () => {
    const clock = slaClockAt(1);
    const start = Date.parse(clock.startedAt);
    expect(slaWords(liveSlaClock(clock, start + 20 * HOUR))).toEqual({
      state: "At risk",
      target: "4 h left to target",
      max: "13 d 4 h left to the maximum",
    });
    expect(slaWords(liveSlaClock(clock, start + 26 * HOUR))).toMatchObject({
      state: "Target missed",
      target: "target missed 2 h ago",
    });
    expect(slaWords(liveSlaClock(clock, start + 338 * HOUR)).max).toBe("maximum passed 2 h ago");
  });
});

describe("refusals", () => {
  it("names the unmet gate of a 409", () => {
    const error = new ApiError({
      status: 409,
      code: "ILLEGAL_TRANSITION",
      message: "G4 Priority confirmed is not met: confirm the priority before deferring.",
    });
    expect(describeRefusal(error)).toEqual({
      gate: "G4",
      title: "G4 Priority confirmed is not met",
      message: "Confirm the priority before deferring.",
    });
  });

  it("keeps other conflicts' messages, and ignores other errors", () => {
    const conflict = new ApiError({
      status: 409,
      code: "CONFLICT",
      message: "The case already belongs to an emergency.",
    });
    expect(describeRefusal(conflict)).toMatchObject({
      gate: null,
      message: "The case already belongs to an emergency.",
    });
    expect(describeRefusal(new ApiError({ status: 403, code: "FORBIDDEN", message: "no" }))).toBeNull();
  });

  it("explains a missing permission like the API, mentioning grants where they help", () => {
    expect(permissionReason("Halt deployment", "OBSERVER", "haltRelease")).toBe(
      "Halt deployment needs the ERT lead or SMS administrator role, or an active emergency-authority grant; your role is Observer / auditor.",
    );
    expect(permissionReason("Triage", "MANAGER", "triageUpdates")).toBe(
      "Triage needs the ERT lead or ERT member / patch team role; your role is Manager.",
    );
  });
});
