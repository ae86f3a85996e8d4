import { DEFAULT_PRIORITY_POLICY, KB_PER_SECOND_PER_KBPS, type ForecastVariantResult } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { CLIENT_STAGES, createSimulation } from "../engine.js";
import type { FleetDescription } from "../fleet.js";
import { standardOutcomeModel } from "../outcomes.js";
import { generateFleet } from "../presets.js";
import { emergencyRelease, loadRelease } from "../scenarios.js";
import { T0, tinyFleet } from "../test-support.js";
import { forecastAdvertisement } from "./forecast.js";
import { MAX_SHARED_CHUNK_SECONDS, planSampling, resolveTargets, runMembers } from "./sampling.js";
import { buildTopology } from "./topology.js";

const iso = (ms: number) => new Date(ms).toISOString();

describe("sampling a large fleet", () => {
  const fleet = generateFleet({ preset: "demo", seed: 5, startTime: T0, computers: 1200 });
  const topology = buildTopology(fleet);
  const targets = resolveTargets(fleet, "CEN00010", true);
  const plan = planSampling({ topology, targets, sizeKB: 5120, runs: 12, perRun: 150, seed: 9, startMs: T0 });

  it("simulates every target once per cycle of k runs, with weights that add up to the fleet", () => {
    expect(plan.sampled).toBe(true);
    const kMax = Math.max(...plan.groups.map((g) => g.k));
    expect(kMax).toBe(Math.ceil(targets.length / 150));
    const seen = new Uint16Array(targets.length);
    for (let r = 0; r < kMax; r++) {
      const m = runMembers(plan, r);
      for (const t of m.positions) seen[t] = (seen[t] as number) + 1;
      const total = m.weights.reduce((a, w) => a + w, 0);
      expect(Math.abs(total - targets.length)).toBeLessThan(1e-6);
    }
    // Over kMax runs a computer of a k-partition group is simulated kMax / k times, never 0.
    for (let t = 0; t < targets.length; t++) expect(seen[t]).toBe(kMax / (plan.k[t] as number));
    for (const g of plan.groups) expect(Math.max(...g.partSizes) - Math.min(...g.partSizes)).toBeLessThanOrEqual(1);
  });

  it("keeps each kind of computer in proportion in every run", () => {
    const profileOf = (t: number) => fleet.computers[targets[t] as number]?.connectionProfile;
    const share = (positions: ArrayLike<number>, p: string) =>
      Array.from(positions).filter((t) => profileOf(t) === p).length / positions.length;
    const all = Array.from(targets, (_, t) => t);
    const m = runMembers(plan, 3);
    for (const p of ["LAN", "WAN", "VPN", "DIALUP"])
      expect(Math.abs(share(m.positions, p) - share(all, p))).toBeLessThan(0.03);
  });

  it("simulates computers behind a thin shared link in more runs, so a queue fills in short chunks", () => {
    const f = tinyFleet({ sloDesktops: 0, cenDesktops: 40 });
    // The CEN LAN clients share a DP of 64 kbit/s: one 5 MB download holds it for 655 s.
    const slow: FleetDescription = {
      ...f,
      siteSystems: f.siteSystems.map((s) => (s.siteCode === "CEN" ? { ...s, capacityKbps: 64 } : s)),
    };
    const p = planSampling({
      topology: buildTopology(slow),
      targets: resolveTargets(slow, "CEN00010", true),
      sizeKB: 5120,
      runs: 40,
      perRun: 1,
      seed: 1,
      startMs: T0,
    });
    const holdSeconds = 5120 / (64 * KB_PER_SECOND_PER_KBPS);
    expect(p.groups.map((g) => g.k)).toEqual([Math.floor(MAX_SHARED_CHUNK_SECONDS / holdSeconds)]);
  });

  it("a small fleet is simulated whole in every run", () => {
    const small = planSampling({ topology, targets, sizeKB: 5120, runs: 40, perRun: 5000, seed: 1, startMs: T0 });
    expect(small.sampled).toBe(false);
    const m = runMembers(small, 7);
    expect(m.positions.length).toBe(targets.length);
    expect(m.weights.every((w) => w === 1)).toBe(true);
  });
});

