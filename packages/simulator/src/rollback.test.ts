import { describe, expect, it } from "vitest";
import { createSimulation, type SimComplianceRow, type SimStatusMessage } from "./engine.js";
import { UPDATE_NOT_INSTALLED_EXIT_CODE, badUpdateOutcomeModel, standardOutcomeModel } from "./outcomes.js";
import { emergencyRelease, loadRelease, rollbackRelease } from "./scenarios.js";
import { HOUR, T0, concat, tinyFleet } from "./test-support.js";

const iso = (ms: number) => new Date(ms).toISOString();
const KB = "KB835732";
// 40 desktops, always on, on fast LANs: every one of them runs what it is given within hours.
const fleet = tinyFleet();
const ids = fleet.computers.map((c) => c.resourceId);
const half = ids.filter((_, k) => k % 2 === 0);
const otherHalf = ids.filter((_, k) => k % 2 === 1);

const byMachine = <T extends { resourceId: number }>(rows: readonly T[]) => {
  const m = new Map<number, T[]>();
  for (const r of rows) m.set(r.resourceId, [...(m.get(r.resourceId) ?? []), r]);
  return m;
};
const endOf = (msgs: readonly SimStatusMessage[]) => msgs.find((m) => m.messageId === 10008 || m.messageId === 10006);
const lastState = (rows: readonly SimComplianceRow[]) =>
  [...rows].sort((x, y) => Date.parse(x.time) - Date.parse(y.time)).at(-1)?.state;

function playRollback(o: {
  checksUpdatePresent: boolean;
  installed?: readonly number[];
  outcomeModel?: Parameters<typeof createSimulation>[0]["outcomeModel"];
  smsRestarts?: boolean;
}) {
  const sim = createSimulation({
    fleet,
    seed: 5,
    startTime: T0,
    installedUpdates: { [KB]: o.installed ?? half },
    ...(o.outcomeModel ? { outcomeModel: o.outcomeModel } : {}),
  });
  const release = rollbackRelease(fleet, {
    at: iso(T0),
    checksUpdatePresent: o.checksUpdatePresent,
    smsRestarts: o.smsRestarts ?? true,
  });
  loadRelease(sim, release);
  const out = sim.advance(T0 + 24 * HOUR);
  const rollbackMsgs = out.statusMessages.filter((m) => m.advertisementId === release.advertisement.advertisementId);
  return { sim, release, out, msgs: byMachine(rollbackMsgs), compliance: byMachine(out.compliance) };
}

