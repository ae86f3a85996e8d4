import { describe, expect, it } from "vitest";
import { SoftwareUpdateSchema } from "../process/updates.js";
import { AdvertFlags } from "../sms/flags.js";
import {
  BAD_UPDATE_ROLLBACK_SCENARIO,
  EMERGENCY_RELEASE_SCENARIO,
  WORM_OUTBREAK_SCENARIO,
} from "./built-in-scenarios.js";
import { computeDrillMetrics } from "./drill-metrics.js";
import { drillReleaseCase, scenarioCatalogUpdate } from "./release-case.js";
import { parseDrillScenario } from "./scenario.js";

const T0 = "2026-03-10T09:00:00.000Z";
const since = "2026-03-10T01:00:00.000Z";
const rollback = parseDrillScenario(BAD_UPDATE_ROLLBACK_SCENARIO);
const advertisement = {
  advertisementId: "CEN20001",
  advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
  remoteClientFlags: 0x50,
  assignedSchedule: [{ startTime: since }],
  assignedScheduleEnabled: true,
};

describe("the scenario's release case", () => {
  it("a mid-deployment scenario's case is DEPLOYING through the real case machine, its history before T0", () => {
    const c = drillReleaseCase({
      scenario: rollback,
      since,
      actorUserId: "ump",
      packageId: "CEN00001",
      advertisement,
      coreTestId: "t-1",
    });
    expect(c?.record).toMatchObject({
      status: "DEPLOYING",
      packageId: "CEN00001",
      advertisementId: "CEN20001",
      priorityConfirmation: expect.objectContaining({ finalPriority: "EMERGENCY" }),
    });
    expect(c?.tests).toEqual([expect.objectContaining({ id: "t-1", scope: "CORE", result: "PASSED" })]);
    expect(c?.events.length).toBeGreaterThan(5);
    for (const e of c?.events ?? []) expect(Date.parse(e.at)).toBeLessThan(Date.parse(T0));
    // Dated before T0, the history never moves a metric of the drill.
    const metrics = computeDrillMetrics({
      scenario: rollback,
      timeline: [{ type: "DRILL_STARTED", at: T0 }, ...(c?.events ?? [])],
      startedAt: T0,
      endedAt: "2026-03-10T10:00:00.000Z",
      now: "2026-03-10T10:00:00.000Z",
      coverage: [],
    });
    expect(metrics.find((m) => m.key === "processDeviations")?.value).toBe(0);
  });

  it("a triage scenario starts DETECTED, or without a case", () => {
    const detected = drillReleaseCase({
      scenario: parseDrillScenario(EMERGENCY_RELEASE_SCENARIO),
      since,
      actorUserId: "u",
    });
    expect(detected).toMatchObject({ record: { status: "DETECTED" }, events: [], tests: [] });
    expect(
      drillReleaseCase({ scenario: parseDrillScenario(WORM_OUTBREAK_SCENARIO), since, actorUserId: "u" }),
    ).toBeNull();
  });

  it("the catalogue entry is a valid software update for the scenario's KB", () => {
    const u = scenarioCatalogUpdate(rollback, T0);
    expect(SoftwareUpdateSchema.parse(u)).toMatchObject({ kbNumber: "KB899588", bulletinId: "MS05-039" });
  });
});
