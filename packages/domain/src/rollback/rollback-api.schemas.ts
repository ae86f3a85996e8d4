import { z } from "zod";
import { PageQuerySchema, TimestampSchema, UuidSchema, pageOf } from "../common/http.js";
import { FleetRefSchema } from "../fleet/fleet-api.schemas.js";
import { CaseStateSchema } from "../process/case-states.js";
import { OobTaskStateSchema } from "../process/oob.js";
import { ReleasePrioritySchema } from "../process/priority.js";
import {
  AvailableActionSchema,
  SlaClockViewSchema,
  SoftwareUpdateRecordSchema,
  TimelineEntrySchema,
} from "../process-api/process-api.schemas.js";
import { RollbackRecordSchema } from "./rollback-machine.js";
import {
  PackageCleanupPlanSchema,
  RollbackAssessmentSchema,
  RollbackProgramsSchema,
  RollbackTargetingCountsSchema,
  RollbackVerificationFiguresSchema,
} from "./rollback-plan.js";
import { RollbackStateSchema, RollbackTargetingSchema } from "./rollback-states.js";

/**
 * Request and response shapes of the rollback API (/api/rollbacks). Records are the domain record
 * plus `id` and `version` (ETag W/"<version>", If-Match on every action).
 */

export const RollbackSummarySchema = z
  .object({
    id: UuidSchema,
    version: z.number().int(),
    fleetId: UuidSchema,
    updateId: UuidSchema,
    kbNumber: z.string(),
    bulletinId: z.string().nullable(),
    title: z.string(),
    caseId: UuidSchema.nullable(),
    emergencyId: UuidSchema.nullable(),
    status: RollbackStateSchema,
    priority: ReleasePrioritySchema,
    priorityConfirmed: z.boolean(),
    sla: SlaClockViewSchema.nullable(),
    targeting: RollbackTargetingSchema.nullable(),
    advertisementId: z.string().nullable(),
    openedAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "RollbackSummary" });
export type RollbackSummary = z.infer<typeof RollbackSummarySchema>;

export const ListRollbacksQuerySchema = PageQuerySchema.extend({
  fleet: FleetRefSchema.optional(),
  status: RollbackStateSchema.optional(),
  updateId: UuidSchema.optional(),
  caseId: UuidSchema.optional(),
  open: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("true: leave out CLOSED and CANCELLED rollbacks"),
});
export type ListRollbacksQuery = z.infer<typeof ListRollbacksQuerySchema>;
export const RollbackPageSchema = pageOf(RollbackSummarySchema);
export type RollbackPage = z.infer<typeof RollbackPageSchema>;

/** An ongoing deployment of the update: what the halt step disables. */
export const HaltPreviewItemSchema = z.object({
  advertisementId: z.string(),
  advertisementName: z.string(),
  packageId: z.string(),
  programName: z.string(),
  collectionId: z.string(),
  programDisabled: z.boolean(),
  advertisementState: z.string(),
});
export type HaltPreviewItem = z.infer<typeof HaltPreviewItemSchema>;

export const RollbackOobTaskSchema = z.object({
  id: UuidSchema,
  resourceId: z.number().int(),
  computerName: z.string().nullable(),
  state: OobTaskStateSchema,
  dueAt: TimestampSchema.nullable(),
});
export type RollbackOobTask = z.infer<typeof RollbackOobTaskSchema>;

/** A later update of the removal order, and the targeted computers of each option that still have it. */
export const LaterUpdateStillInstalledSchema = z.object({
  kbNumber: z.string(),
  sameCollection: z.number().int(),
  appliedOnly: z.number().int(),
});

export const RollbackDetailSchema = RollbackSummarySchema.extend({
  record: RollbackRecordSchema,
  update: SoftwareUpdateRecordSchema,
  case: z.object({ id: UuidSchema, status: CaseStateSchema }).nullable(),
  availableActions: z.array(AvailableActionSchema),
  /** Display names of the people the record names (user id → name). */
  people: z.record(z.string(), z.string()).default({}),
  /**
   * Feasibility against the catalog and the fleet's compliance as they are now, while the rollback
   * is being planned (requested, halted, cleaned up); `null` later — the record keeps the
   * assessment made at opening.
   */
  assessment: RollbackAssessmentSchema.nullable(),
  /** What the halt step disables, while it has not run. */
  haltPreview: z.array(HaltPreviewItemSchema),
  /** The clean-up the package step would do now; null once it ran. */
  cleanupPreview: PackageCleanupPlanSchema.nullable(),
  /** The rollback programs derived from the update's uninstall command and detection rule. */
  programs: RollbackProgramsSchema,
  /**
   * Options A and B side by side, counted now while the rollback is READY; after it is advertised,
   * the snapshot it was advertised to; `null` before.
   */
  targetingCounts: RollbackTargetingCountsSchema.nullable(),
  /** READY, order-sensitive: the updates to remove first, and the targeted computers that still have each. */
  laterUpdatesStillInstalled: z.array(LaterUpdateStillInstalledSchema).nullable().default(null),
  /** What the rollback advertisement will be, from the priority in force and the policy. */
  advertisementPreview: z
    .object({ mandatory: z.literal(true), overSlowLinks: z.boolean(), remoteDistributionPoints: z.boolean() })
    .nullable()
    .default(null),
  /** The out-of-band tasks verification created, open ones first (at most 200; see oobTaskCounts). */
  oobTasks: z.array(RollbackOobTaskSchema),
  /** All the rollback's out-of-band tasks, by state. */
  oobTaskCounts: z.partialRecord(OobTaskStateSchema, z.number().int()).default({}),
  timeline: z.array(TimelineEntrySchema),
  /** Things worth knowing about the action just taken (only in an action's answer). */
  warnings: z.array(z.string()).optional(),
}).meta({ id: "RollbackDetail" });
export type RollbackDetail = z.infer<typeof RollbackDetailSchema>;

export const RollbackDetailQuerySchema = z.object({
  fleet: FleetRefSchema.optional().describe(
    "The fleet the caller is looking at: a rollback of another fleet (e.g. a drill sandbox) answers 404",
  ),
});
export type RollbackDetailQuery = z.infer<typeof RollbackDetailQuerySchema>;

export const RollbackVerificationPreviewQuerySchema = RollbackDetailQuerySchema.extend({
  graceHours: z.coerce.number().min(0).max(720).optional(),
});
export type RollbackVerificationPreviewQuery = z.infer<typeof RollbackVerificationPreviewQuerySchema>;

/** What verification would find now, without acting (GET /api/rollbacks/:id/verification). */
export const RollbackVerificationPreviewSchema = RollbackVerificationFiguresSchema.extend({
  at: TimestampSchema,
}).meta({ id: "RollbackVerificationPreview" });
export type RollbackVerificationPreview = z.infer<typeof RollbackVerificationPreviewSchema>;