describe("rollback programs", () => {
  it("with the presence check, a machine without the update exits 0 at once and nothing about the update changes", () => {
    const { sim, msgs, compliance } = playRollback({ checksUpdatePresent: true });
    for (const r of otherHalf) {
      const started = msgs.get(r)?.find((m) => m.messageId === 10005);
      const end = endOf(msgs.get(r) ?? []);
      expect(end).toMatchObject({ messageId: 10008, exitCode: 0 });
      expect(Date.parse(end?.time ?? "") - Date.parse(started?.time ?? "")).toBeLessThan(60_000);
      // Not reported as rolled back (nor as anything else): it never had the update.
      expect(compliance.get(r)).toBeUndefined();
      expect(sim.isUpdatePresent(KB, r)).toBe(false);
    }
  });

  it("where the update is present the uninstall succeeds: ROLLED_BACK (after a restart on 3010) and the update is gone", () => {
    const model = standardOutcomeModel({ successRate: 1, rebootRate: 0.5 });
    const { sim, msgs, compliance } = playRollback({ checksUpdatePresent: true, outcomeModel: model });
    let restarted = 0;
    for (const r of half) {
      const end = endOf(msgs.get(r) ?? []);
      expect(end?.messageId).toBe(10008);
      // In event-time order (a restart 2–5 min later may be reported before the first row).
      const states = [...(compliance.get(r) ?? [])]
        .sort((x, y) => Date.parse(x.time) - Date.parse(y.time))
        .map((c) => c.state);
      if (end?.exitCode === 3010) {
        restarted++;
        expect(states).toEqual(["INSTALLED_PENDING_REBOOT", "ROLLED_BACK"]);
      } else expect(states).toEqual(["ROLLED_BACK"]);
      expect(sim.isUpdatePresent(KB, r)).toBe(false);
    }
    expect(restarted).toBeGreaterThan(0);
    expect(restarted).toBeLessThan(half.length);
    expect(sim.listInstalled(KB)).toEqual([]);
  });

  it(`without the presence check, a machine without the update fails with ${UPDATE_NOT_INSTALLED_EXIT_CODE} and its compliance is untouched`, () => {
    const model = standardOutcomeModel({ successRate: 1 });
    const { sim, msgs, compliance, release } = playRollback({ checksUpdatePresent: false, outcomeModel: model });
    for (const r of otherHalf) {
      expect(endOf(msgs.get(r) ?? [])).toMatchObject({ messageId: 10006, exitCode: UPDATE_NOT_INSTALLED_EXIT_CODE });
      expect(compliance.get(r)).toBeUndefined();
    }
    for (const r of half) expect(lastState(compliance.get(r) ?? [])).toBe("ROLLED_BACK");
    expect(sim.advertisementProgress(release.advertisement.advertisementId).byStage).toMatchObject({
      SUCCEEDED: half.length,
      FAILED: otherHalf.length,
    });
  });

  it("a failed uninstall keeps the update and reports no compliance change", () => {
    const model = badUpdateOutcomeModel({
      updateIds: [KB],
      base: standardOutcomeModel({ successRate: 1 }),
      rollbackFailureRate: 1,
    });
    const { sim, msgs, compliance } = playRollback({ checksUpdatePresent: true, outcomeModel: model });
    for (const r of half) {
      expect(endOf(msgs.get(r) ?? [])?.messageId).toBe(10006);
      expect([1603, 3, 5]).toContain(endOf(msgs.get(r) ?? [])?.exitCode);
      expect(compliance.get(r)).toBeUndefined();
      expect(sim.isUpdatePresent(KB, r)).toBe(true);
    }
  });

  it("knows which machines installed the update earlier in the run: failed installs have nothing to remove", () => {
    const sim = createSimulation({ fleet, seed: 9, startTime: T0 });
    const install = emergencyRelease(fleet, { at: iso(T0), updateId: KB });
    loadRelease(sim, install);
    const first = sim.advance(T0 + 24 * HOUR);
    const installEnds = byMachine(first.statusMessages.filter((m) => m.messageId === 10008 || m.messageId === 10006));
    const installed = ids.filter((r) => installEnds.get(r)?.[0]?.messageId === 10008);
    const failed = ids.filter((r) => installEnds.get(r)?.[0]?.messageId === 10006);
    expect(failed.length).toBeGreaterThan(0);
    expect(sim.listInstalled(KB)).toEqual(installed);

    const rollback = rollbackRelease(fleet, { at: iso(T0 + 24 * HOUR), checksUpdatePresent: false });
    loadRelease(sim, rollback);
    const second = sim.advance(T0 + 48 * HOUR);
    const ends = byMachine(
      second.statusMessages.filter(
        (m) => m.advertisementId === rollback.advertisement.advertisementId && m.messageId !== 10002,
      ),
    );
    for (const r of failed) expect(endOf(ends.get(r) ?? [])?.exitCode).toBe(UPDATE_NOT_INSTALLED_EXIT_CODE);
    // A rollback does not make the update REQUIRED again.
    expect(second.compliance.some((c) => c.state === "REQUIRED")).toBe(false);
  });

  it("setInstalled seeds machines like the installedUpdates option, and can report them", () => {
    const sim = createSimulation({ fleet, seed: 5, startTime: T0 });
    sim.setInstalled(KB, half, { report: true });
    expect(sim.listInstalled(KB)).toEqual(half);
    const out = sim.advance(T0 + HOUR);
    expect(out.compliance.map((c) => c.resourceId).sort()).toEqual([...half].sort());
    expect(new Set(out.compliance.map((c) => `${c.updateId} ${c.state}`))).toEqual(new Set([`${KB} INSTALLED`]));
    expect(() => sim.setInstalled(KB, [42])).toThrow(/Unknown resource 42/);
  });
});

