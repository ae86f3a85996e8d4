import { describe, expect, it } from "vitest";
import { createSimulation, type SimBatch } from "./engine.js";
import { badUpdateOutcomeModel, standardOutcomeModel } from "./outcomes.js";
import { generateFleet } from "./presets.js";
import { createBadUpdateScenario, emergencyRelease, loadRelease, rollbackRelease } from "./scenarios.js";
import { HOUR, T0, concat } from "./test-support.js";

const iso = (ms: number) => new Date(ms).toISOString();
const demo = generateFleet({ preset: "demo", seed: 7, startTime: T0 });
const FAILURE_RATES = { NYC: 0.6, FRA: 0.05 };
const DEFAULT_RATE = 0.2;

function playBadRelease(seed: number) {
  const bad = emergencyRelease(demo, { at: iso(T0), updateId: "KB835732" });
  // A second, good release at the same time: the bad-update mode must leave it alone.
  const good = emergencyRelease(demo, {
    at: iso(T0),
    updateId: "KB823980",
    packageId: "CEN0001B",
    advertisementId: "CEN20003",
  });
  const sim = createSimulation({
    fleet: demo,
    seed,
    startTime: T0,
    outcomeModel: badUpdateOutcomeModel({
      packageIds: [bad.package.packageId],
      base: standardOutcomeModel({ successRate: 1, rebootRate: 0, legacyExtraFailureRate: 0 }),
      failureRateBySite: FAILURE_RATES,
      defaultFailureRate: DEFAULT_RATE,
      degradeRateBySite: { PAR: 0.5 },
      defaultDegradeRate: 0.1,
    }),
  });
  loadRelease(sim, bad);
  loadRelease(sim, good);
  return { sim, bad, good };
}

