import { z } from "zod";
import { PageQuerySchema, TimestampSchema, UuidSchema, pageOf } from "../common/http.js";
import {
  AddressSchema,
  AddressScheduleSchema,
  AdvertisementSchema,
  BoundarySchema,
  ClientStatusMessageSchema,
  DpStatusChangeSchema,
  CollectionRuleSchema,
  CollectionSchema,
  ComputerSchema,
  PackageDpStatusSchema,
  PackageSchema,
  ProgramSchema,
  RateLimitSchema,
  SiteSchema,
  SiteSystemSchema,
  SiteSystemViewSchema,
  UpdateComplianceRowSchema,
  SiteCodeSchema,
  FlagWordSchema,
  ScheduleTokenSchema,
} from "../sms/schemas.js";
import {
  AddressTypeSchema,
  SiteTypeSchema,
  ComplianceStateSchema,
  AdvertPrioritySchema,
  CollectionPurposeSchema,
  ConnectionProfileSchema,
  ClientTypeSchema,
  PreferredSenderSchema,
  SendingPrioritySchema,
} from "../sms/enums.js";
import { ClientStateSchema } from "../sms/status.js";

/**
 * Request and response shapes of the fleet API. A fleet is `production` or a drill sandbox id;
 * every route sits under /api/fleets/:fleet so no query can cross fleets.
 */
export const PRODUCTION_FLEET_ID = "00000000-0000-4000-8000-000000000001";
export const FleetRefSchema = z.union([z.literal("production"), UuidSchema], {
  message: 'A fleet is "production" or a drill sandbox id',
});
export const FleetParamsSchema = z.object({ fleet: FleetRefSchema });
export type FleetParams = z.infer<typeof FleetParamsSchema>;

const versioned = { id: UuidSchema, version: z.number().int() };

// ── Sites
export const SiteRecordSchema = z
  .object({
    ...versioned,
    siteCode: z.string(),
    name: z.string(),
    type: SiteTypeSchema,
    parentSiteCode: z.string().nullable(),
    utcOffsetMinutes: z.number().int(),
    computerCount: z.number().int(),
  })
  .meta({ id: "Site" });
export type SiteRecord = z.infer<typeof SiteRecordSchema>;
export const SiteListSchema = z.object({ items: z.array(SiteRecordSchema) });
export const CreateSiteBodySchema = SiteSchema;
export const UpdateSiteBodySchema = z.object({
  name: z.string().trim().min(1, "Enter a site name").max(50).optional(),
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
});
export const SiteParamsSchema = FleetParamsSchema.extend({ siteCode: SiteCodeSchema });

export const SiteSystemListSchema = z.object({ items: z.array(SiteSystemViewSchema.extend({ id: UuidSchema })) });
export const BoundaryListSchema = z.object({ items: z.array(BoundarySchema.and(z.object({ id: UuidSchema }))) });

// ── Sender addresses
export const SenderAddressRecordSchema = z
  .object({
    ...versioned,
    addressId: z.string(),
    siteCode: z.string(),
    destSiteCode: z.string(),
    addressType: AddressTypeSchema,
    priorityOrder: z.number().int(),
    usageSchedule: AddressScheduleSchema,
    unavailableAsSubstitute: z.boolean(),
    rateLimit: RateLimitSchema,
    bandwidthKbps: z.number(),
    relaxedForEmergency: z
      .boolean()
      .describe("true while an emergency has opened this address; its old settings are saved"),
    updatedAt: TimestampSchema,
  })
  .meta({ id: "SenderAddress" });
