import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { MAX_COVERAGE_POINTS } from "../monitoring/monitoring.schemas.js";
import { ReleasePrioritySchema } from "../process/priority.js";
import { ConnectionProfileSchema } from "../sms/enums.js";
import {
  AdvertisementSchema,
  FlagWordSchema,
  PackageSchema,
  ProgramSchema,
  ResourceIdSchema,
  SiteCodeSchema,
} from "../sms/schemas.js";

/**
 * What-if forecast of a draft advertisement (product.md C11, issue #7): the expected coverage
 * curve over time as a band over many seeded simulations, the time to 50 / 90 / 95 / 100 %, the
 * release-priority target and maximum, and which computers and sites miss the deadline and why —
 * for the draft as it stands and for a few variants side by side.
 *
 * Times are hours from the forecast's start (`draft.distribution.startTime`, when distribution
 * begins); compliance is "succeeded / targeted" like the advertisement monitor, so the forecast
 * and the real curve can share one chart.
 */

// ---------------------------------------------------------------- variants

export const FORECAST_VARIANTS = [
  "AS_DRAFTED",
  "SLOW_LINK_CLEARED",
  "SENDERS_UNRESTRICTED",
  "COURIER_FOR_THIN_LINKS",
] as const;
export const ForecastVariantSchema = z.enum(FORECAST_VARIANTS, {
  message: "Choose a variant: AS_DRAFTED, SLOW_LINK_CLEARED, SENDERS_UNRESTRICTED or COURIER_FOR_THIN_LINKS",
});
export type ForecastVariant = z.infer<typeof ForecastVariantSchema>;

export const forecastVariantLabels: Record<ForecastVariant, string> = {
  AS_DRAFTED: "As drafted",
  SLOW_LINK_CLEARED: "Slow-link box cleared",
  SENDERS_UNRESTRICTED: "Sender restrictions lifted",
  COURIER_FOR_THIN_LINKS: "Courier for thin links",
};

export const forecastVariantDescriptions: Record<ForecastVariant, string> = {
  AS_DRAFTED: "The advertisement, package and sender addresses exactly as they are now.",
  SLOW_LINK_CLEARED:
    '"Assignments are not mandatory over slow links" cleared (ONSLOWNET set): slow-link clients are forced too. Advanced Clients still follow the "no local distribution point" choice.',
  SENDERS_UNRESTRICTED:
    "Every sender address on the package's way open to all priorities around the clock, with no rate limit.",
  COURIER_FOR_THIN_LINKS:
    "Sites whose link from their parent is slower than the threshold get the package by Courier Sender parcel.",
};

// ---------------------------------------------------------------- miss reasons

/**
 * Why a computer had not succeeded by the deadline — read from where the simulated client stood
 * at that instant (its stage, whether it was on, whether its DP had the package and why not).
 */
export const FORECAST_MISS_REASONS = [
  "NOT_FORCED_ON_SLOW_LINK",
  "NO_LOCAL_DP",
  "NOT_MANDATORY",
  "ASSIGNMENT_NOT_DUE",
  "ADDRESS_CLOSED",
  "LINK_TOO_SLOW",
  "COURIER_IN_TRANSIT",
  "NO_SENDER_ADDRESS",
  "NO_DP",
  "MACHINE_OFF",
  "WAITING_FOR_POLICY",
  "STILL_RUNNING",
  "PROGRAM_FAILED",
  "PROGRAM_DISABLED",
  "EXPIRED",
] as const;
export const ForecastMissReasonSchema = z.enum(FORECAST_MISS_REASONS);
export type ForecastMissReason = z.infer<typeof ForecastMissReasonSchema>;

export const forecastMissReasonLabels: Record<ForecastMissReason, string> = {
  NOT_FORCED_ON_SLOW_LINK: "Not forced over a slow link",
  NO_LOCAL_DP: "No local distribution point",
  NOT_MANDATORY: "No mandatory assignment",
  ASSIGNMENT_NOT_DUE: "Assignment after the deadline",
  ADDRESS_CLOSED: "Sender address closed",
  LINK_TOO_SLOW: "Link too slow",
  COURIER_IN_TRANSIT: "Courier parcel in transit",
  NO_SENDER_ADDRESS: "No sender address",
  NO_DP: "No distribution point",
  MACHINE_OFF: "Computer off",
  WAITING_FOR_POLICY: "Waiting for policy",
  STILL_RUNNING: "Still running",
  PROGRAM_FAILED: "Program failed",
  PROGRAM_DISABLED: "Program disabled",
  EXPIRED: "Advertisement expired",
};

