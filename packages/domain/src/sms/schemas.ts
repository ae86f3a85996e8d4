import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { advertisementFlagIssues } from "./advertisement.js";
import {
  AddressTypeSchema,
  AdvertPrioritySchema,
  BoundaryConnectionSchema,
  BoundaryKindSchema,
  ClientTypeSchema,
  CollectionPurposeSchema,
  ComplianceStateSchema,
  ConnectionProfileSchema,
  DpDeliveryViaSchema,
  DpStateSchema,
  PackageKindSchema,
  PreferredSenderSchema,
  ProgramKindSchema,
  SendingPrioritySchema,
  SiteSystemRoleSchema,
  SiteTypeSchema,
} from "./enums.js";
import { isUint32 } from "./flags.js";
import { programFlagConflicts } from "./program.js";
import { DAYS_PER_WEEK, HOURS_PER_DAY } from "./schedule.js";

/**
 * Validation schemas of the SMS 2003 distribution model (domain.md §5, §8.1). Field names are the
 * SMS property names in camelCase where SMS has one (`advertFlags`, `remoteClientFlags`,
 * `presentTime`, `assignedSchedule`…), otherwise the names of domain.md §8.1. Fields tagged [P]
 * are not SMS properties but inputs the forecast and simulator need.
 */

export const SiteCodeSchema = z
  .string({ message: "Enter a site code" })
  .regex(/^[A-Z0-9]{3}$/, "A site code is three characters, A–Z or 0–9, e.g. CEN");
export type SiteCode = z.infer<typeof SiteCodeSchema>;

/** Package, advertisement and collection IDs: site code + five hex digits, e.g. `CEN00012`. */
const smsObjectId = (what: string) =>
  z
    .string({ message: `Enter a ${what} ID` })
    .regex(
      /^[A-Z0-9]{3}[0-9A-F]{5}$/,
      `A ${what} ID is a site code followed by five hexadecimal digits, e.g. CEN0001A`,
    );
export const PackageIdSchema = smsObjectId("package");
export const AdvertisementIdSchema = smsObjectId("advertisement");
export const CollectionIdSchema = smsObjectId("collection");

export const ResourceIdSchema = z
  .number({ message: "Enter a resource ID" })
  .int("A resource ID is a whole number")
  .min(1, "A resource ID is positive")
  .max(0x7fffffff, "A resource ID is at most 2147483647");

export const FlagWordSchema = z
  .number({ message: "Enter a flag word" })
  .int("A flag word is a whole number")
  .min(0, "A flag word is an unsigned 32-bit number")
  .max(0xffffffff, "A flag word is an unsigned 32-bit number");

/** Minutes east of UTC; the sending site's schedule hours are local hours [P]. */
export const UtcOffsetMinutesSchema = z
  .number()
  .int()
  .min(-720, "UTC offsets run from -12:00")
  .max(840, "UTC offsets run to +14:00");

export const SiteSchema = z
  .object({
    siteCode: SiteCodeSchema,
    name: z.string().trim().min(1, "Enter a site name").max(50, "Use at most 50 characters"),
    type: SiteTypeSchema,
    parentSiteCode: SiteCodeSchema.nullable(),
    utcOffsetMinutes: UtcOffsetMinutesSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === "CENTRAL" && s.parentSiteCode !== null) {
      ctx.addIssue({ code: "custom", path: ["parentSiteCode"], message: "The central site has no parent site" });
    }
    if (s.type === "SECONDARY" && s.parentSiteCode === null) {
      ctx.addIssue({
        code: "custom",
        path: ["parentSiteCode"],
        message: "A secondary site needs a parent primary site",
      });
    }
    if (s.parentSiteCode === s.siteCode) {
      ctx.addIssue({ code: "custom", path: ["parentSiteCode"], message: "A site cannot be its own parent" });
    }
  });
export type Site = z.infer<typeof SiteSchema>;

export const SiteSystemSchema = z.object({
  serverName: z.string().trim().min(1, "Enter the server name").max(255),
  siteCode: SiteCodeSchema,
  roles: z
    .array(SiteSystemRoleSchema)
    .min(1, "A site system has at least one role")
    .refine((r) => new Set(r).size === r.length, "Each role is listed once"),
  bitsEnabled: z.boolean().optional(),
  /** A branch DP fed from its site server over a WAN link: that link's rate, kbit/s; absent = on the site LAN. */
  contentLinkKbps: z.number().positive("Content link bandwidth must be a positive number of kbit/s").optional(),
  /** Network capacity a DP shares among the clients downloading from it, kbit/s. */
  capacityKbps: z.number().positive("DP capacity must be a positive number of kbit/s").optional(),
});
export type SiteSystem = z.infer<typeof SiteSystemSchema>;

