import { describe, expect, it } from "vitest";
import {
  AdvertFlags,
  BAD_UPDATE_ROLLBACK_SCENARIO,
  DEFAULT_PROGRAM_FLAGS,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  type DrillDetail,
  type DrillReportView,
  type WarRoom,
} from "@firebreak/domain";
import { buildTestApp, userWithRole, type Client } from "../../../test/helpers.js";
import { sasserUpdate } from "../../../test/process-fixture.js";
import type { DrillPlayer } from "./drills.player.js";

// The bad-update rollback scenario on a small sandbox. The drill's clock starts half an hour in
// the past, so what the other modules stamp with the real time (a halt) falls inside the drill;
// the player is driven by hand (no timers, no sleeping).
let clock = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};
let player: DrillPlayer | null = null;
const t = await buildTestApp({ drills: { now: () => clock, autoPlay: false, onPlayer: (p) => (player = p) } });
const tick = async (id: string) => {
  for (let i = 0; i < 50; i++) {
    const r = await player!.tick(id);
    if (!r || r.windows === 0) break;
  }
};

const umpire = await userWithRole(t, "ERT_LEAD");
const lead2 = await userWithRole(t, "ERT_LEAD");
const smsAdmin = await userWithRole(t, "SMS_ADMIN");
const security = await userWithRole(t, "ERT_MEMBER");
const member = await userWithRole(t, "ERT_MEMBER");
const manager = await userWithRole(t, "MANAGER");
const observer = await userWithRole(t, "OBSERVER");

const scenario = {
  ...BAD_UPDATE_ROLLBACK_SCENARIO,
  id: "test-rollback-small",
  name: "Bad update on a small fleet",
  fleet: { preset: "demo", seed: 5039, computers: 40, activeRelease: true },
};

