import {
  AdvertFlags,
  ClientStatusMessageSchema,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  KB_PER_SECOND_PER_KBPS,
  ProgramFlags,
  arrivesBefore,
  businessHoursSchedule,
  foldClientState,
  nextClientState,
  transferSeconds,
  uniformAddressSchedule,
  type ClientAdvertState,
} from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { createSimulation, type SimBatch, type SimStatusMessage } from "./engine.js";
import { generateFleet } from "./presets.js";
import { emergencyRelease, loadRelease } from "./scenarios.js";
import { HOUR, T0, concat, tinyFleet } from "./test-support.js";

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const demo = generateFleet({ preset: "demo", seed: 7, startTime: T0 });
const slowIds = (fleet: typeof demo) => {
  const slow = new Set(fleet.boundaries.filter((b) => b.connection === "REMOTE_SLOW").map((b) => b.boundaryId));
  return new Set(
    fleet.computers
      .filter(
        (c) =>
          c.connectionProfile === "DIALUP" ||
          (c.currentBoundaryId ?? c.boundaryId) === null ||
          slow.has((c.currentBoundaryId ?? c.boundaryId) as string),
      )
      .map((c) => c.resourceId),
  );
};

function play(opts: {
  fleet?: typeof demo;
  seed?: number;
  hours: number;
  release?: Parameters<typeof emergencyRelease>[1];
  step?: number;
}) {
  const fleet = opts.fleet ?? demo;
  const sim = createSimulation({ fleet, seed: opts.seed ?? 1, startTime: T0 });
  const release = emergencyRelease(fleet, opts.release ?? { at: iso(T0) });
  loadRelease(sim, release);
  const batches: SimBatch[] = opts.step
    ? [...sim.batches(T0 + opts.hours * HOUR, opts.step)]
    : [sim.advance(T0 + opts.hours * HOUR)];
  return { sim, release, out: concat(batches), batches };
}

describe("slow links and ONSLOWNET", () => {
  it("a dial-up (or any slow-link) client never runs a mandatory program while ONSLOWNET is off", () => {
    const { sim, release, out } = play({ hours: 96, release: { at: iso(T0), onSlowNet: false } });
    const dialUp = new Set(demo.computers.filter((c) => c.connectionProfile === "DIALUP").map((c) => c.resourceId));
    const slow = slowIds(demo);
    expect(dialUp.size).toBeGreaterThan(10);
    const started = out.statusMessages.filter((m) => m.messageId === 10005);
    expect(started.length).toBeGreaterThan(1000);
    expect(started.filter((m) => slow.has(m.resourceId))).toEqual([]);
    // They did receive the advertisement: it is available to them, just not forced.
    expect(out.statusMessages.some((m) => m.messageId === 10002 && dialUp.has(m.resourceId))).toBe(true);
    expect(
      sim.advertisementProgress(release.advertisement.advertisementId).byStage.NOT_FORCED_SLOW_LINK,
    ).toBeGreaterThan(0);
  });

  it("with ONSLOWNET set (the emergency setting) dial-up clients do run it, downloading from a remote DP", () => {
    const { out } = play({ hours: 96, release: { at: iso(T0), onSlowNet: true } });
    const dialUp = new Set(demo.computers.filter((c) => c.connectionProfile === "DIALUP").map((c) => c.resourceId));
    expect(out.statusMessages.filter((m) => m.messageId === 10005 && dialUp.has(m.resourceId)).length).toBeGreaterThan(
      5,
    );
  });

  it("SMS's default RemoteClientFlags (0x30: don't run without a local DP) keeps slow-boundary Advanced Clients out even with ONSLOWNET", () => {
    const fleet = demo;
    const sim = createSimulation({ fleet, seed: 1, startTime: T0 });
    const r = emergencyRelease(fleet, { at: iso(T0) });
    r.advertisement.remoteClientFlags = DEFAULT_REMOTE_CLIENT_FLAGS;
    loadRelease(sim, r);
    const out = sim.advance(T0 + 72 * HOUR);
    const slowAdvanced = new Set(
      fleet.computers
        .filter((c) => c.clientType === "ADVANCED" && slowIds(fleet).has(c.resourceId))
        .map((c) => c.resourceId),
    );
    expect(out.statusMessages.filter((m) => m.messageId === 10005 && slowAdvanced.has(m.resourceId))).toEqual([]);
    expect(sim.advertisementProgress(r.advertisement.advertisementId).byStage.NO_LOCAL_DP).toBeGreaterThan(0);
  });
});

