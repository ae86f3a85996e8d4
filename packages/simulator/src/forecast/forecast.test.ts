import {
  AdvertFlags,
  DEFAULT_PRIORITY_POLICY,
  ForecastResultSchema,
  KB_PER_SECOND_PER_KBPS,
  openAddressSchedule,
  transferSeconds,
  withRemoteClientModes,
  type ForecastProgress,
  type ForecastVariant,
  type HourUsage,
} from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { DEFAULT_CLIENT_LINK_KBPS, type FleetDescription } from "../fleet.js";
import { generateFleet } from "../presets.js";
import { emergencyRelease } from "../scenarios.js";
import { HOUR, T0 } from "../test-support.js";
import { forecastAdvertisement, type ForecastInput } from "./forecast.js";
import { ForecastInputError } from "./sampling.js";

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const SIZE_KB = 5 * 1024;

/**
 * The hand-computable fleet: central site CEN, secondary SLO behind one 56 kbit/s address, one
 * dial-up laptop homed at SLO (no boundary: a slow link, so it downloads from SLO's DP over its
 * own modem), always on.
 */
function handFleet(schedule: HourUsage[][] = openAddressSchedule()): FleetDescription {
  return {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null, utcOffsetMinutes: 0 },
      { siteCode: "SLO", name: "Slow secondary", type: "SECONDARY", parentSiteCode: "CEN", utcOffsetMinutes: 0 },
    ],
    siteSystems: [
      { serverName: "CENSMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP", "MP"] },
      { serverName: "SLOSMS01", siteCode: "SLO", roles: ["SITE_SERVER", "DP", "PROXY_MP"] },
    ],
    boundaries: [
      { boundaryId: "CEN-LAN", siteCode: "CEN", kind: "IP_SUBNET", value: "10.1.0.0/16", connection: "LOCAL_FAST" },
    ],
    addresses: [
      {
        addressId: "CEN>SLO",
        siteCode: "CEN",
        destSiteCode: "SLO",
        addressType: "MS_LAN",
        priorityOrder: 1,
        usageSchedule: schedule,
        unavailableAsSubstitute: false,
        rateLimit: { mode: "UNLIMITED" },
        bandwidthKbps: 56,
      },
    ],
    computers: [
      {
        resourceId: 1001,
        name: "SLO-LT00001",
        siteCode: "SLO",
        os: "Microsoft Windows XP Professional",
        servicePack: "Service Pack 1",
        clientType: "ADVANCED",
        isLaptop: true,
        connectionProfile: "DIALUP",
        boundaryId: null,
        isPatchInfrastructure: false,
        lastSeenAt: null,
        power: { profile: "ALWAYS_ON" },
      },
    ],
    collections: [
      {
        collectionId: "CEN00010",
        name: "All workstations",
        parentCollectionId: null,
        rules: [],
        purpose: "TARGET",
        memberResourceIds: [1001],
      },
    ],
  };
}

/**
 * Removes the model's randomness from the hand cases: every run succeeds at once, and the client
 * polls every millisecond, so it looks for the content the moment its DP has it.
 */
const exact: ForecastInput["model"] = {
  outcome: { successRate: 1, runMinutes: { min: 0, max: 0 } },
  policyPollingMinutes: 1 / 60_000,
};

function handForecast(o: {
  fleet?: FleetDescription;
  startMs?: number;
  onSlowNet?: boolean;
  variants?: ForecastVariant[];
  horizonHours?: number;
  seed?: number;
}) {
  const fleet = o.fleet ?? handFleet();
  const startMs = o.startMs ?? T0;
  const r = emergencyRelease(fleet, {
    at: iso(startMs),
    presentTime: iso(startMs),
    sizeKB: SIZE_KB,
    onSlowNet: o.onSlowNet ?? true,
  });
  return forecastAdvertisement({
    fleet,
    draft: {
      package: r.package,
      program: r.program,
      advertisement: r.advertisement,
      distribution: { startTime: iso(startMs) },
    },
    policy: DEFAULT_PRIORITY_POLICY,
    priority: "EMERGENCY",
    runs: 5,
    seed: o.seed ?? 1,
    horizonHours: o.horizonHours ?? 24,
    variants: o.variants ?? ["AS_DRAFTED"],
    model: exact,
  });
}

