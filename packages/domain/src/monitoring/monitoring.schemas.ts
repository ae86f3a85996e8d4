import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { ComplianceStateSchema, ConnectionProfileSchema } from "../sms/enums.js";
import { ClientStateSchema } from "../sms/status.js";
import { FleetParamsSchema } from "../fleet/fleet-api.schemas.js";
import { HaltVerificationSchema } from "../halt/halt-api.schemas.js";

/**
 * Deployment monitoring (C7): per advertisement and per update, how far a rollout has got —
 * counts by state, by site and by link class, failures by exit code, machines that never
 * reported, and the coverage curve over time. The stream route pushes the same snapshot.
 */

/** Windows Installer, update.exe and Windows Update exit codes an operator meets in a rollout. */
export const EXIT_CODE_MEANINGS: Readonly<Record<number, string>> = {
  0: "Success",
  2: "File not found (wrong command line or source)",
  5: "Access denied (the program lacked rights)",
  1602: "Cancelled by the user",
  1603: "Fatal error during installation",
  1605: "The product is not installed (nothing to remove)",
  1612: "Installation source not available",
  1618: "Another installation is in progress; retry later",
  1619: "The installation package could not be opened",
  1633: "Platform not supported by this package",
  1638: "Another version of the product is already installed",
  1641: "Success; the installer started a restart",
  3010: "Success; a restart is required to finish",
  [-2145124329]: "Update not applicable to this computer (0x80240017)",
  [-2147024891]: "Access denied (0x80070005)",
  [-2147023293]: "Fatal error during installation (0x80070643)",
  2359302: "Update already installed (0x00240006)",
};

/** A short meaning of an exit code, or undefined when the console does not know it. */
export const exitCodeMeaning = (exitCode: number | null): string | undefined =>
  exitCode === null ? "No exit code (failure reported by a status MIF)" : EXIT_CODE_MEANINGS[exitCode];

/** Curve points are kept at or under this many, the bucket growing with the span. */
export const MAX_COVERAGE_POINTS = 200;
/** Bucket sizes the coverage curve picks from, smallest first (seconds: 15 min … 1 day). */
export const COVERAGE_BUCKET_SECONDS = [900, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;
/** How many sampled machines `neverReported.sample` lists at most. */
export const NEVER_REPORTED_SAMPLE = 50;

const count = z.number().int().min(0);
const pct = z.number().min(0).max(100).describe("percent, two decimals");

const advertCounts = {
  targeted: count,
  succeeded: count,
  failed: count,
  noStatus: count.describe("targeted computers with no status for this advertisement yet"),
  compliancePct: pct.describe("succeeded / targeted"),
};

export const MonitorSiteRowSchema = z.object({ siteCode: z.string(), ...advertCounts });
export type MonitorSiteRow = z.infer<typeof MonitorSiteRowSchema>;
export const MonitorLinkClassRowSchema = z.object({ connectionProfile: ConnectionProfileSchema, ...advertCounts });
export type MonitorLinkClassRow = z.infer<typeof MonitorLinkClassRowSchema>;

export const ExitCodeCountSchema = z.object({
  exitCode: z.number().int().nullable().describe("null: the failure came from a status MIF without an exit code"),
  count,
  meaning: z.string().optional(),
});
export type ExitCodeCount = z.infer<typeof ExitCodeCountSchema>;

export const NeverReportedComputerSchema = z.object({
  resourceId: z.number().int(),
  name: z.string(),
  siteCode: z.string(),
  connectionProfile: ConnectionProfileSchema,
  lastSeenAt: TimestampSchema.nullable(),
});
export type NeverReportedComputer = z.infer<typeof NeverReportedComputerSchema>;

export const CoveragePointSchema = z.object({
  at: TimestampSchema.describe("end of the bucket: by this time `succeeded` computers had got there"),
  succeeded: count.describe("cumulative computers that had reached success by `at`"),
  pct,
});
export type CoveragePoint = z.infer<typeof CoveragePointSchema>;

const coverageFields = {
  coverage: z
    .array(CoveragePointSchema)
    .max(MAX_COVERAGE_POINTS)
    .describe("cumulative coverage over time; the first point is the start of the first bucket, at 0"),
  coverageBucketMinutes: z.number().int().nullable().describe("bucket size of the curve; null while it is empty"),
};

export const AdvertisementMonitorSchema = z
  .object({
    advertisementId: z.string(),
    generatedAt: TimestampSchema,
    ...advertCounts,
    byState: z.partialRecord(ClientStateSchema, count),
    bySite: z.array(MonitorSiteRowSchema),
    byLinkClass: z.array(MonitorLinkClassRowSchema),
    failures: z
      .array(ExitCodeCountSchema)
      .describe("exit codes of the computers now in FAILED, most frequent first (top 10)"),
    neverReported: z.object({
      count,
      sample: z.array(NeverReportedComputerSchema).max(NEVER_REPORTED_SAMPLE).describe("longest unseen first"),
    }),
    ...coverageFields,
    haltVerification: HaltVerificationSchema.optional().describe(
      "when the program was disabled, the last 'program started' (10005) and any start after the halt",
    ),
  })
  .meta({ id: "AdvertisementMonitor" });
export type AdvertisementMonitor = z.infer<typeof AdvertisementMonitorSchema>;

const updateCounts = {
  total: count.describe("computers with a compliance row for the update"),
  applicable: count.describe("total minus NOT_APPLICABLE"),
  installed: count.describe("INSTALLED + INSTALLED_PENDING_REBOOT"),
  required: count,
  failed: count,
  installedPct: pct.describe("installed / applicable"),
};

export const UpdateMonitorSiteRowSchema = z.object({ siteCode: z.string(), ...updateCounts });
export type UpdateMonitorSiteRow = z.infer<typeof UpdateMonitorSiteRowSchema>;
export const UpdateMonitorLinkClassRowSchema = z.object({
  connectionProfile: ConnectionProfileSchema,
  ...updateCounts,
});
export type UpdateMonitorLinkClassRow = z.infer<typeof UpdateMonitorLinkClassRowSchema>;

export const UpdateMonitorSchema = z
  .object({
    updateId: z.string(),
    generatedAt: TimestampSchema,
    ...updateCounts,
    byState: z.partialRecord(ComplianceStateSchema, count),
    bySite: z.array(UpdateMonitorSiteRowSchema),
    byLinkClass: z.array(UpdateMonitorLinkClassRowSchema),
    ...coverageFields,
  })
  .meta({ id: "UpdateMonitor" });
export type UpdateMonitor = z.infer<typeof UpdateMonitorSchema>;

export const UpdateMonitorParamsSchema = FleetParamsSchema.extend({
  updateId: z.string().trim().min(1).max(100).describe("the compliance update key, e.g. KB835732"),
});
export type UpdateMonitorParams = z.infer<typeof UpdateMonitorParamsSchema>;