describe("distribution over sender addresses", () => {
  const dpInstalled = (out: Pick<SimBatch, "dpStatus">, server: string) =>
    out.dpStatus.find((d) => d.serverName === server && d.state === "INSTALLED");

  it("a package larger than the link can carry before the deadline misses it; a small one makes it", () => {
    const fleet = tinyFleet({ linkKbps: 56 });
    const deadline = T0 + 24 * HOUR;
    const bigKB = 800 * 1024;
    expect(
      arrivesBefore(bigKB, { bandwidthKbps: 56 }, fleet.addresses[0]!.usageSchedule, null, T0, deadline, "HIGH"),
    ).toBe(false);

    const big = play({ fleet, hours: 24, release: { at: iso(T0), sizeKB: bigKB } });
    expect(dpInstalled(big.out, "SLOSMS01")).toBeUndefined();
    expect(big.out.statusMessages.filter((m) => m.siteCode === "SLO" && m.messageId === 10005)).toEqual([]);
    expect(big.out.statusMessages.filter((m) => m.siteCode === "CEN" && m.messageId === 10005).length).toBe(20);

    const small = play({ fleet, hours: 24, release: { at: iso(T0), sizeKB: 100 } });
    expect(dpInstalled(small.out, "SLOSMS01")).toBeDefined();
    expect(
      small.out.statusMessages.filter((m) => m.siteCode === "SLO" && m.messageId === 10008).length,
    ).toBeGreaterThan(15);
  });

  it("the engine's arrival time is exactly what transferSeconds predicts (unlimited, pulse, hourly limit)", () => {
    const sizeKB = 5 * 1024;
    const cases = [
      { mode: "UNLIMITED" as const },
      { mode: "PULSE" as const, blockSizeKB: 4, delaySeconds: 3 },
      { mode: "HOURLY_LIMIT" as const, hourlyLimitPct: Array.from({ length: 24 }, (_, h) => (h < 12 ? 25 : 100)) },
    ];
    for (const rateLimit of cases) {
      const fleet = tinyFleet({ linkKbps: 128, rateLimit });
      const { out } = play({ fleet, hours: 48, release: { at: iso(T0), sizeKB } });
      const sendStart = T0 + 5 * MIN; // distribution manager at CEN
      const secs = transferSeconds(
        sizeKB,
        { bandwidthKbps: 128 },
        fleet.addresses[0]!.usageSchedule,
        rateLimit,
        sendStart,
        "HIGH",
      );
      const copyMs = (sizeKB / (100_000 * KB_PER_SECOND_PER_KBPS)) * 1000 + MIN;
      const expected = sendStart + secs * 1000 + 5 * MIN + copyMs;
      const got = Date.parse(dpInstalled(out, "SLOSMS01")!.time);
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(1);
    }
    // Pulse mode is slower than unlimited on the same link.
    const pulse = transferSeconds(sizeKB, { bandwidthKbps: 128 }, null, cases[1]!, T0, "HIGH");
    expect(pulse).toBeGreaterThan(transferSeconds(sizeKB, { bandwidthKbps: 128 }, null, cases[0]!, T0, "HIGH"));
  });

  it("closed hours move nothing: a package sent in a closed window arrives after the window opens", () => {
    // Tuesday 08:00–18:00 closed; distribution starts 08:00.
    const fleet = tinyFleet({ schedule: businessHoursSchedule({ inside: 4, outside: 1 }) });
    const at = T0 + 2 * HOUR;
    const { out } = play({ fleet, hours: 30, release: { at: iso(at), sizeKB: 1024 } });
    const installed = Date.parse(dpInstalled(out, "SLOSMS01")!.time);
    expect(installed).toBeGreaterThan(T0 + 12 * HOUR); // after 18:00
    expect(installed).toBeLessThan(T0 + 13 * HOUR);
  });

  it("high-only hours move only high-priority packages", () => {
    const fleet = tinyFleet({ schedule: uniformAddressSchedule(3) });
    const high = play({ fleet, hours: 24, release: { at: iso(T0), sizeKB: 1024, sendingPriority: "HIGH" } });
    expect(dpInstalled(high.out, "SLOSMS01")).toBeDefined();
    const low = play({ fleet, hours: 24, release: { at: iso(T0), sizeKB: 1024, sendingPriority: "LOW" } });
    expect(dpInstalled(low.out, "SLOSMS01")).toBeUndefined();
    expect(dpInstalled(low.out, "CENSMS01")).toBeDefined();
    expect(low.sim.stats().stalledTransfers).toBe(1);
    const medium = play({
      fleet: tinyFleet({ schedule: uniformAddressSchedule(2) }),
      hours: 24,
      release: { at: iso(T0), sizeKB: 1024, sendingPriority: "MEDIUM" },
    });
    expect(dpInstalled(medium.out, "SLOSMS01")).toBeDefined();
  });

  it("Courier Sender: the parcel takes days and the DP reports via COURIER_PARCEL", () => {
    const fleet = tinyFleet({ linkKbps: 56 });
    const { out } = play({ fleet, hours: 96, release: { at: iso(T0), sizeKB: 800 * 1024, courierSiteCodes: ["SLO"] } });
    const slo = dpInstalled(out, "SLOSMS01")!;
    expect(slo.via).toBe("COURIER_PARCEL");
    expect(Date.parse(slo.time) - T0).toBeGreaterThanOrEqual(24 * HOUR);
    expect(Date.parse(slo.time) - T0).toBeLessThanOrEqual(73 * HOUR);
    expect(dpInstalled(out, "CENSMS01")!.via).toBe("NETWORK");
    expect(out.dpStatus.filter((d) => d.serverName === "SLOSMS01").map((d) => d.state)).toEqual([
      "PENDING",
      "IN_PROGRESS",
      "INSTALLED",
    ]);
  });
});

