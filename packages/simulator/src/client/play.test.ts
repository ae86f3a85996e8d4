import { MAX_INGEST_ROWS, type ComplianceBatch, type StatusBatch } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { createSimulation, type Simulation } from "../engine.js";
import type { FleetDescription, PowerProfile } from "../fleet.js";
import { generateFleet } from "../presets.js";
import { emergencyRelease, loadRelease, type Release } from "../scenarios.js";
import { concat } from "../test-support.js";
import { FakeFirebreak } from "./fake-firebreak.js";
import { isApiCode } from "./firebreak-client.js";
import { onlineRatios } from "./mapping.js";
import { ensureRelease, importFleet, playThroughApi, type ImportProgress } from "./play.js";

const T0 = Date.parse("2026-03-10T06:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const demo = generateFleet({ preset: "demo", seed: 7, startTime: T0 });
// Big enough for more than one 20,000-computer import call and > 10,000 compliance rows in one window.
const big = generateFleet({ preset: "demo", seed: 7, startTime: T0, computers: 41_000 });
// Just over 10,000 workstations: the REQUIRED rows of one window need two ingest batches.
const mid = generateFleet({ preset: "demo", seed: 7, startTime: T0, computers: 10_800 });

async function setUp(fleet: FleetDescription, seed = 7) {
  const api = new FakeFirebreak();
  await importFleet(api, fleet, undefined, { seed, from: T0 });
  const release = emergencyRelease(fleet, { at: iso(T0) });
  await ensureRelease(api, release);
  const { token } = await api.createIngestToken({ name: "sim", siteCodes: fleet.sites.map((s) => s.siteCode) });
  return { api, release, token };
}

function newSim(fleet: FleetDescription, release: Release, seed = 7): Simulation {
  const sim = createSimulation({ fleet, seed, startTime: T0 });
  loadRelease(sim, release);
  return sim;
}

describe("importFleet", () => {
  it("sends the hierarchy first, computers in calls of at most 20,000, collections last — every body valid for FleetImportSchema", async () => {
    const api = new FakeFirebreak();
    const seen: ImportProgress[] = [];
    const r = await importFleet(api, big, (p) => seen.push(p), { seed: 7, from: T0 });

    const [first, ...rest] = api.imports;
    expect(first?.sites).toHaveLength(big.sites.length);
    expect(first?.siteSystems).toHaveLength(big.siteSystems.length);
    expect(first?.boundaries).toHaveLength(big.boundaries.length);
    expect(first?.senderAddresses).toHaveLength(big.addresses.length);
    expect(first?.computers).toBeUndefined();
    const computerCalls = rest.filter((b) => b.computers).map((b) => b.computers?.length);
    expect(computerCalls).toEqual([20_000, 20_000, big.computers.length - 40_000]);
    expect(api.imports.at(-1)?.collections).toHaveLength(big.collections.length);
    expect(api.imports.at(-1)?.computers).toBeUndefined();
    expect(r).toMatchObject({
      calls: 5,
      computers: big.computers.length,
      sites: big.sites.length,
      collections: big.collections.length,
    });
    expect(api.computers.size).toBe(big.computers.length);
    expect(seen.at(-1)).toMatchObject({ phase: "done", computersDone: big.computers.length, calls: 5 });

    // Simulator-only fields stay behind; the power pattern travels as onlineRatio.
    const sent = rest.flatMap((b) => b.computers ?? []);
    for (const c of sent.slice(0, 500)) {
      expect(Object.keys(c)).not.toContain("power");
      expect(Object.keys(c)).not.toContain("linkKbps");
      expect(Object.keys(c)).not.toContain("currentBoundaryId");
      expect(c.onlineRatio).toBeGreaterThanOrEqual(0);
      expect(c.onlineRatio).toBeLessThanOrEqual(1);
    }
    for (const s of first?.siteSystems ?? [])
      expect(Object.keys(s).sort()).toEqual(expect.arrayContaining(["roles", "serverName", "siteCode"]));
    // A branch DP's WAN content link and DP capacity travel (site_systems stores them).
    expect((first?.siteSystems ?? []).filter((s) => s.contentLinkKbps !== undefined)).toHaveLength(
      big.siteSystems.filter((s) => s.contentLinkKbps !== undefined).length,
    );
    expect((first?.siteSystems ?? []).some((s) => s.contentLinkKbps !== undefined)).toBe(true);
    expect((first?.siteSystems ?? []).some((s) => s.capacityKbps !== undefined)).toBe(true);
  }, 30_000);

  it("honours a smaller chunk size and is an idempotent upsert (running it again changes nothing)", async () => {
    const api = new FakeFirebreak();
    await importFleet(api, demo, undefined, { computersPerCall: 1000 });
    const calls = api.imports.length;
    expect(api.imports.filter((b) => b.computers).map((b) => b.computers?.length)).toEqual([
      1000,
      1000,
      1000,
      demo.computers.length - 3000,
    ]);
    await importFleet(api, demo, undefined, { computersPerCall: 1000 });
    expect(api.imports.length).toBe(2 * calls);
    expect(api.computers.size).toBe(demo.computers.length);
  });
});

describe("onlineRatio", () => {
  const ratios = onlineRatios(demo, { seed: 7, from: T0 });
  const byProfile = (p: PowerProfile) => {
    const xs = demo.computers
      .map((c, i) => (c.power?.profile === p ? (ratios[i] as number) : NaN))
      .filter((x) => !Number.isNaN(x));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };

  it("follows the power pattern: always-on 1, office desktops ~0.3, office laptops less, VPN and dial-up sessions far less", () => {
    expect(
      demo.computers
        .filter((c) => c.power?.profile === "ALWAYS_ON")
        .every((c) => ratios[demo.computers.indexOf(c)] === 1),
    ).toBe(true);
    const office = byProfile("OFFICE_HOURS");
    const laptop = byProfile("LAPTOP_OFFICE");
    const vpn = byProfile("VPN_SESSIONS");
    const dialUp = byProfile("DIALUP_SESSIONS");
    expect(office).toBeGreaterThan(0.25);
    expect(office).toBeLessThan(0.36);
    expect(laptop).toBeGreaterThan(0.14);
    expect(laptop).toBeLessThan(office);
    expect(vpn).toBeGreaterThan(0.04);
    expect(vpn).toBeLessThan(laptop);
    expect(dialUp).toBeGreaterThan(0.005);
    expect(dialUp).toBeLessThan(vpn);
  });

  it("measures the same power model the engine plays (sampling Simulation.machineOnline agrees), ignoring a temporary switch-off", () => {
    // The engine with every offUntil cleared: the ratio describes habits, not this week's holiday.
    const habits: FleetDescription = {
      ...demo,
      computers: demo.computers.map((c) => ({
        ...c,
        power: { profile: c.power?.profile ?? "OFFICE_HOURS", offUntil: null },
      })),
    };
    const sim = createSimulation({ fleet: habits, seed: 7, startTime: T0 });
    const step = 10 * 60_000;
    const picks = demo.computers.map((c, i) => [c, i] as const).filter((_, k) => k % 60 === 0);
    expect(picks.some(([c]) => c.power?.offUntil)).toBe(true);
    for (const [c, i] of picks) {
      let on = 0;
      let n = 0;
      for (let t = T0 + step / 2; t < T0 + 28 * 24 * HOUR; t += step, n++) if (sim.machineOnline(c.resourceId, t)) on++;
      expect(Math.abs(on / n - (ratios[i] as number))).toBeLessThan(0.01);
    }
    // Deterministic, and seed-dependent like the engine.
    expect(onlineRatios(demo, { seed: 7, from: T0 })).toEqual(ratios);
    expect(onlineRatios(demo, { seed: 8, from: T0 })).not.toEqual(ratios);
  });
});

describe("ensureRelease", () => {
  it("creates package, program and advertisement, and treats 409 CONFLICT as already there", async () => {
    const api = new FakeFirebreak();
    await importFleet(api, demo);
    const release = emergencyRelease(demo, { at: iso(T0) });
    await expect(ensureRelease(api, release)).resolves.toMatchObject({
      package: "created",
      program: "created",
      advertisement: "created",
    });
    const again = await ensureRelease(api, release);
    expect(again).toMatchObject({ package: "existing", program: "existing", advertisement: "existing" });
    expect(again.advertisementRecord.advertisementId).toBe(release.advertisement.advertisementId);
  });

  it("lets other API errors through (e.g. validation)", async () => {
    const api = new FakeFirebreak();
    const release = emergencyRelease(demo, { at: iso(T0) });
    const bad = { ...release, package: { ...release.package, packageId: "not-an-id" } };
    await expect(ensureRelease(api, bad)).rejects.toSatisfy((e: unknown) => isApiCode(e, "VALIDATION_FAILED"));
  });
});

describe("playThroughApi", () => {
  it("posts everything the simulation reports, once, in batches of at most 10,000 rows with deterministic ids", async () => {
    const { api, release, token } = await setUp(mid);
    const hours = 3;
    const summary = await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(mid, release),
      until: T0 + hours * HOUR,
      stepMinutes: 60,
      advertisementId: release.advertisement.advertisementId,
    });

    // The same simulation played without the API.
    const ref = newSim(mid, release);
    const out = concat([...ref.batches(T0 + hours * HOUR, HOUR)]);
    expect(out.compliance.length).toBeGreaterThan(MAX_INGEST_ROWS);
    expect(summary.statusMessages).toBe(out.statusMessages.length);
    expect(summary.complianceRows).toBe(out.compliance.length);
    expect(summary.dpChanges).toBe(out.dpStatus.length);
    expect(api.storedRows("status")).toBe(out.statusMessages.length);
    expect(api.storedRows("compliance")).toBe(out.compliance.length);
    expect(api.storedRows("dp-status")).toBe(out.dpStatus.length);
    expect(summary).toMatchObject({
      windows: hours,
      replays: 0,
      dpChangesSkipped: 0,
      simFrom: iso(T0),
      simUntil: iso(T0 + hours * HOUR),
    });

    // Batch ids: sim-<seed>-<window start>-<kind>-<n>, unique, and every batch within the limit.
    expect(new Set(summary.batchIds).size).toBe(summary.batchIds.length);
    for (const id of summary.batchIds)
      expect(id).toMatch(/^sim-7-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z-(status|compliance|dp)-\d+$/);
    for (const b of api.batches.values()) {
      const rows =
        "messages" in b.body ? b.body.messages.length : "rows" in b.body ? b.body.rows.length : b.body.changes.length;
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThanOrEqual(MAX_INGEST_ROWS);
    }
    const chunked = summary.batchIds.filter((id) => id.includes("-compliance-"));
    expect(chunked).toContain(`sim-7-${iso(T0)}-compliance-1`);
    expect(chunked).not.toContain(`sim-7-${iso(T0)}-compliance-2`);

    // Compliance rows carry the computer's site code; status messages only ingest fields.
    for (const b of api.batches.values()) {
      if (b.kind === "compliance")
        for (const r of (b.body as ComplianceBatch).rows)
          expect(r.siteCode).toBe(api.computers.get(r.resourceId)?.siteCode);
      if (b.kind === "status")
        for (const m of (b.body as StatusBatch).messages.slice(0, 50))
          expect(Object.keys(m)).not.toContain("reportedAt");
    }
  }, 30_000);

  it("the same run again sends the same batch ids: every batch is a replay and nothing is stored twice", async () => {
    const { api, release, token } = await setUp(demo);
    const until = T0 + 12 * HOUR;
    const first = await playThroughApi({ client: api, ingestToken: token, simulation: newSim(demo, release), until });
    const stored = api.batches.size;
    const rows = api.storedRows("status");
    const second = await playThroughApi({ client: api, ingestToken: token, simulation: newSim(demo, release), until });
    expect(second.batchIds).toEqual(first.batchIds);
    expect(second.replays).toBe(second.batches);
    expect(first.replays).toBe(0);
    expect(api.batches.size).toBe(stored);
    expect(api.storedRows("status")).toBe(rows);
    // A different prefix (e.g. another preset on the same start) does not collide.
    const third = await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + HOUR,
      batchPrefix: "sim-7-other",
    });
    expect(third.replays).toBe(0);
  });

  it("the batch ids do not depend on how fast it plays, only on seed, start and window", async () => {
    const { api, release, token } = await setUp(demo);
    let clock = 0;
    const sleeps: number[] = [];
    const paced = await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + 2 * HOUR,
      stepMinutes: 15,
      speed: 60,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    // 60 simulated seconds per wall second: each 15-minute window takes 15 wall seconds; none after the last.
    expect(sleeps).toEqual(Array.from({ length: 7 }, () => 15_000));
    expect(paced.wallMs).toBe(7 * 15_000);
    // As fast as possible: same ids (all replays of the paced run).
    const again = await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + 2 * HOUR,
      stepMinutes: 15,
    });
    expect(again.batchIds).toEqual(paced.batchIds);
    expect(again.replays).toBe(again.batches);
  });

  it("skips distribution-point status when asked (an API without the dp-status endpoint) and counts what it skipped", async () => {
    const { api, release, token } = await setUp(demo);
    api.dpStatusRoute = false;
    const s = await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + 4 * HOUR,
      dpStatus: false,
    });
    expect(s.dpChanges).toBe(0);
    expect(s.dpChangesSkipped).toBeGreaterThan(0);
    expect(s.batchIds.some((id) => id.includes("-dp-"))).toBe(false);
    expect(s.statusMessages).toBeGreaterThan(0);
  });

  it("reports progress with the simulated clock and the advertisement's coverage", async () => {
    const { api, release, token } = await setUp(demo);
    const seen: { fraction: number; pct: number | undefined; phase: string }[] = [];
    await playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + 24 * HOUR,
      stepMinutes: 60,
      advertisementId: release.advertisement.advertisementId,
      onProgress: (p) => seen.push({ fraction: p.fraction, pct: p.coverage?.pct, phase: p.phase }),
    });
    const windows = seen.filter((p) => p.phase === "window");
    expect(windows).toHaveLength(24);
    expect(windows.map((p) => p.fraction)).toEqual([...windows.map((p) => p.fraction)].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ phase: "done", fraction: 1 });
    expect(windows[0]?.pct).toBe(0);
    expect(seen.at(-1)?.pct).toBeGreaterThan(50);
  });

  it("stops with the API's row-level reasons when a batch is rejected (here: a token that does not cover every site)", async () => {
    const { api, release } = await setUp(demo);
    const { token } = await api.createIngestToken({ name: "one site", siteCodes: ["CEN"] });
    const run = playThroughApi({
      client: api,
      ingestToken: token,
      simulation: newSim(demo, release),
      until: T0 + 12 * HOUR,
    });
    await expect(run).rejects.toSatisfy(
      (e: unknown) =>
        isApiCode(e, "VALIDATION_FAILED") && (e.details ?? []).some((d) => /may not report for site/.test(d.message)),
    );
  });
});
