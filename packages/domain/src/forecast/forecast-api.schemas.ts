import { z } from "zod";
import { TimestampSchema, UuidSchema } from "../common/http.js";
import { AdvertisementRecordSchema, FleetParamsSchema } from "../fleet/fleet-api.schemas.js";
import { CoveragePointSchema } from "../monitoring/monitoring.schemas.js";
import { ReleasePrioritySchema } from "../process/priority.js";
import {
  AdvertisementIdSchema,
  FlagWordSchema,
  PackageIdSchema,
  ScheduleTokenSchema,
  SiteCodeSchema,
} from "../sms/schemas.js";
import {
  ForecastBandPointSchema,
  ForecastDraftSchema,
  ForecastRequestSchema,
  ForecastResultSchema,
  ForecastVariantSchema,
} from "./forecast.schemas.js";

/**
 * The forecasts API (issue #7): a forecast is a row that a worker thread fills in — queued,
 * running with its progress, then done with the result or failed with a message.
 */

export const FORECAST_STATUSES = ["QUEUED", "RUNNING", "DONE", "FAILED"] as const;
export const ForecastStatusSchema = z.enum(FORECAST_STATUSES);
export type ForecastStatus = z.infer<typeof ForecastStatusSchema>;

export const forecastStatusLabels: Record<ForecastStatus, string> = {
  QUEUED: "Waiting to start",
  RUNNING: "Running",
  DONE: "Done",
  FAILED: "Failed",
};

/**
 * The program success rate a forecast assumes when the request does not give one. The engine
 * models no reruns, so this share is the ceiling of every curve: with the simulator's own default
 * of 95 % a 95 % goal could never be met, whatever the variant. A release reaches deployment only
 * after its acceptance tests passed, so 99 % is the honest expectation; the console shows the
 * ceiling and lets the user change it (e.g. to the failure share of a rollout under way).
 */
export const DEFAULT_FORECAST_API_PROGRAM_SUCCESS_PCT = 99;

/** What the draft may change against the advertisement it starts from (the settings a forecast compares). */
export const ForecastFromAdvertisementSchema = z.object({
  advertisementId: AdvertisementIdSchema,
  advertFlags: FlagWordSchema.optional().describe(
    'the Schedule tab\'s flags, e.g. ONSLOWNET ("slow-link box" cleared)',
  ),
  remoteClientFlags: FlagWordSchema.optional().describe("remote distribution point behaviour"),
  assignedSchedule: z
    .array(ScheduleTokenSchema)
    .max(15, "An advertisement has at most 15 mandatory assignments")
    .optional(),
  assignedScheduleEnabled: z.boolean().optional(),
  startTime: TimestampSchema.optional().describe("when distribution starts; default now"),
  siteCodes: z.array(SiteCodeSchema).min(1, "Name at least one site, or leave the sites out").optional(),
  courierSiteCodes: z.array(SiteCodeSchema).optional(),
});
export type ForecastFromAdvertisement = z.infer<typeof ForecastFromAdvertisementSchema>;

export const CreateForecastBodySchema = ForecastRequestSchema.omit({ draft: true, priority: true })
  .extend({
    draft: ForecastDraftSchema.optional().describe("a complete draft: package, program, advertisement, distribution"),
    fromAdvertisement: ForecastFromAdvertisementSchema.optional().describe(
      "or: start from an existing advertisement (with its program and package) and change a few settings",
    ),
    priority: ReleasePrioritySchema.optional().describe("default: the case's priority"),
    caseId: UuidSchema.optional().describe("the update case the forecast belongs to"),
    programSuccessPct: z
      .number({ message: "Enter the expected program success rate in percent" })
      .min(0, "The success rate is at least 0 %")
      .max(100, "The success rate is at most 100 %")
      .default(DEFAULT_FORECAST_API_PROGRAM_SUCCESS_PCT)
      .describe("share of program runs that succeed; no reruns are modelled, so this is the curve's ceiling"),
  })
  .superRefine((b, ctx) => {
    if (!b.draft === !b.fromAdvertisement)
      ctx.addIssue({
        code: "custom",
        path: ["draft"],
        message: "Give either a draft or the advertisement to start from (fromAdvertisement), not both",
      });
  })
  .meta({ id: "CreateForecastBody" });
export type CreateForecastBody = z.infer<typeof CreateForecastBodySchema>;
export type CreateForecastBodyInput = z.input<typeof CreateForecastBodySchema>;

export const ForecastParamsSchema = FleetParamsSchema.extend({ id: UuidSchema });