/** A site system as the API returns it, with the derived flag (see `isPatchInfrastructure`). */
export const SiteSystemViewSchema = SiteSystemSchema.extend({ isPatchInfrastructure: z.boolean() });
export type SiteSystemView = z.infer<typeof SiteSystemViewSchema>;

const IPV4 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
const IP_SUBNET_RE = new RegExp(`^${IPV4}(?:/(?:[0-9]|[12][0-9]|3[0-2]))?$`);
const IP_RANGE_RE = new RegExp(`^${IPV4}-${IPV4}$`);

export const BoundarySchema = z
  .object({
    boundaryId: z.string().trim().min(1, "Enter a boundary ID").max(64),
    siteCode: SiteCodeSchema,
    kind: BoundaryKindSchema,
    value: z.string().trim().min(1, "Enter the boundary value").max(255),
    connection: BoundaryConnectionSchema,
    /** Protected distribution points serving this boundary. */
    protectedDpServerNames: z.array(z.string().min(1)).optional(),
    /** [P] Capacity of the link behind a slow boundary (WAN branch), shared by its clients. */
    linkKbps: z.number().positive("Link bandwidth must be positive").optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === "IP_SUBNET" && !IP_SUBNET_RE.test(b.value)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "An IP subnet boundary looks like 10.20.0.0 or 10.20.0.0/16",
      });
    }
    if (b.kind === "IP_RANGE" && !IP_RANGE_RE.test(b.value)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "An IP range boundary looks like 10.20.0.1-10.20.3.254",
      });
    }
  });
export type Boundary = z.infer<typeof BoundarySchema>;

export const HourUsageSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], {
  message: "Availability is 1 (all priorities), 2 (all but low), 3 (high only) or 4 (closed)",
});

/** `UsageSchedule`: exactly 7 days × 24 hours of HourUsage codes; day 0 is Sunday. */
export const AddressScheduleSchema = z
  .array(z.array(HourUsageSchema).length(HOURS_PER_DAY, "Each day has exactly 24 hourly values"), {
    message: "Enter the availability schedule",
  })
  .length(DAYS_PER_WEEK, "The schedule has exactly 7 days");

/** Pulse-mode limits of the Rate Limits tab; the UI ranges are recalled [U]. */
export const PULSE_BLOCK_KB_MIN = 1;
export const PULSE_BLOCK_KB_MAX = 256;
export const PULSE_DELAY_SECONDS_MIN = 1;
export const PULSE_DELAY_SECONDS_MAX = 30;

export const RateLimitSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("UNLIMITED") }),
  z.object({
    mode: z.literal("PULSE"),
    blockSizeKB: z
      .number()
      .int("Block size is a whole number of KB")
      .min(PULSE_BLOCK_KB_MIN, `Block size is at least ${PULSE_BLOCK_KB_MIN} KB`)
      .max(PULSE_BLOCK_KB_MAX, `Block size is at most ${PULSE_BLOCK_KB_MAX} KB`),
    delaySeconds: z
      .number()
      .int("Delay is a whole number of seconds")
      .min(PULSE_DELAY_SECONDS_MIN, `Delay is at least ${PULSE_DELAY_SECONDS_MIN} second`)
      .max(PULSE_DELAY_SECONDS_MAX, `Delay is at most ${PULSE_DELAY_SECONDS_MAX} seconds`),
  }),
  z.object({
    mode: z.literal("HOURLY_LIMIT"),
    hourlyLimitPct: z
      .array(
        z
          .number()
          .int("A limit is a whole percentage")
          .min(1, "A limit is at least 1 %")
          .max(100, "A limit is at most 100 %"),
      )
      .length(HOURS_PER_DAY, "Give a limit for each of the 24 hours"),
  }),
]);

export type RateLimit = z.infer<typeof RateLimitSchema>;

