import { z } from "zod";
import { UuidSchema } from "../common/http.js";
import { FleetRefSchema } from "../fleet/fleet-api.schemas.js";
import { PackageIdSchema } from "../sms/schemas.js";
import { TestScopeSchema } from "../process/acceptance.js";
import { ReleasePrioritySchema } from "../process/priority.js";
import { MIN_REVIEW_LENGTH } from "../process/requests.js";
import { MAX_VERIFY_GRACE_HOURS } from "./rollback-plan.js";
import { AlternativeRecoverySchema, RollbackTargetingSchema } from "./rollback-states.js";

/**
 * Request bodies of the rollback API, one per action, with messages a user can act on. The
 * console validates its forms with the same schemas. Who acts and when comes from the session and
 * the server clock, never from the body.
 */

const text = (ask: string, min: number, max = 2000) =>
  z
    .string({ message: ask })
    .trim()
    .min(min, min <= 1 ? ask : `${ask} (at least ${min} characters)`)
    .max(max, `Use at most ${max.toLocaleString("en-GB")} characters`);

/** Open a rollback: the update, why, and its own initial priority (a rollback is not automatically an emergency). */
export const OpenRollbackBodySchema = z.object({
  /** The SoftwareUpdate row id. */
  updateId: UuidSchema,
  reason: text("Say why the update is rolled back (what it breaks, where)", 10),
  initialPriority: ReleasePrioritySchema,
  fleet: FleetRefSchema.default("production"),
});
export type OpenRollbackBody = z.infer<typeof OpenRollbackBodySchema>;
export type OpenRollbackBodyInput = z.input<typeof OpenRollbackBodySchema>;

export const ConfirmRollbackPriorityBodySchema = z.object({
  priority: ReleasePrioritySchema,
  rationale: text("Explain the priority: what the update breaks, how many computers, what else helps meanwhile", 10),
});
export type ConfirmRollbackPriorityBody = z.infer<typeof ConfirmRollbackPriorityBodySchema>;

export const MarkNotFeasibleBodySchema = z.object({
  reason: text("Say why the update cannot be removed (e.g. the $NtUninstall$ folders were deleted)", 10),
});
export type MarkNotFeasibleBody = z.infer<typeof MarkNotFeasibleBodySchema>;

export const ChooseAlternativeBodySchema = z.object({
  alternative: AlternativeRecoverySchema,
  plan: text("Describe the recovery plan: which computers, from what, by when", 10, 4000),
});
export type ChooseAlternativeBody = z.infer<typeof ChooseAlternativeBodySchema>;

export const RollbackHaltBodySchema = z.object({
  reason: text("Say why the deployments are halted", 5),
  alsoDisableAdvertisement: z.boolean().default(false),
});
export type RollbackHaltBody = z.infer<typeof RollbackHaltBodySchema>;

export const AuthoriseRollbackBodySchema = z.object({ note: z.string().trim().max(2000).optional() });
export type AuthoriseRollbackBody = z.infer<typeof AuthoriseRollbackBodySchema>;

export const CleanPackagesBodySchema = z.object({
  /** The fingerprint of the clean-up preview the user confirmed. */
  fingerprint: z.string({ message: "Review the clean-up preview first" }).min(1, "Review the clean-up preview first"),
});
export type CleanPackagesBody = z.infer<typeof CleanPackagesBodySchema>;

export const BuildRollbackBodySchema = z.object({
  /** Omitted = the next free package ID of the central site. */
  packageId: PackageIdSchema.optional(),
});
export type BuildRollbackBody = z.infer<typeof BuildRollbackBodySchema>;

export const AddRollbackTestBodySchema = z.object({
  name: text("Name the test", 1, 200),
  scope: TestScopeSchema,
});
export type AddRollbackTestBody = z.infer<typeof AddRollbackTestBodySchema>;

export const RecordRollbackTestBodySchema = z
  .object({
    testId: z.string({ message: "Choose the test" }).min(1, "Choose the test").max(20),
    result: z.enum(["PASSED", "FAILED", "SKIPPED"], { message: "Choose passed, failed or skipped" }),
    notes: z.string().trim().max(4000).optional(),
    skipReason: z.string().trim().max(1000).optional(),
  })
  .refine((b) => b.result !== "SKIPPED" || (b.skipReason ?? "").length >= 3, {
    path: ["skipReason"],
    message: "Say why the test is skipped",
  });