describe("engine support for the forecast", () => {
  const play = (represents: number | undefined) => {
    const f = tinyFleet({ sloDesktops: 0, cenDesktops: 2 });
    const fleet: FleetDescription = {
      ...f,
      computers: f.computers.map((c) => (represents === undefined ? c : { ...c, represents })),
    };
    const sim = createSimulation({
      fleet,
      seed: 3,
      startTime: T0,
      emitReports: false,
      dpCapacityKbps: 100,
      policyPollingMinutes: 1 / 60_000,
      outcomeModel: standardOutcomeModel({ successRate: 1, runMinutes: { min: 0, max: 0 } }),
    });
    const r = emergencyRelease(fleet, { at: iso(T0), presentTime: iso(T0), sizeKB: 100 });
    loadRelease(sim, r);
    const out = sim.advance(T0 + 2 * 3_600_000);
    return { out, targets: sim.advertisementTargets(r.advertisement.advertisementId) };
  };
  const downloadMs = (100 / (100 * KB_PER_SECOND_PER_KBPS)) * 1000;

  it("a computer that stands for k keeps a shared DP busy k downloads long, its own download takes one", () => {
    const one = play(undefined).targets;
    const three = play(3).targets;
    const gap = (t: typeof one) => Math.abs((t.succeededAt[1] as number) - (t.succeededAt[0] as number));
    expect(Math.abs(gap(one) - downloadMs)).toBeLessThanOrEqual(2);
    expect(Math.abs(gap(three) - 3 * downloadMs)).toBeLessThanOrEqual(2);
    // The two it stands for besides itself end over the rest of its chunk.
    expect(Array.from(three.chunkSpanMs, (x) => Math.round(x))).toEqual(
      [2 * downloadMs, 2 * downloadMs].map(Math.round),
    );
    expect(Array.from(one.chunkSpanMs)).toEqual([0, 0]);
    // The first one through is not slowed down.
    expect(Math.abs(Math.min(...one.succeededAt) - Math.min(...three.succeededAt))).toBeLessThanOrEqual(1);
  });

  it("advertisementTargets gives each target's stage and success time; emitReports off reports nothing", () => {
    const { out, targets } = play(undefined);
    expect(out.statusMessages).toEqual([]);
    expect(out.compliance).toEqual([]);
    expect(Array.from(targets.resourceIds).sort()).toEqual([1001, 1002]);
    expect(Array.from(targets.stages, (s) => CLIENT_STAGES[s])).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(targets.succeededAt.every((t) => t > T0)).toBe(true);
  });
});

describe("a sampled queue on a thin shared link", () => {
  // 400 WAN desktops behind one 512 kbit/s branch link: a 5 MB download holds it for 80 s, the
  // queue lasts about 8.9 h. Sampled, each simulated desktop stands for 10 and holds the link
  // for its 10 downloads; the ones it stands for finish over that chunk, not at its front.
  const base = tinyFleet({ sloDesktops: 0, cenDesktops: 0 });
  const computers = Array.from({ length: 400 }, (_, k) => ({
    resourceId: 5000 + k,
    name: `BR1-WS${String(k).padStart(5, "0")}`,
    siteCode: "CEN",
    os: "Microsoft Windows XP Professional",
    servicePack: "Service Pack 1",
    clientType: "ADVANCED" as const,
    isLaptop: false,
    connectionProfile: "WAN" as const,
    boundaryId: "BR1",
    isPatchInfrastructure: false,
    lastSeenAt: null,
    power: { profile: "ALWAYS_ON" as const },
  }));
  const fleet: FleetDescription = {
    ...base,
    boundaries: [
      ...base.boundaries,
      {
        boundaryId: "BR1",
        siteCode: "CEN",
        kind: "IP_SUBNET",
        value: "10.9.0.0/16",
        connection: "REMOTE_SLOW",
        linkKbps: 512,
      },
    ],
    computers,
    collections: base.collections.map((c) => ({ ...c, memberResourceIds: computers.map((x) => x.resourceId) })),
  };
  const release = emergencyRelease(fleet, { at: iso(T0), presentTime: iso(T0), sizeKB: 5120 });
  const draft = {
    package: release.package,
    program: release.program,
    advertisement: release.advertisement,
    distribution: { startTime: release.distribution.at },
  };
  const forecast = (computersPerRun: number) =>
    forecastAdvertisement({
      fleet,
      draft,
      policy: DEFAULT_PRIORITY_POLICY,
      priority: "EMERGENCY",
      variants: ["AS_DRAFTED"],
      runs: 40,
      seed: 4,
      horizonHours: 12,
      computersPerRun,
      programSuccessPct: 100,
    }).variants[0] as ForecastVariantResult;
  const sampled = forecast(40);
  const full = forecast(1000);

  it("reaches the milestones when the whole fleet does", () => {
    const chunkHours = (10 * 80) / 3600;
    for (const k of ["pct50", "pct90", "pct95"] as const) {
      const s = sampled.timeTo[k].p50 as number;
      const f = full.timeTo[k].p50 as number;
      expect(s).not.toBeNull();
      // Within a quarter of one chunk (before: up to a whole chunk early).
      expect(Math.abs(s - f)).toBeLessThan(chunkHours / 4);
    }
  });

  it("keeps the whole fleet's curve inside the band", () => {
    let inside = 0;
    let points = 0;
    full.band.forEach((p, g) => {
      if (p.p50 <= 0 || p.p50 >= full.final.p50) return;
      const b = sampled.band[g] as (typeof sampled.band)[number];
      points++;
      if (p.p50 >= b.p10 - 1 && p.p50 <= b.p90 + 1) inside++;
    });
    expect(points).toBeGreaterThan(10);
    expect(inside / points).toBeGreaterThan(0.9);
  });
});