describe("determinism", () => {
  const fingerprint = (o: { statusMessages: SimStatusMessage[] } & Pick<SimBatch, "compliance" | "dpStatus">) =>
    JSON.stringify(o);

  it("the same seed gives the same fleet and the same stream; chunking advance() does not change it", () => {
    const a = play({ fleet: generateFleet({ preset: "demo", seed: 3, startTime: T0 }), seed: 3, hours: 36 });
    const b = play({
      fleet: generateFleet({ preset: "demo", seed: 3, startTime: T0 }),
      seed: 3,
      hours: 36,
      step: 7 * MIN,
    });
    expect(a.out.statusMessages.length).toBeGreaterThan(5000);
    expect(fingerprint(b.out)).toBe(fingerprint(a.out));
    expect(b.batches.length).toBeGreaterThan(300);
  });

  it("a different seed gives a different fleet and stream", () => {
    const f3 = generateFleet({ preset: "demo", seed: 3, startTime: T0 });
    const f4 = generateFleet({ preset: "demo", seed: 4, startTime: T0 });
    expect(JSON.stringify(f4)).not.toBe(JSON.stringify(f3));
    const a = play({ fleet: f3, seed: 3, hours: 24 });
    const b = play({ fleet: f3, seed: 4, hours: 24 }); // same fleet, other engine seed
    expect(fingerprint(b.out)).not.toBe(fingerprint(a.out));
  });

  it("uses no Math.random or Date.now", () => {
    const random = Math.random;
    const now = Date.now;
    Math.random = () => {
      throw new Error("Math.random used");
    };
    Date.now = () => {
      throw new Error("Date.now used");
    };
    try {
      const out = play({ fleet: generateFleet({ preset: "demo", seed: 9, startTime: T0 }), seed: 9, hours: 12 }).out;
      expect(out.statusMessages.length).toBeGreaterThan(0);
    } finally {
      Math.random = random;
      Date.now = now;
    }
  });
});

