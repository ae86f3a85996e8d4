import { describe, expect, it } from "vitest";
import { AdvertFlags, DEFAULT_PROGRAM_FLAGS, ProgramFlags } from "./flags.js";
import { isPatchInfrastructure } from "./enums.js";
import { businessHoursSchedule, openAddressSchedule } from "./schedule.js";
import {
  AddressScheduleSchema,
  AddressSchema,
  AdvertisementSchema,
  BoundarySchema,
  ClientStatusMessageSchema,
  ComputerSchema,
  PackageSchema,
  ProgramSchema,
  RateLimitSchema,
  SiteCodeSchema,
  SiteSchema,
  SiteSystemSchema,
} from "./schemas.js";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : (r.error?.issues.map((i) => i.message) ?? []);

describe("sites", () => {
  it("site codes are three characters A–Z / 0–9", () => {
    for (const ok of ["CEN", "P01", "123"]) expect(SiteCodeSchema.safeParse(ok).success).toBe(true);
    for (const bad of ["ce1", "CE", "CENT", "C-1", ""]) expect(SiteCodeSchema.safeParse(bad).success).toBe(false);
  });

  it("hierarchy rules", () => {
    expect(
      SiteSchema.safeParse({ siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null }).success,
    ).toBe(true);
    expect(
      messages(SiteSchema.safeParse({ siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: "LON" })),
    ).toEqual(["The central site has no parent site"]);
    expect(
      messages(SiteSchema.safeParse({ siteCode: "MAN", name: "Manchester", type: "SECONDARY", parentSiteCode: null })),
    ).toEqual(["A secondary site needs a parent primary site"]);
  });

  it("site systems: roles unique, patch infrastructure derived", () => {
    expect(
      SiteSystemSchema.safeParse({ serverName: "CENSMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP"] }).success,
    ).toBe(true);
    expect(SiteSystemSchema.safeParse({ serverName: "CENSMS01", siteCode: "CEN", roles: ["DP", "DP"] }).success).toBe(
      false,
    );
    const dp = { serverName: "BRNDP01", siteCode: "BRN", roles: ["DP"] };
    expect(SiteSystemSchema.safeParse({ ...dp, contentLinkKbps: 2048, capacityKbps: 100_000 }).success).toBe(true);
    expect(
      SiteSystemSchema.safeParse({ ...dp, contentLinkKbps: 0, capacityKbps: -5 }).error?.issues.map((i) => i.message),
    ).toEqual([
      "Content link bandwidth must be a positive number of kbit/s",
      "DP capacity must be a positive number of kbit/s",
    ]);
    expect(isPatchInfrastructure(["DP"])).toBe(true);
    expect(isPatchInfrastructure([])).toBe(false);
  });

  it("boundaries check the value against the kind", () => {
    const b = { boundaryId: "b1", siteCode: "CEN", kind: "IP_SUBNET", value: "10.20.0.0", connection: "LOCAL_FAST" };
    expect(BoundarySchema.safeParse(b).success).toBe(true);
    expect(BoundarySchema.safeParse({ ...b, value: "10.20.0.0/16" }).success).toBe(true);
    expect(BoundarySchema.safeParse({ ...b, value: "10.300.0.0" }).success).toBe(false);
    expect(BoundarySchema.safeParse({ ...b, kind: "IP_RANGE", value: "10.1.0.1-10.1.3.254" }).success).toBe(true);
    expect(BoundarySchema.safeParse({ ...b, kind: "AD_SITE", value: "London-HQ" }).success).toBe(true);
  });
});

describe("addresses", () => {
  it("schedules are exactly 7 × 24 values in 1..4", () => {
    expect(AddressScheduleSchema.safeParse(openAddressSchedule()).success).toBe(true);
    expect(AddressScheduleSchema.safeParse(businessHoursSchedule({ inside: 3, outside: 1 })).success).toBe(true);
    expect(messages(AddressScheduleSchema.safeParse(openAddressSchedule().slice(0, 6)))).toEqual([
      "The schedule has exactly 7 days",
    ]);
    const short = openAddressSchedule();
    short[3] = short[3]!.slice(0, 23);
    expect(messages(AddressScheduleSchema.safeParse(short))).toEqual(["Each day has exactly 24 hourly values"]);
    const bad = openAddressSchedule() as number[][];
    bad[0]![0] = 5;
    expect(AddressScheduleSchema.safeParse(bad).success).toBe(false);
    bad[0]![0] = 0;
    expect(AddressScheduleSchema.safeParse(bad).success).toBe(false);
  });

  it("rate limits", () => {
    expect(RateLimitSchema.safeParse({ mode: "UNLIMITED" }).success).toBe(true);
    expect(RateLimitSchema.safeParse({ mode: "PULSE", blockSizeKB: 3, delaySeconds: 5 }).success).toBe(true);
    expect(RateLimitSchema.safeParse({ mode: "PULSE", blockSizeKB: 0, delaySeconds: 5 }).success).toBe(false);
    expect(RateLimitSchema.safeParse({ mode: "PULSE", blockSizeKB: 300, delaySeconds: 5 }).success).toBe(false);
    expect(RateLimitSchema.safeParse({ mode: "PULSE", blockSizeKB: 3, delaySeconds: 0 }).success).toBe(false);
    expect(RateLimitSchema.safeParse({ mode: "HOURLY_LIMIT", hourlyLimitPct: Array(24).fill(50) }).success).toBe(true);
    expect(RateLimitSchema.safeParse({ mode: "HOURLY_LIMIT", hourlyLimitPct: Array(24).fill(0) }).success).toBe(false);
    expect(RateLimitSchema.safeParse({ mode: "HOURLY_LIMIT", hourlyLimitPct: Array(24).fill(101) }).success).toBe(
      false,
    );
    expect(RateLimitSchema.safeParse({ mode: "HOURLY_LIMIT", hourlyLimitPct: Array(23).fill(50) }).success).toBe(false);
  });

  it("an address points to another site", () => {
    const a = {
      addressId: "CEN-LON",
      siteCode: "CEN",
      destSiteCode: "LON",
      addressType: "MS_LAN",
      priorityOrder: 1,
      usageSchedule: openAddressSchedule(),
      unavailableAsSubstitute: false,
      rateLimit: { mode: "UNLIMITED" },
      bandwidthKbps: 2048,
    };
    expect(AddressSchema.safeParse(a).success).toBe(true);
    expect(AddressSchema.safeParse({ ...a, destSiteCode: "CEN" }).success).toBe(false);
  });
});