describe("bad update mode", () => {
  it("fails the bad release's installs at each site's rate, with installer exit codes, and leaves other releases alone", () => {
    const { sim, bad, good } = playBadRelease(11);
    const out = sim.advance(T0 + 96 * HOUR);
    const ends = out.statusMessages.filter((m) => m.messageId === 10008 || m.messageId === 10006);
    const sites = new Set(ends.map((m) => m.siteCode));
    let checked = 0;
    for (const site of sites) {
      const runs = ends.filter((m) => m.siteCode === site && m.advertisementId === bad.advertisement.advertisementId);
      if (runs.length < 150) continue;
      const p = FAILURE_RATES[site as keyof typeof FAILURE_RATES] ?? DEFAULT_RATE;
      const failed = runs.filter((m) => m.messageId === 10006).length / runs.length;
      // Four standard deviations of a binomial share.
      expect(Math.abs(failed - p), site).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / runs.length) + 0.005);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    const failures = ends.filter((m) => m.messageId === 10006);
    expect(new Set(failures.map((m) => m.exitCode))).toEqual(new Set([1603, 1618]));
    expect(failures.every((m) => m.advertisementId === bad.advertisement.advertisementId)).toBe(true);
    expect(ends.filter((m) => m.advertisementId === good.advertisement.advertisementId).length).toBeGreaterThan(2000);
  });

  it("degrades a share of the successful installs: the machine reports success, then nothing more", () => {
    const { sim, bad } = playBadRelease(11);
    const end = T0 + 96 * HOUR;
    const out = sim.advance(end);
    // A dial-up laptop that is away goes down only once its success is out, maybe after the window.
    const degraded = sim.listDegradedMachines().filter((d) => Date.parse(d.since) <= end);
    expect(sim.stats().degradedMachines).toBe(degraded.length);
    const site = new Map(demo.computers.map((c) => [c.resourceId, c.siteCode]));
    const succeeded = out.statusMessages.filter(
      (m) => m.messageId === 10008 && m.advertisementId === bad.advertisement.advertisementId,
    );
    const share = (s: (code: string) => boolean) =>
      degraded.filter((d) => s(site.get(d.resourceId) ?? "")).length / succeeded.filter((m) => s(m.siteCode)).length;
    expect(share((c) => c === "PAR")).toBeGreaterThan(0.38);
    expect(share((c) => c === "PAR")).toBeLessThan(0.62);
    expect(share((c) => c !== "PAR")).toBeGreaterThan(0.07);
    expect(share((c) => c !== "PAR")).toBeLessThan(0.13);

    const success = new Map(succeeded.map((m) => [m.resourceId, m]));
    for (const d of degraded) {
      const since = Date.parse(d.since);
      expect(Date.parse(success.get(d.resourceId)?.reportedAt ?? "")).toBeLessThan(since);
      expect(
        out.statusMessages.filter((m) => m.resourceId === d.resourceId && Date.parse(m.reportedAt) >= since),
      ).toEqual([]);
      expect(out.compliance.filter((c) => c.resourceId === d.resourceId && Date.parse(c.reportedAt) >= since)).toEqual(
        [],
      );
      expect(sim.machineOnline(d.resourceId, since)).toBe(false);
      expect(sim.machineNextOnline(d.resourceId, since)).toBe(Number.POSITIVE_INFINITY);
    }
    // The good release's own runs on those machines, if they had not run yet, never happen.
    expect(sim.advertisementProgress("CEN20003").byStage.UNREACHABLE).toBeGreaterThan(0);
  });

  it("is deterministic and independent of how advance() is chunked, rollback included", () => {
    const run = (step: number | null) => {
      const { sim } = playBadRelease(21);
      const batches: SimBatch[] = [];
      const mid = T0 + 30 * HOUR;
      batches.push(...(step ? [...sim.batches(mid, step)] : [sim.advance(mid)]));
      loadRelease(sim, rollbackRelease(demo, { at: iso(mid), checksUpdatePresent: false }));
      batches.push(...(step ? [...sim.batches(T0 + 72 * HOUR, step)] : [sim.advance(T0 + 72 * HOUR)]));
      return { out: concat(batches), degraded: sim.listDegradedMachines(), installed: sim.listInstalled("KB835732") };
    };
    const whole = run(null);
    expect(whole.out.compliance.some((c) => c.state === "ROLLED_BACK")).toBe(true);
    expect(whole.degraded.length).toBeGreaterThan(0);
    expect(run(null)).toEqual(whole);
    expect(run(15 * 60_000)).toEqual(whole);
    expect(run(7 * 60_000 + 13_000)).toEqual(whole);
  });

  it("a different seed gives a different outcome", () => {
    const a = playBadRelease(1).sim.advance(T0 + 24 * HOUR);
    const b = playBadRelease(2).sim.advance(T0 + 24 * HOUR);
    expect(a.statusMessages).not.toEqual(b.statusMessages);
  });

  it("refuses a model that names no release or a rate outside 0..1", () => {
    expect(() => badUpdateOutcomeModel({})).toThrow(/packageIds, advertisementIds or updateIds/);
    expect(() => badUpdateOutcomeModel({ packageIds: ["CEN0001A"], failureRateBySite: { NYC: 1.5 } })).toThrow(
      /failureRateBySite.NYC must be between 0 and 1/,
    );
  });

  it("createBadUpdateScenario: a small seeded fleet whose release goes wrong, ready to play", () => {
    const o = {
      seed: 3,
      startTime: iso(T0),
      computers: 40,
      power: "ALWAYS_ON" as const,
      badUpdate: { defaultFailureRate: 0.5, defaultDegradeRate: 0.5 },
    };
    const s = createBadUpdateScenario(o);
    const workstations = s.fleet.computers.filter((c) => !c.isPatchInfrastructure);
    expect(workstations.length).toBe(40);
    expect(s.fleet.computers.every((c) => c.power?.profile === "ALWAYS_ON")).toBe(true);
    const out = s.simulation.advance(T0 + 24 * HOUR);
    const p = s.simulation.advertisementProgress(s.release.advertisement.advertisementId);
    expect(p.byStage.FAILED).toBeGreaterThan(5);
    expect(p.byStage.SUCCEEDED).toBeGreaterThan(5);
    expect(s.simulation.listDegradedMachines().length).toBeGreaterThan(2);
    expect(createBadUpdateScenario(o).simulation.advance(T0 + 24 * HOUR)).toEqual(out);
  });
});
