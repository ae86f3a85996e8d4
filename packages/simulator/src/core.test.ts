import {
  AddressSchema,
  BoundarySchema,
  CollectionSchema,
  ComputerSchema,
  SiteSchema,
  SiteSystemSchema,
  isPatchInfrastructure,
} from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.js";
import { summarizeFleet } from "./fleet.js";
import { PowerModel } from "./power.js";
import { PRESET_COLLECTIONS, generateFleet } from "./presets.js";
import { Rng, hash32, hashFloat } from "./prng.js";
import { T0 } from "./test-support.js";

const DAY = 86_400_000;

describe("Rng / hashes", () => {
  it("is reproducible and seed-sensitive", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 50 }, () => a.nextUint32());
    expect(Array.from({ length: 50 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.nextUint32())).not.toEqual(xs);
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 2, 4));
  });

  it("floats are roughly uniform in [0, 1)", () => {
    const r = new Rng(1);
    const buckets = new Array<number>(10).fill(0);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.float();
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      buckets[Math.floor(x * 10)]!++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(600);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += hashFloat(7, i);
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});

describe("EventQueue", () => {
  it("pops in (time, insertion) order", () => {
    const q = new EventQueue(4);
    const r = new Rng(3);
    const pushed: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const t = r.int(0, 200);
      q.push(t, 1, i, 0);
      pushed.push([t, i]);
    }
    q.push(Number.POSITIVE_INFINITY, 1, -1, 0); // never scheduled
    pushed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const popped: [number, number][] = [];
    while (q.pop()) popped.push([q.popTime, q.popA]);
    expect(popped).toEqual(pushed);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("PowerModel", () => {
  const profiles = ["ALWAYS_ON", "OFFICE_HOURS", "LAPTOP_OFFICE", "VPN_SESSIONS", "DIALUP_SESSIONS"] as const;
  const pm = new PowerModel(11, profiles.length * 50);
  profiles.forEach((p, k) => {
    for (let m = 0; m < 50; m++)
      pm.set(k * 50 + m, p, 1000 + k * 50 + m, m === 0 ? T0 + 3 * DAY : null, k === 3 ? -300 : 60);
  });

  it("intervals are ordered, never overlap, and agree with isOnline", () => {
    for (let i = 0; i < profiles.length * 50; i++) {
      let t = T0;
      let lastEnd = -Infinity;
      for (let n = 0; n < 40 && t < T0 + 20 * DAY; n++) {
        if (!pm.find(i, t)) break;
        const { outStart: s, outEnd: e } = pm;
        expect(e).toBeGreaterThan(s);
        expect(s).toBeGreaterThanOrEqual(lastEnd);
        if (Number.isFinite(s) && s > t) expect(pm.isOnline(i, s - 1)).toBe(false);
        expect(pm.isOnline(i, Math.max(s, t))).toBe(true);
        lastEnd = e;
        t = e;
        if (!Number.isFinite(e)) break;
      }
    }
  });

  it("honours 'off until' and accumulates on-line time across sessions", () => {
    for (let k = 0; k < profiles.length; k++) {
      expect(pm.isOnline(k * 50, T0 + DAY)).toBe(false);
      expect(pm.nextOnline(k * 50, T0)).toBeGreaterThanOrEqual(T0 + 3 * DAY);
    }
    const dialUp = 4 * 50 + 7;
    const start = pm.nextOnline(dialUp, T0);
    const done = pm.accumulate(dialUp, start, 3 * 3_600_000); // 3 h of modem time spans several sessions
    let online = 0;
    for (let t = start; t < done; t += 60_000) if (pm.isOnline(dialUp, t)) online += 60_000;
    expect(Math.abs(online - 3 * 3_600_000)).toBeLessThanOrEqual(5 * 60_000);
    expect(done - start).toBeGreaterThan(24 * 3_600_000);
  });

  it("office desktops are mostly on in working hours and mostly off at night", () => {
    let day = 0;
    let night = 0;
    for (let m = 1; m < 50; m++) {
      const i = 50 + m;
      if (pm.isOnline(i, Date.parse("2026-03-11T12:00:00Z"))) day++;
      if (pm.isOnline(i, Date.parse("2026-03-11T02:00:00Z"))) night++;
    }
    expect(day).toBeGreaterThan(40);
    expect(night).toBeLessThan(12);
  });
});

describe("presets", () => {
  it("demo: 6–8 sites, a few thousand computers, every object valid against the domain schemas", () => {
    const fleet = generateFleet({ preset: "demo", seed: 1, startTime: T0 });
    const s = summarizeFleet(fleet, T0);
    expect(fleet.sites.length).toBeGreaterThanOrEqual(6);
    expect(fleet.sites.length).toBeLessThanOrEqual(8);
    expect(s.computers).toBeGreaterThan(2000);
    expect(s.computers).toBeLessThan(5000);
    for (const x of fleet.sites) expect(SiteSchema.safeParse(x).error).toBeUndefined();
    for (const x of fleet.siteSystems) expect(SiteSystemSchema.safeParse(x).error).toBeUndefined();
    for (const x of fleet.boundaries) expect(BoundarySchema.safeParse(x).error).toBeUndefined();
    for (const x of fleet.addresses) expect(AddressSchema.safeParse(x).error).toBeUndefined();
    for (const x of fleet.collections) expect(CollectionSchema.safeParse(x).error).toBeUndefined();
    for (const x of fleet.computers) expect(ComputerSchema.safeParse(x).error).toBeUndefined();
    expect(new Set(fleet.computers.map((c) => c.name)).size).toBe(fleet.computers.length);
    expect(new Set(fleet.computers.map((c) => c.resourceId)).size).toBe(fleet.computers.length);
  });

  it("enterprise: ~100k computers, ~40 sites in three tiers and a realistic mix", () => {
    const fleet = generateFleet({ preset: "enterprise", seed: 1, startTime: T0 });
    const s = summarizeFleet(fleet, T0);
    expect(s.sites).toEqual({ CENTRAL: 1, PRIMARY: 6, SECONDARY: 33 });
    expect(s.computers).toBeGreaterThan(99_000);
    expect(s.computers).toBeLessThan(101_000);
    for (const p of ["LAN", "WAN", "VPN", "DIALUP"] as const) expect(s.byConnectionProfile[p]).toBeGreaterThan(1000);
    expect(s.roaming).toBeGreaterThan(500);
    expect(s.offAtStart).toBeGreaterThan(1000);
    expect(s.legacyClients).toBeGreaterThan(1000);
    expect(s.infrastructureServers).toBeGreaterThan(40);
    // Infrastructure servers carry site-system roles and are not in the workstation target collection.
    const infra = new Set(fleet.siteSystems.map((x) => x.serverName));
    for (const c of fleet.computers.filter((c) => c.isPatchInfrastructure)) expect(infra.has(c.name)).toBe(true);
    for (const x of fleet.siteSystems) expect(isPatchInfrastructure(x.roles)).toBe(true);
    const targets = new Set(
      fleet.collections.find((c) => c.collectionId === PRESET_COLLECTIONS.ALL_WORKSTATIONS)!.memberResourceIds,
    );
    expect(fleet.computers.filter((c) => c.isPatchInfrastructure && targets.has(c.resourceId))).toEqual([]);
    // Links: backbone, thin WAN, dial-up RAS; some restrictive schedules and rate limits.
    const kbps = new Set(fleet.addresses.map((a) => a.bandwidthKbps));
    for (const k of [100_000, 45_000, 2048, 512, 128, 56]) expect(kbps.has(k)).toBe(true);
    expect(fleet.addresses.some((a) => a.addressType === "MS_ASYNC_RAS")).toBe(true);
    expect(fleet.addresses.some((a) => a.rateLimit.mode === "PULSE")).toBe(true);
    expect(fleet.addresses.some((a) => a.rateLimit.mode === "HOURLY_LIMIT")).toBe(true);
    expect(fleet.addresses.some((a) => a.usageSchedule.some((d) => d.includes(3)))).toBe(true);
  });
});