describe("reporting", () => {
  it("machines that go off report late, but with the true event time", () => {
    const fleet = tinyFleet({ sloDesktops: 0, cenDesktops: 0, dialUps: 150, dialUpPower: "DIALUP_SESSIONS" });
    const sim = createSimulation({ fleet, seed: 5, startTime: T0, statusUploadMinutes: { min: 20, max: 20 } });
    loadRelease(sim, emergencyRelease(fleet, { at: iso(T0), sizeKB: 512 }));
    const out = sim.advance(T0 + 7 * 24 * HOUR);
    const late = out.statusMessages.filter((m) => Date.parse(m.reportedAt) - Date.parse(m.time) > 30 * MIN);
    expect(late.length).toBeGreaterThan(5);
    for (const m of late) {
      const t = Date.parse(m.time);
      // The event happened while the machine was on…
      expect(sim.machineOnline(m.resourceId, t)).toBe(true);
      // …it went off before the upload…
      let wentOff = false;
      for (let x = t; x <= t + 20 * MIN; x += MIN) if (!sim.machineOnline(m.resourceId, x)) wentOff = true;
      expect(wentOff).toBe(true);
      // …and the message was sent once it was back on.
      expect(sim.machineOnline(m.resourceId, Date.parse(m.reportedAt))).toBe(true);
    }
    // Every message keeps event order per machine regardless of when it was reported.
    const byMachine = new Map<number, SimStatusMessage[]>();
    for (const m of out.statusMessages) byMachine.set(m.resourceId, [...(byMachine.get(m.resourceId) ?? []), m]);
    for (const msgs of byMachine.values()) {
      const order = [10002, 10005, 10008];
      const times = order
        .map((id) => msgs.find((m) => m.messageId === id))
        .filter((m) => m !== undefined)
        .map((m) => Date.parse(m.time));
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      for (const m of msgs) expect(Date.parse(m.reportedAt)).toBeGreaterThanOrEqual(Date.parse(m.time));
    }
  });

  it("messages validate against the ingest schema, and batches carry only what was reported in their window", () => {
    const { batches } = play({ hours: 12, step: 60 * MIN });
    for (const b of batches) {
      for (const m of b.statusMessages) {
        expect(Date.parse(m.reportedAt)).toBeGreaterThan(Date.parse(b.from));
        expect(Date.parse(m.reportedAt)).toBeLessThanOrEqual(Date.parse(b.until));
      }
    }
    const sample = batches.flatMap((b) => b.statusMessages).slice(0, 500);
    for (const m of sample) expect(ClientStatusMessageSchema.safeParse(m).success).toBe(true);
  });

  it("a client state folded from the stream in any order equals the in-order fold", () => {
    const { out } = play({ hours: 48 });
    const byClient = new Map<string, SimStatusMessage[]>();
    for (const m of out.statusMessages) {
      const k = `${m.advertisementId}|${m.resourceId}`;
      byClient.set(k, [...(byClient.get(k) ?? []), m]);
    }
    let seed = 17;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (const msgs of byClient.values()) {
      const inOrder = foldClientState(msgs);
      const shuffled = [...msgs].sort(() => rand() - 0.5);
      let s: ClientAdvertState | null = null;
      for (const m of shuffled) s = nextClientState(s, m);
      expect(s).toEqual(inOrder);
    }
    const finals = [...byClient.values()].map((msgs) => foldClientState(msgs).state);
    expect(finals.filter((s) => s === "SUCCEEDED").length).toBeGreaterThan(finals.length * 0.7);
  });

  it("compliance: REQUIRED first, then INSTALLED / INSTALLED_PENDING_REBOOT → INSTALLED, or FAILED", () => {
    const { out } = play({ hours: 96 });
    const byMachine = new Map<number, { state: string; time: number }[]>();
    for (const r of out.compliance)
      byMachine.set(r.resourceId, [
        ...(byMachine.get(r.resourceId) ?? []),
        { state: r.state, time: Date.parse(r.time) },
      ]);
    let rebooted = 0;
    let failed = 0;
    for (const rows of byMachine.values()) {
      rows.sort((x, y) => x.time - y.time);
      expect(rows[0]?.state).toBe("REQUIRED");
      const pending = rows.find((r) => r.state === "INSTALLED_PENDING_REBOOT");
      const installed = rows.find((r) => r.state === "INSTALLED");
      if (pending && installed) {
        expect(installed.time).toBeGreaterThan(pending.time);
        rebooted++;
      }
      if (rows.some((r) => r.state === "FAILED")) failed++;
    }
    expect(rebooted).toBeGreaterThan(500);
    expect(failed).toBeGreaterThan(20);
    expect(
      out.statusMessages
        .filter((m) => m.messageId === 10006)
        .every((m) => m.exitCode !== undefined && m.exitCode !== 0),
    ).toBe(true);
    expect(new Set(out.statusMessages.filter((m) => m.messageId === 10008).map((m) => m.exitCode))).toEqual(
      new Set([0, 3010]),
    );
  });
});