describe("degraded machines and rollback", () => {
  it("a machine the bad update took down never runs the rollback: it stays unreachable and silent", () => {
    const install = emergencyRelease(fleet, { at: iso(T0), updateId: KB });
    const sim = createSimulation({
      fleet,
      seed: 3,
      startTime: T0,
      outcomeModel: badUpdateOutcomeModel({
        advertisementIds: [install.advertisement.advertisementId],
        base: standardOutcomeModel({ successRate: 1, rebootRate: 0 }),
        defaultFailureRate: 0,
        defaultDegradeRate: 0.5,
      }),
    });
    loadRelease(sim, install);
    const first = sim.advance(T0 + 24 * HOUR);
    const degraded = sim.listDegradedMachines();
    expect(degraded.length).toBeGreaterThan(8);
    expect(degraded.length).toBeLessThan(32);
    const rollback = rollbackRelease(fleet, { at: iso(T0 + 24 * HOUR) });
    loadRelease(sim, rollback);
    const second = sim.advance(T0 + 72 * HOUR);
    const all = concat([first, second]);
    for (const d of degraded) {
      const since = Date.parse(d.since);
      expect(sim.machineOnline(d.resourceId, since + HOUR)).toBe(false);
      // The install's success got out before the machine went down; nothing after.
      const mine = all.statusMessages.filter((m) => m.resourceId === d.resourceId);
      const success = mine.find(
        (m) => m.messageId === 10008 && m.advertisementId === install.advertisement.advertisementId,
      );
      expect(Date.parse(success?.reportedAt ?? "")).toBeLessThan(since);
      expect(mine.filter((m) => Date.parse(m.reportedAt) >= since)).toEqual([]);
      expect(all.compliance.filter((c) => c.resourceId === d.resourceId && Date.parse(c.reportedAt) >= since)).toEqual(
        [],
      );
      expect(mine.filter((m) => m.advertisementId === rollback.advertisement.advertisementId)).toEqual([]);
      expect(sim.isUpdatePresent(KB, d.resourceId)).toBe(true);
    }
    expect(sim.advertisementProgress(rollback.advertisement.advertisementId).byStage).toMatchObject({
      UNREACHABLE: degraded.length,
      SUCCEEDED: ids.length - degraded.length,
    });
    expect(sim.stats().degradedMachines).toBe(degraded.length);
  });

  it("after an exit-0 install, a rollback before the crash keeps the machine up; without it the machine goes down", () => {
    const play = (withRollback: boolean) => {
      const install = emergencyRelease(fleet, { at: iso(T0), updateId: KB });
      const sim = createSimulation({
        fleet,
        seed: 6,
        startTime: T0,
        outcomeModel: badUpdateOutcomeModel({
          updateIds: [KB],
          base: standardOutcomeModel({ successRate: 1, rebootRate: 0 }),
          defaultFailureRate: 0,
          defaultDegradeRate: 1,
          // The crash comes 20 h after the install; the rollback 6 h after the release.
          degradeAfterMinutes: { min: 1200, max: 1200 },
        }),
      });
      loadRelease(sim, install);
      const first = sim.advance(T0 + 6 * HOUR);
      if (withRollback) loadRelease(sim, rollbackRelease(fleet, { at: iso(T0 + 6 * HOUR) }));
      const rest = sim.advance(T0 + 72 * HOUR);
      return { sim, out: concat([first, rest]) };
    };
    const control = play(false);
    expect(control.sim.listDegradedMachines().length).toBe(ids.length);

    const { sim, out } = play(true);
    const rolledBack = new Set(out.compliance.filter((c) => c.state === "ROLLED_BACK").map((c) => c.resourceId));
    expect(rolledBack.size).toBe(ids.length);
    const down = new Set(sim.listDegradedMachines().map((d) => d.resourceId));
    for (const r of rolledBack) {
      expect(down.has(r)).toBe(false);
      expect(sim.machineOnline(r, T0 + 72 * HOUR)).toBe(true);
    }
    expect(sim.stats().degradedMachines).toBe(0);
  });

  it("after a 3010, the machine goes down at its restart — unless the rollback removed the update first", () => {
    const install = emergencyRelease(fleet, { at: iso(T0), updateId: KB });
    const sim = createSimulation({
      fleet,
      seed: 4,
      startTime: T0,
      outcomeModel: badUpdateOutcomeModel({
        updateIds: [KB],
        base: standardOutcomeModel({ successRate: 1, rebootRate: 1 }),
        defaultFailureRate: 0,
        defaultDegradeRate: 1,
      }),
    });
    loadRelease(sim, install);
    // Users restart within 4–72 h of the install; the rollback arrives in between.
    const first = sim.advance(T0 + 8 * HOUR);
    const early = new Set(sim.listDegradedMachines().map((d) => d.resourceId));
    loadRelease(sim, rollbackRelease(fleet, { at: iso(T0 + 8 * HOUR) }));
    const rest = sim.advance(T0 + 96 * HOUR);
    const down = new Set(sim.listDegradedMachines().map((d) => d.resourceId));
    const rolledBack = new Set(rest.compliance.filter((c) => c.state === "ROLLED_BACK").map((c) => c.resourceId));
    expect(rolledBack.size).toBeGreaterThan(0);
    expect(down.size).toBeGreaterThan(0);
    for (const r of ids) expect(down.has(r) !== rolledBack.has(r)).toBe(true);
    for (const r of early) expect(down.has(r)).toBe(true);
    // The install itself reported success and a pending restart everywhere.
    const installEnds = first.statusMessages.filter((m) => m.messageId === 10008);
    expect(installEnds.every((m) => m.exitCode === 3010)).toBe(true);
  });
});