const variantOf = (res: ReturnType<typeof handForecast>, v: ForecastVariant) => {
  const out = res.variants.find((x) => x.variant === v);
  if (!out) throw new Error(`no ${v}`);
  return out;
};

describe("forecast arithmetic on a hand-built fleet", () => {
  // Distribution manager at CEN (5 min), the 56 kbit/s hop, the despooler at SLO (5 min), the
  // copy onto SLO's DP (the engine's 100 Mbit/s local copy + 1 min), then the laptop's download
  // over its modem. The program itself takes no time in these cases.
  const processing = 5 * MIN;
  const copyMs = (SIZE_KB / (100_000 * KB_PER_SECOND_PER_KBPS)) * 1000 + MIN;
  const downloadMs = (SIZE_KB / (DEFAULT_CLIENT_LINK_KBPS.DIALUP * KB_PER_SECOND_PER_KBPS)) * 1000;
  const expectedDoneMs = (startMs: number, schedule: HourUsage[][] | null) =>
    processing +
    transferSeconds(SIZE_KB, { bandwidthKbps: 56 }, schedule, { mode: "UNLIMITED" }, startMs + processing, "HIGH") *
      1000 +
    processing +
    copyMs +
    downloadMs;

  it("one dial-up laptop, one 56 kbit/s link, a 5 MB package: time to 100 % is the link time plus the modem time", () => {
    // By hand: 5,120 KB at 56 kbit/s (6.8359375 KB/s) is 748.98 s; at the modem's 48 kbit/s, 873.81 s.
    expect(transferSeconds(SIZE_KB, { bandwidthKbps: 56 }, null, null, T0, "HIGH")).toBeCloseTo(748.98, 2);
    expect(downloadMs / 1000).toBeCloseTo(873.81, 2);

    const res = handForecast({});
    const v = variantOf(res, "AS_DRAFTED");
    const expected = expectedDoneMs(T0, null);
    expect(expected / MIN).toBeCloseTo(38.05, 2);
    for (const p of ["p10", "p50", "p90"] as const) {
      const hours = v.timeTo.pct100[p];
      expect(hours).not.toBeNull();
      expect(Math.abs((hours as number) * HOUR - expected)).toBeLessThanOrEqual(1);
      // One computer: 50 % is reached at the same instant.
      expect(v.timeTo.pct50[p]).toBe(hours);
    }
    expect(v.final).toEqual({ p10: 100, p50: 100, p90: 100 });
    expect(v.target).toMatchObject({ hours: 24, withinHorizon: true, likelihood: 1, met: true });
    expect(v.misses.computers.total).toBe(0);
    expect(v.misses.expectedMissed).toBe(0);
    // The band is 0 until the laptop succeeds, then 100.
    const firstFull = v.band.find((p) => p.p50 === 100);
    expect(firstFull?.hours).toBeGreaterThanOrEqual(expected / HOUR);
    expect(v.band.filter((p) => p.hours < expected / HOUR).every((p) => p.p90 === 0)).toBe(true);
    expect(ForecastResultSchema.safeParse(res).success).toBe(true);
  });

  it("a closed address window delays the coverage by exactly the closed hours", () => {
    // Tuesday 06:00 and 07:00 closed; distribution starts at 05:55 so the hop would start at 06:00.
    const schedule = openAddressSchedule();
    const tuesday = schedule[2] as HourUsage[];
    tuesday[6] = 4;
    tuesday[7] = 4;
    const startMs = T0 - 5 * MIN;
    const open = variantOf(handForecast({ startMs }), "AS_DRAFTED");
    const closed = variantOf(handForecast({ startMs, fleet: handFleet(schedule) }), "AS_DRAFTED");
    const openMs = (open.timeTo.pct100.p50 as number) * HOUR;
    const closedMs = (closed.timeTo.pct100.p50 as number) * HOUR;
    expect(Math.abs(closedMs - openMs - 2 * HOUR)).toBeLessThanOrEqual(1);
    expect(Math.abs(closedMs - expectedDoneMs(startMs, schedule))).toBeLessThanOrEqual(1);
  });

  it("a package held by a closed address at the deadline is reported as ADDRESS_CLOSED", () => {
    // Closed from 06:00 to 10:00 Tuesday; the Emergency target is 24 h, so judge a 3 h horizon.
    const schedule = openAddressSchedule();
    for (const h of [6, 7, 8, 9]) (schedule[2] as HourUsage[])[h] = 4;
    const res = handForecast({ fleet: handFleet(schedule), startMs: T0 - 5 * MIN, horizonHours: 3 });
    const v = variantOf(res, "AS_DRAFTED");
    expect(v.misses.deadline).toBe("HORIZON"); // the target lies beyond the 3 h horizon
    expect(v.misses.deadlineHours).toBe(3);
    // The package waits at the closed address; with it open it would have been there in time.
    expect(v.misses.computers.items[0]).toMatchObject({ name: "SLO-LT00001", reason: "ADDRESS_CLOSED" });
    expect(v.timeTo.pct100).toEqual({ p10: null, p50: null, p90: null });
  });

  it("the slow-link variant forces the dial-up laptop that the draft leaves alone", () => {
    const res = handForecast({
      onSlowNet: false,
      variants: ["AS_DRAFTED", "SLOW_LINK_CLEARED", "SENDERS_UNRESTRICTED", "COURIER_FOR_THIN_LINKS"],
    });
    const drafted = variantOf(res, "AS_DRAFTED");
    expect(drafted.timeTo.pct100).toEqual({ p10: null, p50: null, p90: null });
    expect(drafted.final.p50).toBe(0);
    expect(drafted.target.met).toBe(false);
    expect(drafted.misses.computers.items).toEqual([
      {
        resourceId: 1001,
        name: "SLO-LT00001",
        siteCode: "SLO",
        connectionProfile: "DIALUP",
        reason: "NOT_FORCED_ON_SLOW_LINK",
        missedRuns: 5,
        runs: 5,
      },
    ]);
    expect(drafted.misses.sites.items[0]).toMatchObject({
      siteCode: "SLO",
      targets: 1,
      expectedMissed: 1,
      missPct: 100,
      reason: "NOT_FORCED_ON_SLOW_LINK",
    });

    const cleared = variantOf(res, "SLOW_LINK_CLEARED");
    expect(AdvertFlags.has(cleared.changes.advertFlags, "ONSLOWNET")).toBe(true);
    expect(cleared.changes.summary.join(" ")).toMatch(/Assignments are not mandatory over slow links/);
    expect(Math.abs((cleared.timeTo.pct100.p50 as number) * HOUR - expectedDoneMs(T0, null))).toBeLessThanOrEqual(1);
    expect(cleared.misses.computers.total).toBe(0);

    // The only address is open already: nothing to lift, the figures are the draft's.
    const senders = variantOf(res, "SENDERS_UNRESTRICTED");
    expect(senders.sameAs).toBe("AS_DRAFTED");
    expect(senders.changes.openedAddressIds).toEqual([]);
    expect(senders.timeTo).toEqual(drafted.timeTo);

    // 56 kbit/s is a thin link: SLO gets a parcel, which takes at least a day.
    const courier = variantOf(res, "COURIER_FOR_THIN_LINKS");
    expect(courier.changes.courierSiteCodes).toEqual(["SLO"]);
    expect(courier.sameAs).toBeNull();
  });

  it("Courier for thin links: the parcel is in transit at the deadline", () => {
    const res = handForecast({ variants: ["COURIER_FOR_THIN_LINKS"] });
    const v = variantOf(res, "COURIER_FOR_THIN_LINKS");
    expect(v.timeTo.pct100.p90).toBeNull();
    expect(v.misses.computers.items[0]?.reason).toBe("COURIER_IN_TRANSIT");
  });

  it("not reached within the horizon gives null, never 0, and a deadline past the horizon is not judged", () => {
    const res = handForecast({ horizonHours: 1, variants: ["AS_DRAFTED"] });
    const v = variantOf(res, "AS_DRAFTED");
    // 38 minutes: 50 % and 100 % are reached within the hour; a 20-minute horizon would not be.
    expect(v.timeTo.pct100.p50).not.toBeNull();
    const short = variantOf(
      handForecast({ horizonHours: 1, startMs: T0, fleet: handFleet(), variants: ["COURIER_FOR_THIN_LINKS"] }),
      "COURIER_FOR_THIN_LINKS",
    );
    for (const m of [short.timeTo.pct50, short.timeTo.pct90, short.timeTo.pct95, short.timeTo.pct100])
      expect(m).toEqual({ p10: null, p50: null, p90: null });
    expect(short.final).toEqual({ p10: 0, p50: 0, p90: 0 });
    expect(short.target).toMatchObject({ withinHorizon: false, compliancePct: null, likelihood: 0, met: null });
    expect(short.max).toMatchObject({ hours: 336, withinHorizon: false, met: null });
    // Reached within the horizon, the verdict holds for a later deadline too.
    expect(v.target).toMatchObject({ withinHorizon: false, compliancePct: null, likelihood: 1, met: true });
  });
});