export const AddressSchema = z
  .object({
    addressId: z.string().trim().min(1).max(64),
    siteCode: SiteCodeSchema,
    destSiteCode: SiteCodeSchema,
    addressType: AddressTypeSchema,
    priorityOrder: z.number().int().min(1, "Address priority starts at 1"),
    usageSchedule: AddressScheduleSchema,
    unavailableAsSubstitute: z.boolean(),
    rateLimit: RateLimitSchema,
    /** [P] Link bandwidth; SMS does not know it, the forecast and the simulator need it. */
    bandwidthKbps: z.number().positive("Link bandwidth must be positive"),
  })
  .refine((a) => a.siteCode !== a.destSiteCode, {
    path: ["destSiteCode"],
    message: "An address points to another site",
  });
export type Address = z.infer<typeof AddressSchema>;

export const CollectionRuleSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("DIRECT"), resourceId: ResourceIdSchema, name: z.string().optional() }),
  z.object({
    type: z.literal("QUERY"),
    name: z.string().trim().min(1, "Name the query rule"),
    query: z.string().trim().min(1, "Enter the WQL query"),
  }),
]);
export type CollectionRule = z.infer<typeof CollectionRuleSchema>;

export const CollectionSchema = z
  .object({
    collectionId: CollectionIdSchema,
    name: z.string().trim().min(1, "Enter a collection name").max(100),
    parentCollectionId: CollectionIdSchema.nullable(),
    rules: z.array(CollectionRuleSchema),
    purpose: CollectionPurposeSchema,
    /** Evaluated membership (resource IDs), as of the last evaluation. */
    memberResourceIds: z.array(ResourceIdSchema).optional(),
  })
  .refine((c) => c.parentCollectionId !== c.collectionId, {
    path: ["parentCollectionId"],
    message: "A collection cannot be its own parent",
  });
export type Collection = z.infer<typeof CollectionSchema>;

export const ComputerSchema = z.object({
  resourceId: ResourceIdSchema,
  name: z
    .string()
    .trim()
    .min(1, "Enter the computer name")
    .max(15, "A NetBIOS computer name has at most 15 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "Use letters, digits, hyphens and underscores"),
  siteCode: SiteCodeSchema,
  os: z.string().trim().min(1).max(100),
  servicePack: z.string().max(50).nullable().optional(),
  clientType: ClientTypeSchema,
  isLaptop: z.boolean(),
  connectionProfile: ConnectionProfileSchema,
  boundaryId: z.string().nullable(),
  isPatchInfrastructure: z.boolean(),
  lastSeenAt: TimestampSchema.nullable(),
});
export type Computer = z.infer<typeof ComputerSchema>;

export const PackageSchema = z
  .object({
    packageId: PackageIdSchema,
    name: z.string().trim().min(1, "Enter a package name").max(50, "Use at most 50 characters"),
    version: z.string().max(32).nullable().optional(),
    manufacturer: z.string().max(32).nullable().optional(),
    language: z.string().max(32).nullable().optional(),
    sourceSite: SiteCodeSchema.optional(),
    sourceVersion: z.number().int().min(1, "Source versions start at 1"),
    /** `PackageSize`, KB. */
    sizeKB: z.number().int("Size is a whole number of KB").min(0),
    /** [P] Size of one source-version delta, when the package is refreshed. */
    deltaSizeKB: z.number().int().min(0).optional(),
    sendingPriority: SendingPrioritySchema,
    preferredSender: PreferredSenderSchema,
    ignoreAddressSchedule: z.boolean(),
    kind: PackageKindSchema,
    updateIds: z.array(z.string().min(1)),
  })
  .refine((p) => p.deltaSizeKB === undefined || p.deltaSizeKB <= p.sizeKB, {
    path: ["deltaSizeKB"],
    message: "A delta cannot be larger than the package",
  });
export type Package = z.infer<typeof PackageSchema>;

export const PackageDpStatusSchema = z.object({
  packageId: PackageIdSchema,
  siteCode: SiteCodeSchema,
  serverName: z.string().min(1),
  storedVersion: z.number().int().min(0),
  state: DpStateSchema,
  via: DpDeliveryViaSchema,
});
export type PackageDpStatus = z.infer<typeof PackageDpStatusSchema>;

/** Maximum allowed run time choices of SMS 2003 go up to 720 minutes [U]. */
export const MAX_RUN_MINUTES_MAX = 720;

export const ProgramSchema = z
  .object({
    packageId: PackageIdSchema,
    programName: z.string().trim().min(1, "Enter a program name").max(50, "Use at most 50 characters"),
    commandLine: z.string().trim().min(1, "Enter the command line").max(255, "Use at most 255 characters"),
    comment: z.string().max(127).nullable().optional(),
    programFlags: FlagWordSchema,
    maxRunMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_RUN_MINUTES_MAX, `The maximum allowed run time is ${MAX_RUN_MINUTES_MAX} minutes`)
      .nullable(),
    dependentProgram: z.string().max(100).nullable().optional(),
    kind: ProgramKindSchema,
    /** Rollback option A: the program first checks the update is present (domain.md §3.4). */
    checksUpdatePresent: z.boolean(),
  })
  .superRefine((p, ctx) => {
    if (!isUint32(p.programFlags)) return; // already reported by FlagWordSchema
    for (const message of programFlagConflicts(p.programFlags))
      ctx.addIssue({ code: "custom", path: ["programFlags"], message });
  });