export const ListForecastsQuerySchema = z.object({
  caseId: UuidSchema.optional(),
  advertisementId: z.string().min(1).max(16).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListForecastsQuery = z.infer<typeof ListForecastsQuerySchema>;

/** The advertisement a forecast started from, as it was: applying a variant needs it unchanged. */
export const ForecastSourceSchema = z.object({
  advertisementId: z.string(),
  advertisementVersion: z.number().int().min(1),
  packageId: PackageIdSchema,
});
export type ForecastSource = z.infer<typeof ForecastSourceSchema>;

export const ForecastAppliedSchema = z.object({
  variant: ForecastVariantSchema,
  at: TimestampSchema,
  by: z.string(),
});
export type ForecastApplied = z.infer<typeof ForecastAppliedSchema>;

const summaryFields = {
  id: UuidSchema,
  version: z.number().int().min(1),
  caseId: UuidSchema.nullable(),
  advertisementId: z.string().nullable().describe("the advertisement the draft started from, when it exists"),
  status: ForecastStatusSchema,
  runsDone: z.number().int().min(0),
  runsTotal: z.number().int().min(0).describe("runs × variants actually simulated (identical variants run once)"),
  priority: ReleasePrioritySchema,
  error: z.string().nullable().describe("why the forecast failed"),
  createdBy: z.string().nullable(),
  createdAt: TimestampSchema,
  finishedAt: TimestampSchema.nullable(),
  applied: ForecastAppliedSchema.nullable().describe("the last variant applied from this forecast"),
};

export const ForecastSummarySchema = z.object(summaryFields).meta({ id: "ForecastSummary" });
export type ForecastSummary = z.infer<typeof ForecastSummarySchema>;

export const ForecastRecordSchema = z
  .object({
    ...summaryFields,
    request: ForecastRequestSchema,
    source: ForecastSourceSchema.nullable(),
    result: ForecastResultSchema.nullable(),
  })
  .meta({ id: "ForecastRecord" });
export type ForecastRecord = z.infer<typeof ForecastRecordSchema>;

export const ForecastListSchema = z.object({ items: z.array(ForecastSummarySchema) });
export type ForecastList = z.infer<typeof ForecastListSchema>;

export const ApplyForecastBodySchema = z.object({ variant: ForecastVariantSchema });
export type ApplyForecastBody = z.infer<typeof ApplyForecastBodySchema>;

export const ForecastAppliedChangeSchema = z.object({
  entity: z.enum(["ADVERTISEMENT", "SENDER_ADDRESS", "PACKAGE_SITE_DELIVERY"]),
  id: z.string(),
  summary: z.string(),
});
export type ForecastAppliedChange = z.infer<typeof ForecastAppliedChangeSchema>;

export const ApplyForecastPreviewQuerySchema = z.object({ variant: ForecastVariantSchema });

/** What applying a variant would change now: the confirmation lists exactly this. */
export const ApplyForecastPreviewSchema = z
  .object({
    variant: ForecastVariantSchema,
    advertisementId: z.string(),
    advertisementVersion: z.number().int().min(1).describe("the version to send as If-Match"),
    forecastAdvertisementVersion: z.number().int().min(1).describe("the version the forecast was made from"),
    changedSinceForecast: z
      .boolean()
      .describe("the advertisement changed after the forecast: applying is refused (409) unless nothing is left"),
    changes: z.array(ForecastAppliedChangeSchema),
    tasks: z.array(z.string()).describe("out-of-band tasks the apply creates, one sentence each"),
    notApplied: z
      .array(z.string())
      .describe("changes of the forecast variant that apply cannot carry out, one sentence each"),
    nothingLeft: z.boolean().describe("no change is left that apply can make (see notApplied for those it cannot)"),
    message: z.string(),
  })
  .meta({ id: "ApplyForecastPreview" });
export type ApplyForecastPreview = z.infer<typeof ApplyForecastPreviewSchema>;

export const ApplyForecastResultSchema = z
  .object({
    applied: z.boolean().describe("false when every change of the variant was in place already"),
    message: z.string(),
    variant: ForecastVariantSchema,
    changes: z.array(ForecastAppliedChangeSchema),
    notApplied: z
      .array(z.string())
      .describe("changes of the forecast variant that were not carried out, one sentence each"),
    tasksCreated: z.number().int().min(0).describe("out-of-band tasks: sender restores and Courier parcels"),
    advertisement: AdvertisementRecordSchema,
  })
  .meta({ id: "ApplyForecastResult" });
export type ApplyForecastResult = z.infer<typeof ApplyForecastResultSchema>;

// ---------------------------------------------------------------- forecast beside what happened

export const ForecastErrorFigureSchema = z.object({
  meanAbsPp: z.number().min(0).describe("mean absolute difference of the median forecast and the actual curve, pp"),
  maxAbsPp: z.number().min(0),
  insideBandPct: z.number().min(0).max(100).describe("share of the actual points inside the p10–p90 band"),
  points: z.number().int().min(1),
  from: TimestampSchema,
  to: TimestampSchema,
});
export type ForecastErrorFigure = z.infer<typeof ForecastErrorFigureSchema>;

export const ForecastVsActualSchema = z
  .object({
    caseId: UuidSchema,
    advertisementId: z.string().nullable(),
    forecast: z
      .object({
        id: UuidSchema,
        createdAt: TimestampSchema,
        variant: ForecastVariantSchema.describe("the variant applied from it, else the draft as it stood"),
        picked: z
          .enum(["APPLIED", "BEFORE_DEPLOYMENT", "NEWEST"])
          .describe(
            "why this forecast: a variant of it was applied; else the last one made before the deployment started; else the newest",
          ),
        startTime: TimestampSchema.describe(
          "the real start the band is aligned to (the deployment's start, else the forecast's)",
        ),
        forecastStartTime: TimestampSchema.describe("the start the forecast assumed"),
        offsetMinutes: z.number().int().describe("how far the band was moved: the real start minus the assumed one"),
        goalPct: z.number(),
        targetAt: TimestampSchema,
        maxAt: TimestampSchema,
        band: z.array(ForecastBandPointSchema),
      })
      .nullable(),
    actual: z
      .object({
        targeted: z.number().int().min(0),
        compliancePct: z.number().min(0).max(100),
        coverage: z.array(CoveragePointSchema),
        coverageBucketMinutes: z.number().int().nullable(),
        asOf: TimestampSchema.describe("the curve holds its last value until now: a stall counts in the error"),
      })
      .nullable(),
    error: ForecastErrorFigureSchema.nullable().describe("over the time both curves cover; null while they share none"),
    note: z.string().describe("what the comparison shows, or why there is none yet"),
  })
  .meta({ id: "ForecastVsActual" });
export type ForecastVsActual = z.infer<typeof ForecastVsActualSchema>;