describe("forecast on a generated fleet", () => {
  const fleet = generateFleet({ preset: "demo", seed: 11, startTime: T0, computers: 300 });
  const release = emergencyRelease(fleet, { at: iso(T0), onSlowNet: false });
  const input = (o: Partial<ForecastInput> = {}): ForecastInput => ({
    fleet,
    draft: {
      package: release.package,
      program: release.program,
      advertisement: release.advertisement,
      distribution: { startTime: iso(T0) },
    },
    policy: DEFAULT_PRIORITY_POLICY,
    priority: "EMERGENCY",
    runs: 6,
    seed: 3,
    horizonHours: 72,
    ...o,
  });

  it("is deterministic: the same seed gives the same result, another seed another", () => {
    const a = forecastAdvertisement(input());
    const b = forecastAdvertisement(input());
    expect(b).toEqual(a);
    const c = forecastAdvertisement(input({ seed: 4 }));
    expect(c.variants[0]?.band).not.toEqual(a.variants[0]?.band);
    expect(ForecastResultSchema.safeParse(a).success).toBe(true);
  });

  it("reports progress after every run and returns structured-clone friendly data", () => {
    const seen: ForecastProgress[] = [];
    const res = forecastAdvertisement(input({ onProgress: (p) => seen.push(p) }));
    const simulated = res.variants.filter((v) => v.sameAs === null).length;
    expect(seen.length).toBe(6 * simulated);
    expect(seen.map((p) => p.runsDone)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.every((p) => p.runsTotal === 6 * simulated)).toBe(true);
    expect(structuredClone(res)).toEqual(res);
  });

  it("samples a large fleet honestly: every target is simulated and the lists still name computers", () => {
    const res = forecastAdvertisement(input({ computersPerRun: 60, variants: ["AS_DRAFTED", "SLOW_LINK_CLEARED"] }));
    expect(res.sampling.sampled).toBe(true);
    expect(res.sampling.computersPerRun).toBeLessThan(res.sampling.targets);
    const drafted = variantOf(res, "AS_DRAFTED");
    const cleared = variantOf(res, "SLOW_LINK_CLEARED");
    // Clearing the slow-link box removes the NOT_FORCED_ON_SLOW_LINK misses and raises the curve.
    expect(drafted.misses.byReason.NOT_FORCED_ON_SLOW_LINK).toBeGreaterThan(0);
    expect(cleared.misses.byReason.NOT_FORCED_ON_SLOW_LINK).toBeUndefined();
    expect(cleared.final.p50).toBeGreaterThan(drafted.final.p50);
    for (const c of drafted.misses.computers.items) expect(c.runs).toBeGreaterThanOrEqual(1);
    // Bands are ordered and the curve never falls.
    for (const v of res.variants) {
      for (const p of v.band) expect(p.p10 <= p.p50 && p.p50 <= p.p90).toBe(true);
      const p50 = v.band.map((p) => p.p50);
      expect([...p50].sort((x, y) => x - y)).toEqual(p50);
    }
  });

  it("caps the lists and keeps the totals", () => {
    const res = forecastAdvertisement(input({ listLimit: 3, variants: ["AS_DRAFTED"] }));
    const m = variantOf(res, "AS_DRAFTED").misses;
    expect(m.computers.total).toBeGreaterThan(3);
    expect(m.computers.items).toHaveLength(3);
    expect(m.computers.truncated).toBe(true);
  });

  it("refuses a collection the fleet does not have, and sites it does not know", () => {
    const base = input();
    expect(() =>
      forecastAdvertisement({
        ...base,
        draft: { ...base.draft, advertisement: { ...base.draft.advertisement, collectionId: "CEN000FF" } },
      }),
    ).toThrow(ForecastInputError);
    expect(() =>
      forecastAdvertisement({
        ...base,
        draft: { ...base.draft, distribution: { startTime: iso(T0), courierSiteCodes: ["XYZ"] } },
      }),
    ).toThrow(/Site XYZ is not in this fleet/);
  });
});