export type Program = z.infer<typeof ProgramSchema>;

/** One `SMS_ScheduleToken`, reduced to a start time and an optional recurrence interval. */
export const ScheduleTokenSchema = z.object({
  startTime: TimestampSchema,
  recurIntervalMinutes: z.number().int().min(1).nullable().optional(),
});
export type ScheduleToken = z.infer<typeof ScheduleTokenSchema>;

export const AdvertisementSchema = z
  .object({
    advertisementId: AdvertisementIdSchema,
    advertisementName: z.string().trim().min(1, "Enter an advertisement name").max(100),
    comment: z.string().max(127).nullable().optional(),
    packageId: PackageIdSchema,
    programName: z.string().trim().min(1).max(50),
    collectionId: CollectionIdSchema,
    includeSubCollection: z.boolean(),
    presentTime: TimestampSchema,
    /** `null` = "Advertisement will expire" unticked (`ExpirationTimeEnabled = false`). */
    expirationTime: TimestampSchema.nullable(),
    assignedSchedule: z.array(ScheduleTokenSchema).max(15, "An advertisement has at most 15 mandatory assignments"),
    assignedScheduleEnabled: z.boolean(),
    advertFlags: FlagWordSchema,
    remoteClientFlags: FlagWordSchema,
    priority: AdvertPrioritySchema,
  })
  .superRefine((a, ctx) => {
    if (a.expirationTime !== null && Date.parse(a.expirationTime) <= Date.parse(a.presentTime)) {
      ctx.addIssue({
        code: "custom",
        path: ["expirationTime"],
        message: "The advertisement must expire after its start time",
      });
    }
    a.assignedSchedule.forEach((t, i) => {
      if (a.expirationTime !== null && Date.parse(t.startTime) >= Date.parse(a.expirationTime)) {
        ctx.addIssue({
          code: "custom",
          path: ["assignedSchedule", i, "startTime"],
          message: "A mandatory assignment must start before the advertisement expires",
        });
      }
    });
    if (!isUint32(a.advertFlags) || !isUint32(a.remoteClientFlags)) return; // already reported by FlagWordSchema
    for (const issue of advertisementFlagIssues(a))
      ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  });
export type Advertisement = z.infer<typeof AdvertisementSchema>;

/** One client advertisement status message as ingest receives it (domain.md §5.11). */
export const ClientStatusMessageSchema = z.object({
  messageId: z.number().int().min(1).max(0xffff),
  machineName: z.string().min(1).max(255),
  resourceId: ResourceIdSchema,
  siteCode: SiteCodeSchema,
  advertisementId: AdvertisementIdSchema,
  /** Event time on the client, not arrival time. */
  time: TimestampSchema,
  exitCode: z.number().int().min(-0x80000000).max(0xffffffff).optional(),
});
export type ClientStatusMessage = z.infer<typeof ClientStatusMessageSchema>;

export const UpdateComplianceRowSchema = z.object({
  resourceId: ResourceIdSchema,
  updateId: z.string().min(1),
  state: ComplianceStateSchema,
  time: TimestampSchema,
});
export type UpdateComplianceRow = z.infer<typeof UpdateComplianceRowSchema>;

export const DpStatusChangeSchema = PackageDpStatusSchema.extend({ time: TimestampSchema });
export type DpStatusChange = z.infer<typeof DpStatusChangeSchema>;
