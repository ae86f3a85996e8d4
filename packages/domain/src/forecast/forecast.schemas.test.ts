import { describe, expect, it } from "vitest";
import { AdvertFlags, DEFAULT_REMOTE_CLIENT_FLAGS, ProgramFlags } from "../sms/flags.js";
import {
  DEFAULT_FORECAST_RUNS,
  FORECAST_VARIANTS,
  ForecastProgressSchema,
  ForecastRequestSchema,
  type ForecastDraft,
  type ForecastRequestInput,
} from "./forecast.schemas.js";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : (r.error?.issues.map((i) => i.message) ?? []);

const draft = (): ForecastDraft => ({
  package: {
    packageId: "CEN0001A",
    name: "KB835732 emergency release",
    sourceSite: "CEN",
    sourceVersion: 1,
    sizeKB: 5120,
    sendingPriority: "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: false,
    kind: "DEPLOY",
    updateIds: ["KB835732"],
  },
  program: {
    packageId: "CEN0001A",
    programName: "Install",
    commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
    programFlags: ProgramFlags.fromNames(["UNATTENDED", "ADMINRIGHTS"]),
    maxRunMinutes: 60,
    kind: "INSTALL",
    checksUpdatePresent: false,
  },
  advertisement: {
    advertisementId: "CEN20001",
    advertisementName: "KB835732 emergency",
    packageId: "CEN0001A",
    programName: "Install",
    collectionId: "CEN00010",
    includeSubCollection: true,
    presentTime: "2026-03-10T07:00:00.000Z",
    expirationTime: null,
    assignedSchedule: [{ startTime: "2026-03-10T07:00:00.000Z" }],
    assignedScheduleEnabled: true,
    advertFlags: AdvertFlags.bitOf.ONSLOWNET,
    remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
    priority: 1,
  },
  distribution: { startTime: "2026-03-10T06:00:00.000Z" },
});

const request = (o: Partial<ForecastRequestInput> = {}): ForecastRequestInput => ({
  draft: draft(),
  priority: "EMERGENCY",
  ...o,
});

describe("forecast request", () => {
  it("fills the defaults: 40 runs, every variant, 95 % goal", () => {
    const r = ForecastRequestSchema.parse(request());
    expect(r.runs).toBe(DEFAULT_FORECAST_RUNS);
    expect(r.variants).toEqual([...FORECAST_VARIANTS]);
    expect(r).toMatchObject({ goalPct: 95, seed: 1, courierThresholdKbps: 64, programSuccessPct: 95, listLimit: 100 });
    expect(r.horizonHours).toBeUndefined();
  });

  it("bounds the runs and the horizon with messages a user can act on", () => {
    expect(messages(ForecastRequestSchema.safeParse(request({ runs: 4 })))).toEqual(["Use at least 5 runs"]);
    expect(messages(ForecastRequestSchema.safeParse(request({ runs: 201 })))).toEqual(["Use at most 200 runs"]);
    expect(messages(ForecastRequestSchema.safeParse(request({ runs: 10.5 })))).toEqual([
      "The number of runs is a whole number",
    ]);
    expect(messages(ForecastRequestSchema.safeParse(request({ horizonHours: 0 })))).toEqual([
      "The horizon is at least one hour",
    ]);
    expect(messages(ForecastRequestSchema.safeParse(request({ horizonHours: 1441 })))).toEqual([
      "The horizon is at most 1440 hours (60 days)",
    ]);
  });

  it("takes each variant once and knows only the four", () => {
    expect(messages(ForecastRequestSchema.safeParse(request({ variants: ["AS_DRAFTED", "AS_DRAFTED"] })))).toEqual([
      "Choose each variant once",
    ]);
    expect(messages(ForecastRequestSchema.safeParse(request({ variants: [] })))).toEqual([
      "Choose at least one variant",
    ]);
    expect(ForecastRequestSchema.safeParse(request({ variants: ["FASTER" as "AS_DRAFTED"] })).success).toBe(false);
  });

  it("checks the draft with the SMS schemas and that its parts belong together", () => {
    const d = draft();
    d.advertisement.packageId = "CEN0001B";
    d.program.programName = "Other";
    const r = ForecastRequestSchema.safeParse(request({ draft: d }));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual([
      "draft.advertisement.packageId",
      "draft.advertisement.programName",
    ]);
    const bad = draft();
    bad.advertisement.advertFlags = 0x1_0000_0000;
    expect(messages(ForecastRequestSchema.safeParse(request({ draft: bad })))).toEqual([
      "A flag word is an unsigned 32-bit number",
    ]);
    const site = draft();
    site.distribution.courierSiteCodes = ["abz"];
    expect(ForecastRequestSchema.safeParse(request({ draft: site })).success).toBe(false);
  });
});

describe("forecast progress", () => {
  it("never reports more runs done than planned", () => {
    expect(ForecastProgressSchema.safeParse({ runsDone: 3, runsTotal: 120 }).success).toBe(true);
    expect(messages(ForecastProgressSchema.safeParse({ runsDone: 5, runsTotal: 4 }))).toEqual([
      "More runs done than planned",
    ]);
  });
});
