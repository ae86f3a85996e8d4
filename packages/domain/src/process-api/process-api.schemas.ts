import { z } from "zod";
import { PageQuerySchema, TimestampSchema, UuidSchema, pageOf } from "../common/http.js";
import { RoleSchema } from "../auth/roles.js";
import { SoftwareUpdateSchema, VendorSeveritySchema } from "../process/updates.js";
import { ReleasePrioritySchema, PriorityPolicySchema } from "../process/priority.js";
import { SlaStateSchema } from "../process/sla.js";
import { CaseStateSchema } from "../process/case-states.js";
import { PhaseSchema } from "../process/phase.js";
import { UpdateCaseSchema } from "../process/case-machine.js";
import { AcceptanceTestSchema } from "../process/acceptance.js";
import { EmergencySchema, EmergencyStateSchema } from "../process/emergency.js";
import { OutOfBandTaskSchema, OobMethodSchema, OobTargetRefSchema, OobTaskKindSchema } from "../process/oob.js";
import { ChecklistItemKeySchema } from "../process/checklist.js";
import { ApplyChecklistBodySchema, DeclareEmergencyBodySchema } from "../process/requests.js";
import { AdvertisementIdSchema } from "../sms/schemas.js";
import { FleetRefSchema } from "../fleet/fleet-api.schemas.js";

/**
 * Request and response shapes of the process API (updates, cases, priority policy, emergencies,
 * war room, out-of-band tasks). Records are the domain records plus `id` and `version`
 * (ETag W/"<version>", If-Match on every write).
 */

const versioned = { id: UuidSchema, version: z.number().int() };

// ── software updates
export const SoftwareUpdateRecordSchema = z
  .object({ ...versioned, createdAt: TimestampSchema, record: SoftwareUpdateSchema })
  .meta({ id: "SoftwareUpdate" });
export type SoftwareUpdateRecord = z.infer<typeof SoftwareUpdateRecordSchema>;
export const SoftwareUpdateListSchema = z.object({ items: z.array(SoftwareUpdateRecordSchema) });

// ── SLA clock as the API reports it
export const SlaClockViewSchema = z.object({
  priority: ReleasePrioritySchema,
  startedAt: TimestampSchema,
  targetAt: TimestampSchema,
  maxAt: TimestampSchema,
  atRiskAt: TimestampSchema,
  msToTarget: z.number(),
  msToMax: z.number(),
  state: SlaStateSchema,
  closed: z.boolean(),
});
export type SlaClockView = z.infer<typeof SlaClockViewSchema>;

// ── cases
export const CaseSummarySchema = z
  .object({
    ...versioned,
    fleetId: UuidSchema,
    updateId: UuidSchema,
    kbNumber: z.string(),
    bulletinId: z.string().nullable(),
    title: z.string(),
    vendorSeverity: VendorSeveritySchema,
    status: CaseStateSchema,
    phase: PhaseSchema,
    priority: ReleasePrioritySchema.nullable().describe("the priority in force: confirmed, else initial"),
    priorityConfirmed: z.boolean(),
    sla: SlaClockViewSchema.nullable(),
    emergencyId: UuidSchema.nullable(),
    openTests: z.number().int(),
    alerts: z.array(z.string()),
    openedAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "CaseSummary" });
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export const ListCasesQuerySchema = PageQuerySchema.extend({
  phase: PhaseSchema.optional(),
  status: CaseStateSchema.optional(),
  priority: ReleasePrioritySchema.optional(),
  emergencyId: UuidSchema.optional(),
  open: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .describe("true: leave out CLOSED and NOT_RELEVANT cases"),
});
export type ListCasesQuery = z.infer<typeof ListCasesQuerySchema>;
export const CasePageSchema = pageOf(CaseSummarySchema);

export const AvailableActionSchema = z.object({
  action: z.string(),
  label: z.string(),
  enabled: z.boolean(),
  reason: z.string().optional(),
  gate: z.string().optional(),
  note: z.string().optional(),
});