export const forecastMissReasonDescriptions: Record<ForecastMissReason, string> = {
  NOT_FORCED_ON_SLOW_LINK:
    'The client is on a slow link and "Assignments are not mandatory over slow links" is checked: clear the box.',
  NO_LOCAL_DP:
    'An Advanced Client on a slow link with "Do not run program" when no distribution point is local: choose download from a remote distribution point.',
  NOT_MANDATORY: "The advertisement has no mandatory assignment, so nothing forces the program.",
  ASSIGNMENT_NOT_DUE: "The mandatory assignment is scheduled after the deadline.",
  ADDRESS_CLOSED:
    "The package was held by a sender address schedule: with the address open it would have reached the distribution point in time.",
  LINK_TOO_SLOW:
    "The link cannot carry the package in time: to the site's distribution point, or to the client downloading it.",
  COURIER_IN_TRANSIT: "The package travels to the site by Courier Sender parcel and had not arrived.",
  NO_SENDER_ADDRESS: "No sender address leads to the site, so neither the package nor the advertisement gets there.",
  NO_DP: "No distribution point serves the computer.",
  MACHINE_OFF: "The computer was off or away from the network.",
  WAITING_FOR_POLICY: "The computer had not yet picked up the advertisement or looked for the content again.",
  STILL_RUNNING: "The program was still running (or reading its files from the distribution point) at the deadline.",
  PROGRAM_FAILED: "The program ran and failed.",
  PROGRAM_DISABLED: "The program is disabled.",
  EXPIRED: "The advertisement expired before the program ran.",
};

// ---------------------------------------------------------------- request

export const FORECAST_RUNS_MIN = 5;
export const FORECAST_RUNS_MAX = 200;
export const DEFAULT_FORECAST_RUNS = 40;
/** Sixty days: the power model looks that far ahead. */
export const FORECAST_HORIZON_HOURS_MAX = 1440;
/** The compliance share a deadline is judged by (domain.md §7 `tCompliance`: 95 % within the target). */
export const DEFAULT_FORECAST_GOAL_PCT = 95;
/** Below this a link is "thin" for the Courier variant: the 56k dial-up links. */
export const DEFAULT_COURIER_THRESHOLD_KBPS = 64;
export const DEFAULT_FORECAST_LIST_LIMIT = 100;
export const FORECAST_LIST_LIMIT_MAX = 1000;
export const DEFAULT_FORECAST_PROGRAM_SUCCESS_PCT = 95;
export const FORECAST_MILESTONE_PCTS = [50, 90, 95, 100] as const;

export const ForecastDistributionSchema = z.object({
  startTime: TimestampSchema.describe("when distribution starts; the forecast's hours count from here"),
  siteCodes: z
    .array(SiteCodeSchema)
    .min(1, "Name at least one site, or leave the sites out to send to every site")
    .optional()
    .describe("sites whose DPs get the package; default every site below the package's source site"),
  courierSiteCodes: z
    .array(SiteCodeSchema)
    .optional()
    .describe("sites that get the package by Courier Sender parcel in the draft itself"),
});
export type ForecastDistribution = z.infer<typeof ForecastDistributionSchema>;

/** The draft: package, program and advertisement as SMS names them, and how the package is sent. */
export const ForecastDraftSchema = z
  .object({
    package: PackageSchema,
    program: ProgramSchema,
    advertisement: AdvertisementSchema,
    distribution: ForecastDistributionSchema,
  })
  .superRefine((d, ctx) => {
    if (d.program.packageId !== d.package.packageId)
      ctx.addIssue({
        code: "custom",
        path: ["program", "packageId"],
        message: "The program must belong to the package being forecast",
      });
    if (d.advertisement.packageId !== d.package.packageId)
      ctx.addIssue({
        code: "custom",
        path: ["advertisement", "packageId"],
        message: "The advertisement must advertise the package being forecast",
      });
    if (d.advertisement.programName !== d.program.programName)
      ctx.addIssue({
        code: "custom",
        path: ["advertisement", "programName"],
        message: "The advertisement must advertise the program being forecast",
      });
  });
export type ForecastDraft = z.infer<typeof ForecastDraftSchema>;