describe("halt", () => {
  it("after DISABLED is set no client starts the program later than one policy cycle", () => {
    const haltAt = T0 + 2 * HOUR;
    const sim = createSimulation({ fleet: demo, seed: 1, startTime: T0 });
    const r = emergencyRelease(demo, { at: iso(T0) });
    loadRelease(sim, r);
    sim.setProgramFlags(
      r.program.packageId,
      r.program.programName,
      ProgramFlags.with(r.program.programFlags, "DISABLED", true),
      haltAt,
    );
    const out = sim.advance(T0 + 48 * HOUR);
    const starts = out.statusMessages.filter((m) => m.messageId === 10005).map((m) => Date.parse(m.time));
    expect(starts.some((t) => t < haltAt)).toBe(true);
    expect(Math.max(...starts)).toBeLessThanOrEqual(haltAt + 60 * MIN);
    expect(sim.advertisementProgress(r.advertisement.advertisementId).byStage.HALTED).toBeGreaterThan(100);
  });
});

describe("engine API", () => {
  it("reports progress and refuses to run backwards", () => {
    const sim = createSimulation({ fleet: demo, seed: 1, startTime: T0, progressEveryEvents: 1000 });
    loadRelease(sim, emergencyRelease(demo, { at: iso(T0) }));
    const seen: number[] = [];
    sim.advance(T0 + 12 * HOUR, { onProgress: (p) => seen.push(p.fraction) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1);
    expect(() => sim.advance(T0)).toThrow(RangeError);
  });

  it("an optional (non-mandatory) advertisement is received but not forced", () => {
    const sim = createSimulation({ fleet: demo, seed: 1, startTime: T0 });
    const r = emergencyRelease(demo, { at: iso(T0) });
    r.advertisement.assignedSchedule = [];
    r.advertisement.advertFlags = AdvertFlags.with(r.advertisement.advertFlags, "ONSLOWNET", false);
    loadRelease(sim, r);
    const out = sim.advance(T0 + 24 * HOUR);
    expect(out.statusMessages.filter((m) => m.messageId === 10002).length).toBeGreaterThan(1000);
    expect(out.statusMessages.filter((m) => m.messageId === 10005)).toEqual([]);
  });
});