export type RecordRollbackTestBody = z.infer<typeof RecordRollbackTestBodySchema>;

export const AcceptRollbackReducedTestingBodySchema = z.object({
  rationale: text("Say why advertising the rollback before the full suite has run is the lesser risk", 10),
});
export type AcceptRollbackReducedTestingBody = z.infer<typeof AcceptRollbackReducedTestingBodySchema>;

export const AcceptRollbackBodySchema = z.object({});

export const AdvertiseRollbackBodySchema = z.object({
  targeting: RollbackTargetingSchema,
  /** Order-sensitive rollbacks: the later updates touching the same files were removed first (compliance is checked too). */
  laterUpdatesRemoved: z.boolean().optional(),
  /** The count the user was shown for the chosen option: a different count now is a 409. */
  expectedTargeted: z.number().int().nonnegative().optional(),
});
export type AdvertiseRollbackBody = z.infer<typeof AdvertiseRollbackBodySchema>;

export const VerifyRollbackBodySchema = z.object({
  note: z.string().trim().max(2000).optional(),
  /**
   * Hours after advertising before a computer without any status from the rollback (or not heard
   * from for that long) counts as unreachable and becomes an out-of-band task. Default
   * DEFAULT_VERIFY_GRACE_HOURS (24).
   */
  graceHours: z
    .number({ message: "Give the grace window in hours" })
    .min(0, "The grace window cannot be negative")
    .max(MAX_VERIFY_GRACE_HOURS, `Use at most ${MAX_VERIFY_GRACE_HOURS} hours`)
    .optional(),
});
export type VerifyRollbackBody = z.infer<typeof VerifyRollbackBodySchema>;

export const ReviewRollbackBodySchema = z.object({
  text: text(
    "Write the post-implementation review: outcome against the time frame, deviations, lessons",
    MIN_REVIEW_LENGTH,
    20_000,
  ),
  /** Needed when the rollback is PARTIAL: why it is reviewed with computers still holding the update. */
  outcomeNote: z.string().trim().max(2000).optional(),
});
export type ReviewRollbackBody = z.infer<typeof ReviewRollbackBodySchema>;

export const CloseRollbackBodySchema = z.object({ note: z.string().trim().max(2000).optional() });
export type CloseRollbackBody = z.infer<typeof CloseRollbackBodySchema>;

export const CancelRollbackBodySchema = z.object({ reason: text("Say why the rollback is cancelled", 5) });
export type CancelRollbackBody = z.infer<typeof CancelRollbackBodySchema>;

/** An action with its body, as `transitionRollback` and POST /api/rollbacks/:id/actions take it. */
export const RollbackActionSchema = z.discriminatedUnion("type", [
  ConfirmRollbackPriorityBodySchema.safeExtend({ type: z.literal("confirmPriority") }),
  MarkNotFeasibleBodySchema.safeExtend({ type: z.literal("markNotFeasible") }),
  ChooseAlternativeBodySchema.safeExtend({ type: z.literal("chooseAlternative") }),
  RollbackHaltBodySchema.safeExtend({ type: z.literal("halt") }),
  AuthoriseRollbackBodySchema.safeExtend({ type: z.literal("authorise") }),
  CleanPackagesBodySchema.safeExtend({ type: z.literal("cleanPackages") }),
  BuildRollbackBodySchema.safeExtend({ type: z.literal("build") }),
  AddRollbackTestBodySchema.safeExtend({ type: z.literal("addTest") }),
  RecordRollbackTestBodySchema.safeExtend({ type: z.literal("recordTestResult") }),
  AcceptRollbackReducedTestingBodySchema.safeExtend({ type: z.literal("acceptReducedTesting") }),
  AcceptRollbackBodySchema.safeExtend({ type: z.literal("acceptRelease") }),
  AdvertiseRollbackBodySchema.safeExtend({ type: z.literal("advertise") }),
  VerifyRollbackBodySchema.safeExtend({ type: z.literal("verify") }),
  ReviewRollbackBodySchema.safeExtend({ type: z.literal("review") }),
  CloseRollbackBodySchema.safeExtend({ type: z.literal("close") }),
  CancelRollbackBodySchema.safeExtend({ type: z.literal("cancel") }),
]);
/** Parsed action (defaults applied). */
export type RollbackAction = z.infer<typeof RollbackActionSchema>;
/** Action as a caller may write it (fields with defaults optional). */
export type RollbackActionInput = z.input<typeof RollbackActionSchema>;