export const ForecastRequestSchema = z
  .object({
    draft: ForecastDraftSchema,
    priority: ReleasePrioritySchema.describe("the release priority whose target and maximum the forecast judges"),
    slaStartedAt: TimestampSchema.optional().describe(
      "when the priority's clock started (the case's SLA clock); default the distribution start",
    ),
    runs: z
      .number({ message: "Enter the number of runs" })
      .int("The number of runs is a whole number")
      .min(FORECAST_RUNS_MIN, `Use at least ${FORECAST_RUNS_MIN} runs`)
      .max(FORECAST_RUNS_MAX, `Use at most ${FORECAST_RUNS_MAX} runs`)
      .default(DEFAULT_FORECAST_RUNS),
    horizonHours: z
      .number({ message: "Enter the horizon in hours" })
      .int("The horizon is a whole number of hours")
      .min(1, "The horizon is at least one hour")
      .max(FORECAST_HORIZON_HOURS_MAX, `The horizon is at most ${FORECAST_HORIZON_HOURS_MAX} hours (60 days)`)
      .optional()
      .describe("how far the forecast looks; default the priority's maximum, at most 60 days"),
    variants: z
      .array(ForecastVariantSchema)
      .min(1, "Choose at least one variant")
      .refine((v) => new Set(v).size === v.length, "Choose each variant once")
      .default([...FORECAST_VARIANTS]),
    seed: z.number().int().min(0).max(0xffffffff, "The seed is an unsigned 32-bit number").default(1),
    goalPct: z
      .number({ message: "Enter the compliance goal in percent" })
      .min(50, "The goal is at least 50 %")
      .max(100, "The goal is at most 100 %")
      .default(DEFAULT_FORECAST_GOAL_PCT)
      .describe("the compliance a deadline is judged by"),
    courierThresholdKbps: z
      .number({ message: "Enter the thin-link threshold in kbit/s" })
      .positive("The thin-link threshold must be positive")
      .max(1_000_000, "The thin-link threshold is at most 1,000,000 kbit/s")
      .default(DEFAULT_COURIER_THRESHOLD_KBPS),
    programSuccessPct: z
      .number({ message: "Enter the expected program success rate in percent" })
      .min(0, "The success rate is at least 0 %")
      .max(100, "The success rate is at most 100 %")
      .default(DEFAULT_FORECAST_PROGRAM_SUCCESS_PCT)
      .describe("share of program runs that succeed (from testing or past rollouts)"),
    listLimit: z
      .number()
      .int()
      .min(1, "List at least one computer")
      .max(FORECAST_LIST_LIMIT_MAX, `List at most ${FORECAST_LIST_LIMIT_MAX} computers`)
      .default(DEFAULT_FORECAST_LIST_LIMIT)
      .describe("how many computers and sites each miss list shows; totals count all"),
  })
  .meta({ id: "ForecastRequest" });
export type ForecastRequest = z.infer<typeof ForecastRequestSchema>;
export type ForecastRequestInput = z.input<typeof ForecastRequestSchema>;

// ---------------------------------------------------------------- result

const pct = z.number().min(0).max(100).describe("percent, two decimals");
const count = z.number().int().min(0);
const hoursReached = z
  .number()
  .positive()
  .nullable()
  .describe("hours from the start; null when not reached within the horizon (never 0)");

export const ForecastPctBandSchema = z.object({ p10: pct, p50: pct, p90: pct });
export type ForecastPctBand = z.infer<typeof ForecastPctBandSchema>;

/** Percentiles over runs of the time to a compliance level: p10 is the early (lucky) end. */
export const ForecastHoursBandSchema = z.object({ p10: hoursReached, p50: hoursReached, p90: hoursReached });
export type ForecastHoursBand = z.infer<typeof ForecastHoursBandSchema>;

export const ForecastBandPointSchema = z.object({
  hours: z.number().min(0),
  at: TimestampSchema,
  p10: pct.describe("10th percentile of the runs' compliance at this time (the pessimistic edge)"),
  p50: pct,
  p90: pct,
});
export type ForecastBandPoint = z.infer<typeof ForecastBandPointSchema>;

export const ForecastMilestonesSchema = z.object({
  pct50: ForecastHoursBandSchema,
  pct90: ForecastHoursBandSchema,
  pct95: ForecastHoursBandSchema,
  pct100: ForecastHoursBandSchema,
});
export type ForecastMilestones = z.infer<typeof ForecastMilestonesSchema>;

export const ForecastDeadlineSchema = z.object({
  hours: z.number().describe("hours from the forecast's start (negative if it passed before the start)"),
  at: TimestampSchema,
  withinHorizon: z.boolean(),
  compliancePct: ForecastPctBandSchema.nullable().describe("compliance at the deadline; null beyond the horizon"),
  likelihood: z
    .number()
    .min(0)
    .max(1)
    .describe(
      "share of runs that reached the goal by the deadline (within the horizon when the deadline is beyond it)",
    ),
  met: z
    .boolean()
    .nullable()
    .describe(
      "the median run reached the goal by the deadline; null when the deadline is beyond the horizon and it was not reached within it",
    ),
});
export type ForecastDeadline = z.infer<typeof ForecastDeadlineSchema>;

