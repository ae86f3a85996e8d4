import { AdvertFlags, businessHoursSchedule, uniformAddressSchedule, type ForecastDraft } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import type { FleetDescription } from "../fleet.js";
import { emergencyRelease } from "../scenarios.js";
import { T0, tinyFleet } from "../test-support.js";
import { buildTopology } from "./topology.js";
import { planVariant } from "./variants.js";

const draftFor = (
  fleet: FleetDescription,
  o: Parameters<typeof emergencyRelease>[1] = { at: new Date(T0).toISOString() },
) => {
  const r = emergencyRelease(fleet, o);
  return {
    package: r.package,
    program: r.program,
    advertisement: r.advertisement,
    distribution: { startTime: o.at },
  } satisfies ForecastDraft;
};
const ctx = (fleet: FleetDescription, draft: ForecastDraft, courierThresholdKbps = 64) => ({
  topology: buildTopology(fleet),
  draft,
  courierThresholdKbps,
});

describe("forecast variants", () => {
  it("as drafted changes nothing", () => {
    const fleet = tinyFleet();
    const draft = draftFor(fleet);
    const p = planVariant("AS_DRAFTED", ctx(fleet, draft));
    expect(p.advertisement).toBe(draft.advertisement);
    expect(p.addresses).toBe(fleet.addresses);
    expect(p.changes).toEqual({
      summary: [],
      advertFlags: draft.advertisement.advertFlags,
      openedAddressIds: [],
      courierSiteCodes: [],
    });
  });

  it("clearing the slow-link box sets ONSLOWNET on a mandatory draft, and nothing else", () => {
    const fleet = tinyFleet();
    const draft = draftFor(fleet, { at: new Date(T0).toISOString(), onSlowNet: false });
    const before = JSON.stringify(draft);
    const p = planVariant("SLOW_LINK_CLEARED", ctx(fleet, draft));
    expect(AdvertFlags.has(p.advertisement.advertFlags, "ONSLOWNET")).toBe(true);
    expect({ ...p.advertisement, advertFlags: 0 }).toEqual({ ...draft.advertisement, advertFlags: 0 });
    expect(JSON.stringify(draft)).toBe(before);
    expect(p.key).not.toBe(planVariant("AS_DRAFTED", ctx(fleet, draft)).key);
  });

  it("the slow-link box does not apply without a mandatory assignment", () => {
    const fleet = tinyFleet();
    const draft = draftFor(fleet, { at: new Date(T0).toISOString(), onSlowNet: false });
    draft.advertisement = { ...draft.advertisement, assignedSchedule: [] };
    const p = planVariant("SLOW_LINK_CLEARED", ctx(fleet, draft));
    expect(p.changes.summary[0]).toMatch(/no mandatory assignment/);
    expect(p.key).toBe(planVariant("AS_DRAFTED", ctx(fleet, draft)).key);
  });

  it("lifting sender restrictions opens the restricted address on the way, around the clock, unlimited", () => {
    const fleet = tinyFleet({
      schedule: businessHoursSchedule({ inside: 4, outside: 1 }),
      rateLimit: { mode: "PULSE", blockSizeKB: 4, delaySeconds: 5 },
    });
    const before = JSON.stringify(fleet);
    const p = planVariant("SENDERS_UNRESTRICTED", ctx(fleet, draftFor(fleet)));
    expect(p.changes.openedAddressIds).toEqual(["CEN>SLO"]);
    expect(p.changes.summary[0]).toMatch(/Open sender address CEN>SLO \(CEN → SLO\)/);
    const a = p.addresses.find((x) => x.addressId === "CEN>SLO");
    expect(a?.rateLimit).toEqual({ mode: "UNLIMITED" });
    expect(a?.usageSchedule.flat().every((u) => u === 1)).toBe(true);
    expect(JSON.stringify(fleet)).toBe(before);
  });

  it("a high-only schedule does not restrict a high-priority package and advertisement", () => {
    const fleet = tinyFleet({ schedule: uniformAddressSchedule(3) });
    const p = planVariant("SENDERS_UNRESTRICTED", ctx(fleet, draftFor(fleet)));
    expect(p.changes.openedAddressIds).toEqual([]);
    expect(p.changes.summary[0]).toMatch(/already open/);
    const low = draftFor(fleet, { at: new Date(T0).toISOString(), sendingPriority: "LOW" });
    expect(planVariant("SENDERS_UNRESTRICTED", ctx(fleet, low)).changes.openedAddressIds).toEqual(["CEN>SLO"]);
  });

  it("Courier for thin links picks the sites whose link is below the threshold", () => {
    const thin = tinyFleet({ linkKbps: 56 });
    const p = planVariant("COURIER_FOR_THIN_LINKS", ctx(thin, draftFor(thin)));
    expect(p.courierSiteCodes).toEqual(["SLO"]);
    expect(p.changes.summary[0]).toMatch(/SLO by Courier Sender parcel: its link is 56 kbit\/s, below 64 kbit\/s/);
    const wide = tinyFleet({ linkKbps: 2048 });
    const q = planVariant("COURIER_FOR_THIN_LINKS", ctx(wide, draftFor(wide)));
    expect(q.courierSiteCodes).toEqual([]);
    expect(q.changes.summary[0]).toMatch(/No site's link is slower than 64 kbit\/s/);
    expect(planVariant("COURIER_FOR_THIN_LINKS", ctx(wide, draftFor(wide), 4096)).courierSiteCodes).toEqual(["SLO"]);
  });

  it("Courier skips a thin-linked site whose DPs already hold the current version", () => {
    const thin = tinyFleet({ linkKbps: 56 });
    const draft = draftFor(thin);
    const version = draft.package.sourceVersion;
    const stale = planVariant("COURIER_FOR_THIN_LINKS", {
      ...ctx(thin, draft),
      dpStoredVersions: { SLOSMS01: version - 1 },
    });
    expect(stale.courierSiteCodes).toEqual(["SLO"]);
    const held = planVariant("COURIER_FOR_THIN_LINKS", {
      ...ctx(thin, draft),
      dpStoredVersions: { SLOSMS01: version },
    });
    expect(held.courierSiteCodes).toEqual([]);
    expect(held.key).toBe(planVariant("AS_DRAFTED", ctx(thin, draft)).key);
  });
});