describe("why a computer misses the deadline", () => {
  // The hand fleet's dial-up laptop at SLO; the package reaches SLO's DP about 24 minutes in.
  const reasonFor = (o: {
    noLocalDpMode?: "DONT_RUN" | "DOWNLOAD_REMOTE" | "RUN_REMOTE";
    offForDays?: number;
    siteCodes?: string[];
    horizonHours: number;
  }) => {
    const base = handFleet();
    const fleet: FleetDescription = o.offForDays
      ? {
          ...base,
          computers: base.computers.map((c) => ({
            ...c,
            power: { profile: "ALWAYS_ON" as const, offUntil: iso(T0 + o.offForDays! * 24 * HOUR) },
          })),
        }
      : base;
    const r = emergencyRelease(fleet, { at: iso(T0), presentTime: iso(T0), sizeKB: SIZE_KB, onSlowNet: true });
    const advertisement = o.noLocalDpMode
      ? {
          ...r.advertisement,
          remoteClientFlags: withRemoteClientModes(r.advertisement.remoteClientFlags, {
            noLocalDpMode: o.noLocalDpMode,
          }),
        }
      : r.advertisement;
    const res = forecastAdvertisement({
      fleet,
      draft: {
        package: r.package,
        program: r.program,
        advertisement,
        distribution: { startTime: iso(T0), ...(o.siteCodes ? { siteCodes: o.siteCodes } : {}) },
      },
      policy: DEFAULT_PRIORITY_POLICY,
      priority: "EMERGENCY",
      runs: 5,
      horizonHours: o.horizonHours,
      variants: ["AS_DRAFTED"],
      model: exact,
    });
    return res.variants[0]?.misses.computers.items[0]?.reason;
  };

  it("a client running the program from the DP over its modem is held up by the link while it reads the files", () => {
    // At 30 minutes the laptop has been reading the 5 MB over its 48 kbit/s modem for about 6 of its 14.6 minutes.
    expect(reasonFor({ noLocalDpMode: "RUN_REMOTE", horizonHours: 0.5 })).toBe("LINK_TOO_SLOW");
  });

  it("a slow-link client told not to run without a local DP misses for that", () => {
    expect(reasonFor({ noLocalDpMode: "DONT_RUN", horizonHours: 2 })).toBe("NO_LOCAL_DP");
  });

  it("a computer switched off through the deadline misses because it is off", () => {
    expect(reasonFor({ offForDays: 5, horizonHours: 2 })).toBe("MACHINE_OFF");
  });

  it("a client whose site the package is not sent to has no DP to get it from", () => {
    expect(reasonFor({ siteCodes: ["CEN"], horizonHours: 2 })).toBe("NO_DP");
  });
});