export const ForecastMissedComputerSchema = z.object({
  resourceId: ResourceIdSchema,
  name: z.string(),
  siteCode: z.string(),
  connectionProfile: ConnectionProfileSchema,
  reason: ForecastMissReasonSchema.describe("the most frequent reason over the runs in which it missed"),
  missedRuns: count,
  runs: count.describe("runs that simulated this computer"),
});
export type ForecastMissedComputer = z.infer<typeof ForecastMissedComputerSchema>;

export const ForecastMissedSiteSchema = z.object({
  siteCode: z.string(),
  targets: count,
  expectedMissed: z.number().min(0).describe("expected computers of the site that miss, one decimal"),
  missPct: pct,
  reason: ForecastMissReasonSchema.describe("the reason behind most of the site's misses"),
  byReason: z.partialRecord(ForecastMissReasonSchema, z.number().min(0)),
});
export type ForecastMissedSite = z.infer<typeof ForecastMissedSiteSchema>;

export const ForecastMissesSchema = z.object({
  deadline: z.enum(["TARGET", "MAX", "HORIZON"]).describe("which instant the lists judge"),
  deadlineHours: z.number().positive(),
  expectedMissed: z.number().min(0).describe("expected targeted computers without success by the deadline"),
  byReason: z.partialRecord(ForecastMissReasonSchema, z.number().min(0)),
  computers: z.object({
    total: count.describe("computers that missed in most of the runs that simulated them"),
    items: z.array(ForecastMissedComputerSchema).max(FORECAST_LIST_LIMIT_MAX),
    truncated: z.boolean(),
  }),
  sites: z.object({
    total: count.describe("sites with an expected miss of at least half a computer"),
    items: z.array(ForecastMissedSiteSchema).max(FORECAST_LIST_LIMIT_MAX),
    truncated: z.boolean(),
  }),
});
export type ForecastMisses = z.infer<typeof ForecastMissesSchema>;

export const ForecastVariantChangesSchema = z.object({
  summary: z.array(z.string()).describe("what the variant changes, in sentences; empty for the draft"),
  advertFlags: FlagWordSchema.describe("the advertisement's AdvertFlags in this variant"),
  openedAddressIds: z.array(z.string()).describe("sender addresses opened around the clock with no rate limit"),
  courierSiteCodes: z.array(SiteCodeSchema).describe("sites that get the package by Courier parcel"),
});
export type ForecastVariantChanges = z.infer<typeof ForecastVariantChangesSchema>;

export const ForecastVariantResultSchema = z.object({
  variant: ForecastVariantSchema,
  sameAs: ForecastVariantSchema.nullable().describe("changes nothing against this variant, so its figures are copied"),
  changes: ForecastVariantChangesSchema,
  band: z.array(ForecastBandPointSchema).max(MAX_COVERAGE_POINTS + 1),
  final: ForecastPctBandSchema.describe("compliance at the horizon"),
  timeTo: ForecastMilestonesSchema,
  target: ForecastDeadlineSchema,
  max: ForecastDeadlineSchema,
  misses: ForecastMissesSchema,
});
export type ForecastVariantResult = z.infer<typeof ForecastVariantResultSchema>;

export const ForecastSamplingSchema = z.object({
  targets: count.describe("computers the advertisement targets"),
  computersPerRun: z.number().min(0).describe("mean targeted computers simulated in one run"),
  sampled: z.boolean().describe("true when a run simulates a share of the targets (large fleets)"),
  note: z.string(),
});
export type ForecastSampling = z.infer<typeof ForecastSamplingSchema>;

export const ForecastResultSchema = z
  .object({
    startTime: TimestampSchema,
    horizonHours: z.number().positive(),
    bucketMinutes: z.number().int().positive(),
    priority: ReleasePrioritySchema,
    goalPct: z.number().min(0).max(100),
    runs: count,
    seed: z.number().int().min(0),
    sampling: ForecastSamplingSchema,
    variants: z.array(ForecastVariantResultSchema).min(1),
  })
  .meta({ id: "ForecastResult" });
export type ForecastResult = z.infer<typeof ForecastResultSchema>;

export const ForecastProgressSchema = z
  .object({ runsDone: count, runsTotal: count })
  .refine((p) => p.runsDone <= p.runsTotal, { path: ["runsDone"], message: "More runs done than planned" });
export type ForecastProgress = z.infer<typeof ForecastProgressSchema>;