const get = async <T>(client: Client, url: string): Promise<T> => {
  const res = await client.inject({ method: "GET", url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
};
const detail = (id: string) => get<DrillDetail>(umpire, `/api/drills/${id}`);
async function actOn(client: Client, d: { id: string; version: number }, payload: object) {
  return client.inject({
    method: "POST",
    url: `/api/drills/${d.id}/actions`,
    payload,
    headers: { "if-match": `W/"${d.version}"` },
  });
}

describe("a bad-update rollback drill", () => {
  let d: DrillDetail;
  let fleet: string;

  it("starts with the release case DEPLOYING in the drill's emergency, and the update in the catalogue", async () => {
    const before = await get<{ items: { record: { kbNumber: string } }[] }>(observer, "/api/updates");
    expect(before.items.map((u) => u.record.kbNumber)).not.toContain("KB899588");
    const planned = await umpire.inject({
      method: "POST",
      url: "/api/drills",
      payload: {
        scenarioId: scenario.id,
        scenario,
        title: "Rollback drill",
        scheduledStart: clock.toISOString(),
        umpireId: umpire.userId,
        participants: [
          { userId: lead2.userId, drillRole: "ERT_LEAD" },
          { userId: smsAdmin.userId, drillRole: "SMS_ADMIN" },
          { userId: security.userId, drillRole: "SECURITY" },
        ],
      },
    });
    expect(planned.statusCode, planned.body).toBe(201);
    const started = await actOn(umpire, planned.json<DrillDetail>(), { type: "start" });
    expect(started.statusCode, started.body).toBe(200);
    d = started.json<DrillDetail>();
    fleet = d.sandboxFleetId!;
    await tick(d.id);
    d = await detail(d.id);
    expect(d.sandbox).toMatchObject({ status: "READY" });

    const cases = await get<{ items: { id: string; status: string; emergencyId: string | null }[] }>(
      observer,
      `/api/cases?fleet=${fleet}`,
    );
    expect(cases.items).toEqual([expect.objectContaining({ status: "DEPLOYING", emergencyId: d.emergencyId })]);
    const room = await get<WarRoom>(observer, `/api/emergencies/${d.emergencyId}`);
    expect(room.cases.map((c) => c.id)).toEqual([cases.items[0]!.id]);
    // Its history (through startDeployment, with no checklist) is dated before T0: no deviation.
    const report = await get<DrillReportView>(umpire, `/api/drills/${d.id}/report`);
    expect(report.report.deviations).toEqual([]);

    // The scenario's update is reference data: recorded by the drill, taken over when a person records it.
    const after = await get<{ items: { record: { kbNumber: string } }[] }>(observer, "/api/updates");
    expect(after.items.map((u) => u.record.kbNumber)).toContain("KB899588");
    const recorded = await member.inject({
      method: "POST",
      url: "/api/updates",
      payload: { ...sasserUpdate, kbNumber: "KB899588", bulletinId: "MS05-039", title: "PnP update, as recorded" },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json().record.title).toBe("PnP update, as recorded");
    const again = await member.inject({
      method: "POST",
      url: "/api/updates",
      payload: { ...sasserUpdate, kbNumber: "KB899588", bulletinId: "MS05-039" },
    });
    expect(again.statusCode).toBe(409);
  });

  it("times the halt from the failures to the halt record, also for an advertisement with no case", async () => {
    // Minute 5: the player fires the INSTALLS_FAILING inject on schedule (the halt decision).
    advance(5);
    await tick(d.id);
    expect((await detail(d.id)).injects.find((i) => i.injectId === "installs-failing")).toMatchObject({
      status: "FIRED",
    });
    // A pilot advertisement with no case behind it.
    const base = `/api/fleets/${fleet}`;
    const pkg = {
      packageId: "CEN0D001",
      name: "KB899588 pilot",
      sourceVersion: 1,
      sizeKB: 512,
      sendingPriority: "HIGH",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: true,
      kind: "DEPLOY",
      updateIds: ["KB899588"],
    };
    const program = {
      packageId: "CEN0D001",
      programName: "Install KB899588",
      commandLine: "Windows2000-KB899588-x86-ENU.exe /quiet /norestart",
      programFlags: DEFAULT_PROGRAM_FLAGS,
      maxRunMinutes: 30,
      kind: "INSTALL",
      checksUpdatePresent: false,
    };
    const ad = {
      advertisementId: "CEN2D001",
      advertisementName: "KB899588 pilot",
      packageId: "CEN0D001",
      programName: "Install KB899588",
      collectionId: "CEN00010",
      includeSubCollection: true,
      presentTime: clock.toISOString(),
      expirationTime: null,
      assignedSchedule: [{ startTime: clock.toISOString() }],
      assignedScheduleEnabled: true,
      advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
      remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
      priority: 1,
    };
    for (const [url, payload] of [
      [`${base}/packages`, pkg],
      [`${base}/packages/CEN0D001/programs`, program],
      [`${base}/advertisements`, ad],
    ] as const) {
      const res = await smsAdmin.inject({ method: "POST", url, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
    }
    // The drill clock catches up with the real time the halts module stamps its halts with.
    advance(24);
    await tick(d.id);
    const halt = await smsAdmin.inject({
      method: "POST",
      url: `${base}/advertisements/CEN2D001/halt`,
      payload: { reason: "Pilot machines fail after the restart", alsoDisableAdvertisement: true },
    });
    expect(halt.statusCode, halt.body).toBe(200);
    const halts = await get<{ items: { advertisementId: string; haltedAt: string; automaticRule: string | null }[] }>(
      observer,
      `${base}/halts`,
    );
    const haltedAt = halts.items.find((h) => h.advertisementId === "CEN2D001")!.haltedAt;
    advance(6);
    await tick(d.id);
    const ended = await actOn(umpire, await detail(d.id), { type: "end" });
    expect(ended.statusCode, ended.body).toBe(200);

    const report = await get<DrillReportView>(manager, `/api/drills/${d.id}/report`);
    const tHalt = report.report.metrics.find((m) => m.key === "tHalt")!;
    expect(tHalt).toMatchObject({ status: "REACHED", haltedBy: "PERSON" });
    expect(tHalt.note).toMatch(/^Halted by a person/);
    expect(tHalt.start).toMatchObject({ type: "DRILL_INJECT_FIRED" });
    // Stopped at the halt record, or at the last program start received after it.
    expect(Date.parse(tHalt.stop!.at)).toBeGreaterThanOrEqual(Date.parse(haltedAt));
    expect(tHalt.value).toBe(tHalt.stop!.drillMs - tHalt.start!.drillMs);
  });
});
