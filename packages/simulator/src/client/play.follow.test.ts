import type { StatusBatch } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { standardOutcomeModel } from "../outcomes.js";
import { rollbackRelease } from "../scenarios.js";
import { FakeFirebreak } from "./fake-firebreak.js";
import { isApiCode } from "./firebreak-client.js";
import { followAdvertisement, setUpBadUpdatePlay, type BadUpdatePlayOptions } from "./play.js";

const T0 = Date.parse("2026-03-10T06:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

const options: BadUpdatePlayOptions = {
  seed: 5,
  startTime: iso(T0),
  computers: 40,
  power: "ALWAYS_ON",
  badUpdate: {
    base: standardOutcomeModel({ successRate: 1, rebootRate: 0, legacyExtraFailureRate: 0 }),
    defaultFailureRate: 0.3,
    defaultDegradeRate: 0.3,
  },
};

/** Status messages Firebreak stored (not replays), optionally for one advertisement. */
const storedMessages = (api: FakeFirebreak, advertisementId?: string) =>
  [...api.batches.values()]
    .filter((b) => b.kind === "status")
    .flatMap((b) => (b.body as StatusBatch).messages)
    .filter((m) => !advertisementId || m.advertisementId === advertisementId);

describe("playing a bad update and following the rollback built in the console", () => {
  it("plays N windows, follows the rollback advertisement the ERT made, and its clients report", async () => {
    const api = new FakeFirebreak();
    const play = await setUpBadUpdatePlay(api, options);
    const bad = play.release.advertisement.advertisementId;
    expect(play.ensured.advertisement).toBe("created");
    expect(play.imported.computers).toBe(play.fleet.computers.length);

    const first = await play.playWindows(16);
    expect(first.windows).toBe(16);
    expect(play.simulation.now).toBe(T0 + 4 * 3_600_000);
    expect(first.batchIds.every((id) => id.startsWith(`sim-5-${bad}-`))).toBe(true);
    const installs = storedMessages(api, bad);
    expect(installs.filter((m) => m.messageId === 10006).length).toBeGreaterThan(3);
    const degraded = new Set(play.simulation.listDegradedMachines().map((d) => d.resourceId));
    expect(degraded.size).toBeGreaterThan(3);

    // The ERT's option B (domain.md §3.4 R5): a collection of the machines that reported the update applied.
    const applied = [...new Set(installs.filter((m) => m.messageId === 10008).map((m) => m.resourceId))];
    api.createCollection({
      collectionId: "CEN00020",
      name: "KB835732 applied",
      parentCollectionId: null,
      rules: [],
      purpose: "ROLLBACK_APPLIED",
      memberResourceIds: applied,
    });
    const rollback = rollbackRelease(play.fleet, { at: iso(play.simulation.now), collectionId: "CEN00020" });
    await api.createPackage(rollback.package);
    await api.createProgram(rollback.program);
    await api.createAdvertisement(rollback.advertisement);

    const followed = await play.followAdvertisement(rollback.advertisement.advertisementId);
    expect(followed.added).toEqual({ package: true, program: true, advertisement: true, collections: ["CEN00020"] });
    expect(followed.program).toMatchObject({ kind: "ROLLBACK", checksUpdatePresent: true });
    expect(followed.advertisement).toEqual(rollback.advertisement);

    // 16 h: the secondary site behind a 56k RAS link gets the package only after business hours.
    const second = await play.playWindows(64);
    expect(second.windows).toBe(64);
    const rollbackMsgs = storedMessages(api, rollback.advertisement.advertisementId);
    const ran = new Set(rollbackMsgs.filter((m) => m.messageId === 10008).map((m) => m.resourceId));
    const reachable = applied.filter((r) => !degraded.has(r));
    expect(reachable.length).toBeGreaterThan(5);
    expect([...ran].sort()).toEqual([...reachable].sort());
    expect(rollbackMsgs.some((m) => degraded.has(m.resourceId))).toBe(false);
    expect(second.complianceByState.ROLLED_BACK).toBe(reachable.length);
    expect(second.dpChanges).toBeGreaterThan(0);

    // Following it again changes nothing.
    const again = await followAdvertisement(api, play.simulation, rollback.advertisement.advertisementId);
    expect(again.added).toEqual({ package: false, program: false, advertisement: false, collections: [] });
  });

  it("picks up a program disabled in the console: clients halt instead of running it", async () => {
    const api = new FakeFirebreak();
    const play = await setUpBadUpdatePlay(api, options);
    const { packageId, programName } = play.release.program;
    expect(await play.followProgramFlags(packageId, programName)).toBe(false);
    api.setProgramDisabled(packageId, programName, true);
    expect(await play.followProgramFlags(packageId, programName)).toBe(true);
    expect(await play.followProgramFlags(packageId, programName)).toBe(false);
    await play.playWindows(16);
    const p = play.simulation.advertisementProgress(play.release.advertisement.advertisementId);
    expect(p.byStage.HALTED).toBeGreaterThan(30);
    expect(storedMessages(api).some((m) => m.messageId === 10005)).toBe(false);
  });

  it("an advertisement Firebreak does not have is reported as such", async () => {
    const api = new FakeFirebreak();
    const play = await setUpBadUpdatePlay(api, options);
    const err = await play.followAdvertisement("CEN2FFFF").catch((e: unknown) => e);
    expect(isApiCode(err, "NOT_FOUND")).toBe(true);
  });
});