export const TimelineEntrySchema = z.object({
  seq: z.string(),
  at: TimestampSchema,
  type: z.string(),
  actorName: z.string(),
  actorRole: z.string().nullable(),
  underAuthorityGrant: z.boolean(),
  caseId: UuidSchema.nullable(),
  emergencyId: UuidSchema.nullable(),
  summary: z.string(),
  payload: z.unknown(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const AcceptanceTestRecordSchema = AcceptanceTestSchema.and(z.object({ version: z.number().int() }));
export type AcceptanceTestRecord = z.infer<typeof AcceptanceTestRecordSchema>;

export const PrioritySuggestionSchema = z.object({
  suggested: ReleasePrioritySchema,
  alternatives: z.array(ReleasePrioritySchema).optional(),
  rule: z.string(),
  reasons: z.array(z.string()),
});

export const CaseDetailSchema = CaseSummarySchema.extend({
  record: UpdateCaseSchema,
  update: SoftwareUpdateRecordSchema,
  tests: z.array(AcceptanceTestRecordSchema),
  availableActions: z.array(AvailableActionSchema),
  suggestion: PrioritySuggestionSchema.nullable(),
  timeline: z.array(TimelineEntrySchema),
}).meta({ id: "CaseDetail" });
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

export const OpenCaseBodySchema = z.object({
  updateId: UuidSchema,
  fleet: z.union([z.literal("production"), UuidSchema]).default("production"),
});
export type OpenCaseBody = z.infer<typeof OpenCaseBodySchema>;

export const SuggestionQuerySchema = z.object({
  exploitedInTheWild: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .default(false),
  criticalAssetsExposed: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .default(false),
  mitigationInPlace: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .default(false),
});

// ── priority policy
export const PriorityPolicyRecordSchema = z.object({
  policy: PriorityPolicySchema,
  version: z.number().int(),
  updatedAt: TimestampSchema,
  updatedBy: z.string().nullable(),
});
export type PriorityPolicyRecord = z.infer<typeof PriorityPolicyRecordSchema>;

// ── emergencies and the war room
export const EmergencyRecordSchema = z
  .object({ ...versioned, fleetId: UuidSchema, record: EmergencySchema })
  .meta({ id: "Emergency" });
export type EmergencyRecord = z.infer<typeof EmergencyRecordSchema>;
export const EmergencyListSchema = z.object({ items: z.array(EmergencyRecordSchema) });

export const AuthorityGrantRecordSchema = z.object({
  id: UuidSchema,
  emergencyId: UuidSchema.nullable(),
  granteeId: UuidSchema,
  granteeName: z.string(),
  grantedById: UuidSchema,
  grantedByName: z.string(),
  justification: z.string(),
  startsAt: TimestampSchema,
  expiresAt: TimestampSchema,
  revokedAt: TimestampSchema.nullable(),
  status: z.enum(["ACTIVE", "EXPIRED", "REVOKED", "PENDING"]),
});
export type AuthorityGrantRecord = z.infer<typeof AuthorityGrantRecordSchema>;

export const RosterMemberSchema = z.object({
  userId: UuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  authority: z.enum(["LEAD", "GRANT"]).nullable(),
  grantExpiresAt: TimestampSchema.nullable(),
});

export const OobTaskRecordSchema = z
  .object({
    ...versioned,
    fleetId: UuidSchema,
    caseId: UuidSchema.nullable(),
    emergencyId: UuidSchema.nullable(),
    record: OutOfBandTaskSchema,
    ownerName: z.string().nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "OutOfBandTask" });
export type OobTaskRecord = z.infer<typeof OobTaskRecordSchema>;
export const ListOobTasksQuerySchema = PageQuerySchema.extend({
  emergencyId: UuidSchema.optional(),
  caseId: UuidSchema.optional(),
  state: z.string().max(40).optional(),
  kind: z.string().max(40).optional(),
  mine: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});
export type ListOobTasksQuery = z.infer<typeof ListOobTasksQuerySchema>;
export const OobTaskPageSchema = pageOf(OobTaskRecordSchema);

export const WarRoomSchema = z.object({
  emergency: EmergencyRecordSchema,
  cases: z.array(CaseSummarySchema),
  roster: z.array(RosterMemberSchema),
  grants: z.array(AuthorityGrantRecordSchema),
  timeline: z.array(TimelineEntrySchema),
  checklistApplications: z.array(
    z.object({
      id: UuidSchema,
      caseId: UuidSchema,
      appliedBy: z.string(),
      appliedAt: TimestampSchema,
      declined: z.unknown(),
    }),
  ),
  oobTaskCounts: z.record(z.string(), z.number().int()),
});
export type WarRoom = z.infer<typeof WarRoomSchema>;

// ── war-room requests and the emergency checklist (appended with the emergencies API)

/** Declare an emergency in a fleet (`production` or a drill sandbox). */
export const DeclareEmergencyRequestSchema = DeclareEmergencyBodySchema.extend({
  fleet: FleetRefSchema.default("production"),
});
export type DeclareEmergencyRequest = z.infer<typeof DeclareEmergencyRequestSchema>;

export const ListEmergenciesQuerySchema = z.object({
  fleet: FleetRefSchema.default("production"),
  state: EmergencyStateSchema.optional(),
});
export type ListEmergenciesQuery = z.infer<typeof ListEmergenciesQuerySchema>;

/** POST /api/emergencies/:id/cases: a case of the emergency's own fleet joins the open emergency. */
export const LinkEmergencyCaseBodySchema = z.object({ caseId: UuidSchema });
export type LinkEmergencyCaseBody = z.infer<typeof LinkEmergencyCaseBodySchema>;

export const GrantParamsSchema = z.object({ id: UuidSchema, grantId: UuidSchema });

/** Which case's release the checklist is planned for, and by when it must be done. */
export const ChecklistQuerySchema = z.object({
  caseId: UuidSchema,
  deadline: TimestampSchema.optional().describe("When the release must be done; default the case's SLA target"),
  advertisementId: AdvertisementIdSchema.optional().describe(
    "Needed only when the case's package has several advertisements and the case names none",
  ),
});
export type ChecklistQuery = z.infer<typeof ChecklistQuerySchema>;

export const ApplyEmergencyChecklistBodySchema = ApplyChecklistBodySchema.extend(ChecklistQuerySchema.shape);
export type ApplyEmergencyChecklistBody = z.infer<typeof ApplyEmergencyChecklistBodySchema>;

const ChecklistEntitySchema = z.enum(["ADVERTISEMENT", "COLLECTION", "SENDER_ADDRESS", "PACKAGE_SITE_DELIVERY"]);

export const ChecklistChangeSchema = z.object({
  entity: ChecklistEntitySchema,
  id: z.string(),
  before: z.record(z.string(), z.unknown()),
  after: z.record(z.string(), z.unknown()),
  summary: z.string(),
});

export const PlannedOobTaskSchema = z.object({
  kind: OobTaskKindSchema,
  targetRef: OobTargetRefSchema,
  method: OobMethodSchema,
  methodAlternatives: z.array(OobMethodSchema),
  dueAt: TimestampSchema.nullable(),
  reason: z.string(),
  savedBaseline: z.unknown().optional(),
});

export const ChecklistPlanSchema = z.object({
  items: z.array(
    z.object({
      key: ChecklistItemKeySchema,
      title: z.string(),
      explanation: z.string(),
      applicable: z.boolean(),
      declined: z.boolean(),
      changes: z.array(ChecklistChangeSchema),
      tasks: z.array(PlannedOobTaskSchema),
      notes: z.array(z.string()),
    }),
  ),
  sites: z.array(
    z.object({
      siteCode: z.string(),
      path: z.array(z.string()),
      addressIds: z.array(z.string()),
      bottleneckKbps: z.number().nullable(),
      networkArrivalAt: TimestampSchema.nullable(),
      via: z.enum(["SOURCE", "NETWORK", "COURIER", "UNREACHABLE"]),
      contentReadyAt: TimestampSchema.nullable(),
      isTarget: z.boolean(),
    }),
  ),
  summary: z.object({
    deadlineAt: TimestampSchema,
    packageSizeKB: z.number(),
    targetComputers: z.number().int(),
    advertisedComputers: z.number().int(),
    excludedInfraServers: z.number().int(),
    relaxedAddresses: z.number().int(),
    courierSites: z.array(z.string()),
    slowLinkClientTasks: z.number().int(),
    tasksByKind: z.record(z.string(), z.number().int()),
    declined: z.array(ChecklistItemKeySchema),
    notes: z.array(z.string()),
  }),
});

/** What applying now would still do, once what is already in place is left out. */
export const ChecklistWorkSchema = z.object({
  changes: z.array(ChecklistChangeSchema),
  /** Whether the package's preferred sender becomes Courier Sender (every remote target site needs a parcel). */
  packagePreferredSenderCourier: z.boolean(),
  tasksByKind: z.record(z.string(), z.number().int()),
  /** Planned tasks left out because the case (or, for restores, the address) has one already. */
  tasksAlreadyThere: z.number().int(),
  nothingLeft: z.boolean(),
});

export const ChecklistPreviewSchema = z
  .object({
    emergencyId: UuidSchema,
    /** The emergency's version: send it as If-Match when applying. */
    emergencyVersion: z.number().int(),
    caseId: UuidSchema,
    advertisementId: z.string(),
    packageId: z.string(),
    collectionId: z.string(),
    deadline: TimestampSchema,
    deadlineSource: z.enum(["SLA_TARGET", "REQUEST"]),
    plannedAt: TimestampSchema,
    plan: ChecklistPlanSchema,
    toApply: ChecklistWorkSchema,
  })
  .meta({ id: "ChecklistPreview" });
export type ChecklistPreview = z.infer<typeof ChecklistPreviewSchema>;

export const ChecklistApplyResultSchema = z
  .object({
    applied: z.boolean(),
    message: z.string(),
    applicationId: UuidSchema.nullable(),
    emergencyVersion: z.number().int(),
    changes: z.array(ChecklistChangeSchema.pick({ entity: true, id: true, summary: true })),
    tasksCreated: z.record(z.string(), z.number().int()),
    tasksAlreadyThere: z.number().int(),
    declined: z.array(z.object({ key: ChecklistItemKeySchema, reason: z.string() })),
  })
  .meta({ id: "ChecklistApplyResult" });
export type ChecklistApplyResult = z.infer<typeof ChecklistApplyResultSchema>;

export const ListOobTasksRequestSchema = ListOobTasksQuerySchema.extend({
  fleet: FleetRefSchema.optional().describe("Default: the fleet of the emergency or case asked for, else production"),
});
export type ListOobTasksRequest = z.infer<typeof ListOobTasksRequestSchema>;
export type OobTaskPage = z.infer<typeof OobTaskPageSchema>;

/** The preview's query: declined items (comma-separated keys) are planned without, as the apply will. */
export const ChecklistPreviewQuerySchema = ChecklistQuerySchema.extend({
  declined: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx) => {
      const keys = (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const k of keys) {
        if (!ChecklistItemKeySchema.safeParse(k).success) {
          ctx.addIssue({ code: "custom", message: `Unknown checklist item "${k}"` });
          return z.NEVER;
        }
      }
      return [...new Set(keys)] as z.infer<typeof ChecklistItemKeySchema>[];
    })
    .describe("Checklist item keys to plan as declined, comma-separated"),
});
export type ChecklistPreviewQuery = z.infer<typeof ChecklistPreviewQuerySchema>;