export type SenderAddressRecord = z.infer<typeof SenderAddressRecordSchema>;
export const SenderAddressListSchema = z.object({ items: z.array(SenderAddressRecordSchema) });
export const SenderAddressParamsSchema = FleetParamsSchema.extend({ addressId: z.string().min(1).max(64) });
export const UpdateSenderAddressBodySchema = z
  .object({
    usageSchedule: AddressScheduleSchema.optional(),
    rateLimit: RateLimitSchema.optional(),
    unavailableAsSubstitute: z.boolean().optional(),
    priorityOrder: z.number().int().min(1).optional(),
    bandwidthKbps: z.number().positive("Link bandwidth must be positive").optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Change at least one setting" });
export type UpdateSenderAddressBody = z.infer<typeof UpdateSenderAddressBodySchema>;

// ── Packages and programs
export const ProgramRecordSchema = z
  .object({
    ...versioned,
    packageId: z.string(),
    programName: z.string(),
    commandLine: z.string(),
    comment: z.string().nullable(),
    programFlags: z.number().int(),
    maxRunMinutes: z.number().int().nullable(),
    kind: z.enum(["INSTALL", "ROLLBACK"]),
    checksUpdatePresent: z.boolean(),
    disabled: z.boolean().describe('ProgramFlags DISABLED: "Disable this program on computers where it is advertised"'),
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Program" });
export type ProgramRecord = z.infer<typeof ProgramRecordSchema>;

export const PackageRecordSchema = z
  .object({
    ...versioned,
    packageId: z.string(),
    name: z.string(),
    pkgVersion: z.string().nullable(),
    manufacturer: z.string().nullable(),
    language: z.string().nullable(),
    sourceSite: z.string().nullable(),
    sourceVersion: z.number().int(),
    sourceDate: TimestampSchema,
    sizeKB: z.number().int(),
    sendingPriority: SendingPrioritySchema,
    preferredSender: PreferredSenderSchema,
    ignoreAddressSchedule: z.boolean(),
    kind: z.enum(["DEPLOY", "ROLLBACK"]),
    updateIds: z.array(z.string()),
    dpCount: z.number().int(),
    dpCurrentCount: z.number().int().describe("distribution points holding the current source version"),
  })
  .meta({ id: "Package" });
export type PackageRecord = z.infer<typeof PackageRecordSchema>;
export const PackageDetailSchema = PackageRecordSchema.extend({
  programs: z.array(ProgramRecordSchema),
  distributions: z.array(PackageDpStatusSchema.extend({ updatedAt: TimestampSchema, current: z.boolean() })),
});
export type PackageDetail = z.infer<typeof PackageDetailSchema>;
export const PackageListSchema = z.object({ items: z.array(PackageRecordSchema) });
export const PackageParamsSchema = FleetParamsSchema.extend({ packageId: z.string().min(1).max(16) });
export const CreatePackageBodySchema = PackageSchema;
export const UpdatePackageBodySchema = z
  .object({
    name: z.string().trim().min(1).max(50).optional(),
    sendingPriority: SendingPrioritySchema.optional(),
    preferredSender: PreferredSenderSchema.optional(),
    ignoreAddressSchedule: z.boolean().optional(),
    sizeKB: z.number().int().min(0).optional(),
    updateIds: z.array(z.string().min(1)).optional(),
    refreshSource: z.boolean().optional().describe("bump the source version (update distribution points)"),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Change at least one setting" });
export type UpdatePackageBody = z.infer<typeof UpdatePackageBodySchema>;

export const ProgramParamsSchema = PackageParamsSchema.extend({ programName: z.string().min(1).max(50) });
export const CreateProgramBodySchema = ProgramSchema;
export const UpdateProgramBodySchema = z
  .object({
    commandLine: z.string().trim().min(1).max(255).optional(),
    comment: z.string().max(127).nullable().optional(),
    programFlags: FlagWordSchema.optional(),
    disabled: z
      .boolean()
      .optional()
      .describe('"Disable this program on computers where it is advertised" (ProgramFlags DISABLED)'),
    maxRunMinutes: z.number().int().min(1).max(720).nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Change at least one setting" });
export type UpdateProgramBody = z.infer<typeof UpdateProgramBodySchema>;

// ── Collections and computers
export const CollectionRecordSchema = z
  .object({
    ...versioned,
    collectionId: z.string(),
    name: z.string(),
    parentCollectionId: z.string().nullable(),
    rules: z.array(CollectionRuleSchema),
    purpose: CollectionPurposeSchema,
    memberCount: z.number().int(),
    evaluatedAt: TimestampSchema.nullable(),
  })
  .meta({ id: "Collection" });
export type CollectionRecord = z.infer<typeof CollectionRecordSchema>;
export const CollectionListSchema = z.object({ items: z.array(CollectionRecordSchema) });
export const CollectionParamsSchema = FleetParamsSchema.extend({ collectionId: z.string().min(1).max(16) });

export const COMPUTER_SORT_FIELDS = [
  "name",
  "resourceId",
  "siteCode",
  "connectionProfile",
  "lastSeenAt",
  "os",
] as const;
export const ListComputersQuerySchema = PageQuerySchema.extend({
  search: z.string().trim().max(100).optional().describe("name contains (case-insensitive)"),
  siteCode: SiteCodeSchema.optional(),
  connectionProfile: ConnectionProfileSchema.optional(),
  clientType: ClientTypeSchema.optional(),
  isLaptop: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  isPatchInfrastructure: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  collectionId: z.string().max(16).optional(),
  sort: z.enum(COMPUTER_SORT_FIELDS).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
});
export type ListComputersQuery = z.infer<typeof ListComputersQuerySchema>;
export const ComputerRecordSchema = ComputerSchema.extend({ id: UuidSchema, onlineRatio: z.number().nullable() }).meta({
  id: "Computer",
});
export type ComputerRecord = z.infer<typeof ComputerRecordSchema>;
export const ComputerPageSchema = pageOf(ComputerRecordSchema);
export type ComputerPage = z.infer<typeof ComputerPageSchema>;

// ── Advertisements
export const AdvertisementRecordSchema = z
  .object({
    ...versioned,
    advertisementId: z.string(),
    advertisementName: z.string(),
    comment: z.string().nullable(),
    packageId: z.string(),
    programName: z.string(),
    collectionId: z.string(),
    includeSubCollection: z.boolean(),
    presentTime: TimestampSchema,
    expirationTime: TimestampSchema.nullable(),
    assignedSchedule: z.array(ScheduleTokenSchema),
    assignedScheduleEnabled: z.boolean(),
    advertFlags: z.number().int(),
    remoteClientFlags: z.number().int(),
    priority: AdvertPrioritySchema,
    state: z.enum(["ACTIVE", "DISABLED", "DELETED"]),
    // Derived from the flag words (domain advertisementView).
    mandatory: z.boolean(),
    mandatoryOverSlowLinks: z
      .boolean()
      .describe("ONSLOWNET set = the 'Assignments are not mandatory over slow links' box is cleared"),
    allowUsersToRunIndependently: z.boolean(),
    localDpMode: z.enum(["RUN", "DOWNLOAD"]),
    noLocalDpMode: z.enum(["DONT_RUN", "DOWNLOAD_REMOTE", "RUN_REMOTE"]),
    forcesDialUpClients: z.boolean(),
    forcesSlowBoundaryClients: z.boolean(),
    programDisabled: z.boolean(),
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Advertisement" });
export type AdvertisementRecord = z.infer<typeof AdvertisementRecordSchema>;
export const AdvertisementListSchema = z.object({ items: z.array(AdvertisementRecordSchema) });
export const AdvertisementParamsSchema = FleetParamsSchema.extend({ advertisementId: z.string().min(1).max(16) });
export const CreateAdvertisementBodySchema = AdvertisementSchema;
export type CreateAdvertisementBody = z.infer<typeof CreateAdvertisementBodySchema>;
/** A full replacement of the editable properties (what the Properties dialog's OK does). */
export const UpdateAdvertisementBodySchema = AdvertisementSchema.safeExtend({
  state: z.enum(["ACTIVE", "DISABLED"]).optional(),
});
export type UpdateAdvertisementBody = z.infer<typeof UpdateAdvertisementBodySchema>;

export const AdvertisementStatusSummarySchema = z.object({
  advertisementId: z.string(),
  targeted: z.number().int(),
  byState: z.partialRecord(ClientStateSchema, z.number().int()),
  noStatus: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  compliancePct: z.number(),
});
export type AdvertisementStatusSummary = z.infer<typeof AdvertisementStatusSummarySchema>;

// ── Ingest
export const IngestTokenBodySchema = z.object({
  name: z.string().trim().min(1, "Name the forwarder").max(100),
  siteCodes: z.array(SiteCodeSchema).min(1, "Allow at least one site"),
});
export const IngestTokenCreatedSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  siteCodes: z.array(z.string()),
  token: z.string().describe("shown once: send it as `Authorization: Bearer <token>`"),
});

const BatchIdSchema = z
  .string()
  .trim()
  .min(8, "A batch id has at least 8 characters")
  .max(100)
  .regex(/^[\w.:-]+$/, "Use letters, digits, dot, colon, dash or underscore");
export const MAX_INGEST_ROWS = 10_000;
export const StatusBatchSchema = z.object({
  batchId: BatchIdSchema,
  messages: z
    .array(ClientStatusMessageSchema)
    .min(1, "A batch has at least one message")
    .max(MAX_INGEST_ROWS, `A batch has at most ${MAX_INGEST_ROWS} messages`),
});
export type StatusBatch = z.infer<typeof StatusBatchSchema>;
export const ComplianceBatchSchema = z.object({
  batchId: BatchIdSchema,
  rows: z
    .array(UpdateComplianceRowSchema.extend({ siteCode: SiteCodeSchema }))
    .min(1)
    .max(MAX_INGEST_ROWS),
});
export type ComplianceBatch = z.infer<typeof ComplianceBatchSchema>;
export const DpStatusBatchSchema = z.object({
  batchId: BatchIdSchema,
  changes: z.array(DpStatusChangeSchema).min(1).max(MAX_INGEST_ROWS),
});
export type DpStatusBatch = z.infer<typeof DpStatusBatchSchema>;
export const IngestResultSchema = z.object({
  batchId: z.string(),
  accepted: z.number().int(),
  clientStatesChanged: z.number().int(),
  ignoredAsOlder: z.number().int().describe("late or out-of-order rows that did not move a state backwards"),
  replay: z
    .boolean()
    .describe("true when this batch id was already stored: the first answer is returned and nothing is stored twice"),
});
export type IngestResult = z.infer<typeof IngestResultSchema>;

// ── Bulk import (simulator and migrations from a real site): idempotent upserts keyed by SMS ids.
export const FleetImportSchema = z.object({
  sites: z.array(SiteSchema).max(500).optional(),
  siteSystems: z.array(SiteSystemSchema).max(5000).optional(),
  boundaries: z.array(BoundarySchema).max(5000).optional(),
  senderAddresses: z.array(AddressSchema).max(2000).optional(),
  computers: z
    .array(ComputerSchema.extend({ onlineRatio: z.number().min(0).max(1).optional() }))
    .max(20_000)
    .optional(),
  collections: z.array(CollectionSchema).max(500).optional(),
});
export type FleetImport = z.infer<typeof FleetImportSchema>;
export const FleetImportResultSchema = z.object({
  sites: z.number().int(),
  siteSystems: z.number().int(),
  boundaries: z.number().int(),
  senderAddresses: z.number().int(),
  computers: z.number().int(),
  collections: z.number().int(),
});
export type FleetImportResult = z.infer<typeof FleetImportResultSchema>;

// ── Compliance roll-up
export const ComplianceSummarySchema = z.object({
  items: z.array(
    z.object({
      updateId: z.string(),
      total: z.number().int(),
      byState: z.partialRecord(ComplianceStateSchema, z.number().int()),
      installedPct: z.number().describe("INSTALLED + INSTALLED_PENDING_REBOOT over every row except NOT_APPLICABLE"),
    }),
  ),
});
export type ComplianceSummary = z.infer<typeof ComplianceSummarySchema>;