describe("packages, programs, computers", () => {
  const pkg = {
    packageId: "CEN0001A",
    name: "MS04-011 emergency",
    sourceVersion: 1,
    sizeKB: 5120,
    sendingPriority: "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: false,
    kind: "DEPLOY",
    updateIds: ["KB835732"],
  };

  it("package IDs and deltas", () => {
    expect(PackageSchema.safeParse(pkg).success).toBe(true);
    expect(PackageSchema.safeParse({ ...pkg, packageId: "CEN0001G" }).success).toBe(false);
    expect(PackageSchema.safeParse({ ...pkg, deltaSizeKB: 9999 }).success).toBe(false);
  });

  it("programs reject conflicting flags", () => {
    const p = {
      packageId: "CEN0001A",
      programName: "Install",
      commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
      programFlags: DEFAULT_PROGRAM_FLAGS,
      maxRunMinutes: 60,
      kind: "INSTALL",
      checksUpdatePresent: false,
    };
    expect(ProgramSchema.safeParse(p).success).toBe(true);
    const r = ProgramSchema.safeParse({
      ...p,
      programFlags: ProgramFlags.fromNames(["USERCONTEXT", "NOUSERLOGGEDIN"]),
    });
    expect(r.success).toBe(false);
    expect(ProgramSchema.safeParse({ ...p, programFlags: 2 ** 32 }).success).toBe(false);
  });

  it("computer names are NetBIOS names", () => {
    const c = {
      resourceId: 1,
      name: "LON-WS00001",
      siteCode: "LON",
      os: "Windows XP Professional",
      clientType: "ADVANCED",
      isLaptop: false,
      connectionProfile: "LAN",
      boundaryId: "b1",
      isPatchInfrastructure: false,
      lastSeenAt: null,
    };
    expect(ComputerSchema.safeParse(c).success).toBe(true);
    expect(ComputerSchema.safeParse({ ...c, name: "A-NAME-THAT-IS-TOO-LONG" }).success).toBe(false);
  });
});

describe("advertisements", () => {
  const ad = {
    advertisementId: "CEN20001",
    advertisementName: "MS04-011 emergency",
    packageId: "CEN0001A",
    programName: "Install",
    collectionId: "SMS00001",
    includeSubCollection: true,
    presentTime: "2026-03-10T10:00:00Z",
    expirationTime: null,
    assignedSchedule: [{ startTime: "2026-03-10T10:00:00Z" }],
    assignedScheduleEnabled: true,
    advertFlags: AdvertFlags.bitOf.ONSLOWNET,
    remoteClientFlags: 0x50,
    priority: 1,
  };

  it("accepts an emergency advertisement", () => {
    expect(AdvertisementSchema.safeParse(ad).success).toBe(true);
  });

  it("expiry must come after the start time", () => {
    expect(messages(AdvertisementSchema.safeParse({ ...ad, expirationTime: "2026-03-10T09:00:00Z" }))).toContain(
      "The advertisement must expire after its start time",
    );
  });

  it("ONSLOWNET / NO_DISPLAY only on mandatory advertisements", () => {
    const r = AdvertisementSchema.safeParse({
      ...ad,
      assignedSchedule: [],
      advertFlags: AdvertFlags.fromNames(["ONSLOWNET", "NO_DISPLAY"]),
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["advertFlags", "advertFlags"]);
  });

  it("priority is 1, 2 or 3", () => {
    expect(AdvertisementSchema.safeParse({ ...ad, priority: 4 }).success).toBe(false);
  });

  it("status message payload", () => {
    const m = {
      messageId: 10008,
      machineName: "LON-WS00001",
      resourceId: 1,
      siteCode: "LON",
      advertisementId: "CEN20001",
      time: "2026-03-10T10:05:00.000Z",
      exitCode: 3010,
    };
    expect(ClientStatusMessageSchema.safeParse(m).success).toBe(true);
    expect(ClientStatusMessageSchema.safeParse({ ...m, time: "yesterday" }).success).toBe(false);
  });
});
