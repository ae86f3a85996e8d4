import { z } from "zod";
import { TimestampSchema, UuidSchema } from "../common/http.js";
import { AdvertisementIdSchema, PackageIdSchema } from "../sms/schemas.js";
import { TestScopeSchema } from "./acceptance.js";
import { GrantJustificationSchema, MAX_GRANT_HOURS } from "./authority.js";
import { ChecklistItemKeySchema } from "./checklist.js";
import { EmergencyTypeSchema, MIN_CLOSING_SUMMARY } from "./emergency.js";
import { MIN_EVIDENCE, OobMethodSchema, OobTargetRefSchema, OobTaskKindSchema, OobTaskStateSchema } from "./oob.js";
import { PriorityPolicySchema, PrioritySuggestionInputSchema, ReleasePrioritySchema } from "./priority.js";
import { RfcCategorySchema } from "./rfc.js";
import { SoftwareUpdateSchema } from "./updates.js";

/**
 * Request bodies of the process API, one per action, with messages a user can act on. The console
 * validates its forms with the same schemas. Who acts and when comes from the session and the
 * server clock, never from the body.
 */

const text = (ask: string, min: number, max = 2000) =>
  z
    .string({ message: ask })
    .trim()
    .min(min, min <= 1 ? ask : `${ask} (at least ${min} characters)`)
    .max(max, `Use at most ${max.toLocaleString("en-GB")} characters`);

// --- updates ----------------------------------------------------------------------------------

export const CreateSoftwareUpdateBodySchema = SoftwareUpdateSchema;
export type CreateSoftwareUpdateBody = z.infer<typeof CreateSoftwareUpdateBodySchema>;

// --- update case actions (case-machine.ts) ---------------------------------------------------

export const MarkRelevantBodySchema = z.object({
  evidence: text("Say which products or assets in our estate the update applies to", 3),
});
export type MarkRelevantBody = z.infer<typeof MarkRelevantBodySchema>;

export const MarkNotRelevantBodySchema = z.object({
  reason: text("Say why the update does not apply to our estate", 3),
});
export type MarkNotRelevantBody = z.infer<typeof MarkNotRelevantBodySchema>;

export const HASH_ALGORITHMS = ["SHA256", "SHA1"] as const;
export const HashAlgorithmSchema = z.enum(HASH_ALGORITHMS, { message: "Choose SHA-256 or SHA-1" });
export type HashAlgorithm = z.infer<typeof HashAlgorithmSchema>;
const HASH_HEX_LENGTH: Record<HashAlgorithm, number> = { SHA256: 64, SHA1: 40 };

/** Identify step I-3: the files are genuine, virus-free and install cleanly (gate G2). */
export const SourceChecksSchema = z.object({
  genuine: z.boolean({ message: "Say whether the files are genuine (signature or vendor hash matches)" }),
  virusFree: z.boolean({ message: "Say whether the virus scan was clean" }),
  installsCleanly: z.boolean({ message: "Say whether a test installation succeeded" }),
});
export type SourceChecks = z.infer<typeof SourceChecksSchema>;

export const VerifySourceBodySchema = z
  .object({
    hashAlgorithm: HashAlgorithmSchema.default("SHA256"),
    hash: z
      .string({ message: "Enter the hash of the source files" })
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]+$/, "A hash is hexadecimal digits"),
    checks: SourceChecksSchema,
    notes: z.string().trim().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    const want = HASH_HEX_LENGTH[b.hashAlgorithm];
    if (b.hash.length !== want)
      ctx.addIssue({
        code: "custom",
        path: ["hash"],
        message: `A ${b.hashAlgorithm === "SHA256" ? "SHA-256" : "SHA-1"} hash has ${want} hexadecimal digits`,
      });
  });
export type VerifySourceBody = z.infer<typeof VerifySourceBodySchema>;

export const SubmitRfcBodySchema = z.object({
  initialPriority: ReleasePrioritySchema,
  category: RfcCategorySchema,
  rationale: text("Explain the initial priority", 10),
});
export type SubmitRfcBody = z.infer<typeof SubmitRfcBodySchema>;

export const StartEvaluationBodySchema = z.object({});
export type StartEvaluationBody = z.infer<typeof StartEvaluationBodySchema>;

/** Evaluate & Plan step E-1 (domain.md §2.4): why this priority. */
export const PriorityRationaleSchema = z.object({
  assetsExposed: text("Say which assets the vulnerability touches and whether they are critical", 3),
  mitigations: text('Say which mitigations exist or can be added (or "none")', 3),
  scope: text("Say how many systems the update really has to reach", 3),
  exploitedInTheWild: z.boolean({ message: "Say whether the vulnerability is exploited in the wild" }),
});
export type PriorityRationale = z.infer<typeof PriorityRationaleSchema>;

export const ConfirmPriorityBodySchema = z.object({
  finalPriority: ReleasePrioritySchema,
  /** Omitted = keep the RFC's category. */
  category: RfcCategorySchema.optional(),
  rationale: PriorityRationaleSchema,
});
export type ConfirmPriorityBody = z.infer<typeof ConfirmPriorityBodySchema>;

export const DeferBodySchema = z.object({
  reason: text("Say what the release waits for, e.g. the next service pack", 10),
  revisitAt: TimestampSchema.optional(),
});
export type DeferBody = z.infer<typeof DeferBodySchema>;

export const ReopenBodySchema = z.object({ reason: text("Say why the case is evaluated again", 3) });
export type ReopenBody = z.infer<typeof ReopenBodySchema>;

export const PlanReleaseBodySchema = z.object({
  plannedStartAt: TimestampSchema.optional(),
  note: z.string().trim().max(4000).optional(),
});
export type PlanReleaseBody = z.infer<typeof PlanReleaseBodySchema>;

export const BuildReleaseBodySchema = z.object({ packageId: PackageIdSchema.optional() });
export type BuildReleaseBody = z.infer<typeof BuildReleaseBodySchema>;

export const StartTestingBodySchema = z.object({ packageId: PackageIdSchema });
export type StartTestingBody = z.infer<typeof StartTestingBodySchema>;

export const AcceptReducedTestingBodySchema = z.object({
  rationale: text("Say why deploying before the full suite has run is the lesser risk", 10),
});
export type AcceptReducedTestingBody = z.infer<typeof AcceptReducedTestingBodySchema>;

export const AcceptReleaseBodySchema = z.object({});
export type AcceptReleaseBody = z.infer<typeof AcceptReleaseBodySchema>;

export const StartDeploymentBodySchema = z.object({ advertisementId: AdvertisementIdSchema });
export type StartDeploymentBody = z.infer<typeof StartDeploymentBodySchema>;

export const HaltBodySchema = z.object({
  reason: text("Say why the deployment is halted", 5),
  alsoDisableAdvertisement: z.boolean().default(false),
  /** Set by the API when an automatic halt rule fires; never by a person. */
  automaticRule: z.string().trim().min(1).max(200).optional(),
});
export type HaltBody = z.infer<typeof HaltBodySchema>;

export const ResumeBodySchema = z.object({ reason: text("Say why it is safe to resume", 5) });
export type ResumeBody = z.infer<typeof ResumeBodySchema>;

export const MarkDeployedBodySchema = z.object({ note: z.string().trim().max(2000).optional() });
export type MarkDeployedBody = z.infer<typeof MarkDeployedBodySchema>;

export const StartRollbackBodySchema = z.object({ reason: text("Say why the update is rolled back", 5) });
export type StartRollbackBody = z.infer<typeof StartRollbackBodySchema>;

/** The rollback stopped after it was authorised (cancelled, or found not feasible): the case goes back to HALTED. */
export const AbandonRollbackBodySchema = z.object({
  reason: text("Say why the rollback stopped (cancelled, or the update cannot be removed after all)", 5),
});
export type AbandonRollbackBody = z.infer<typeof AbandonRollbackBodySchema>;

export const MarkRolledBackBodySchema = z.object({
  evidence: text("Describe how the removal was verified", MIN_EVIDENCE),
});
export type MarkRolledBackBody = z.infer<typeof MarkRolledBackBodySchema>;

export const MIN_REVIEW_LENGTH = 30;
export const ReviewBodySchema = z.object({
  text: text(
    "Write the post-implementation review: outcome against the time frame, deviations, lessons",
    MIN_REVIEW_LENGTH,
    20_000,
  ),
});
export type ReviewBody = z.infer<typeof ReviewBodySchema>;

export const CloseCaseBodySchema = z.object({ reason: z.string().trim().max(2000).optional() });
export type CloseCaseBody = z.infer<typeof CloseCaseBodySchema>;

// --- acceptance tests -----------------------------------------------------------------------

export const CreateAcceptanceTestBodySchema = z.object({
  name: text("Name the test", 1, 200),
  scope: TestScopeSchema,
});
export type CreateAcceptanceTestBody = z.infer<typeof CreateAcceptanceTestBodySchema>;

export const RecordTestResultBodySchema = z
  .object({
    result: z.enum(["PASSED", "FAILED", "SKIPPED"], { message: "Choose passed, failed or skipped" }),
    /** Defaults to the server clock. */
    executedAt: TimestampSchema.optional(),
    notes: z.string().trim().max(4000).optional(),
    skipReason: z.string().trim().max(1000).optional(),
  })
  .refine((b) => b.result !== "SKIPPED" || (b.skipReason ?? "").length >= 3, {
    path: ["skipReason"],
    message: "Say why the test is skipped",
  });
export type RecordTestResultBody = z.infer<typeof RecordTestResultBodySchema>;

// --- out-of-band tasks ------------------------------------------------------------------------

export const CreateOobTaskBodySchema = z.object({
  kind: OobTaskKindSchema,
  targetRef: OobTargetRefSchema,
  method: OobMethodSchema,
  ownerId: UuidSchema.nullable().optional(),
  dueAt: TimestampSchema.nullable(),
  reason: text("Say why the normal path cannot reach it", 3),
});
export type CreateOobTaskBody = z.infer<typeof CreateOobTaskBodySchema>;

export const UpdateOobTaskBodySchema = z
  .object({
    to: OobTaskStateSchema,
    ownerId: UuidSchema.nullable().optional(),
    method: OobMethodSchema.optional(),
    evidence: z.string().trim().max(4000).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.to === "DONE" && (b.evidence ?? "").length < MIN_EVIDENCE) {
      ctx.addIssue({ code: "custom", path: ["evidence"], message: "Describe the evidence that the task is done" });
    }
    if (b.to === "FAILED" && (b.note ?? "").length < MIN_EVIDENCE)
      ctx.addIssue({ code: "custom", path: ["note"], message: "Say why the task failed" });
    if (b.to === "NOT_NEEDED" && (b.note ?? "").length < MIN_EVIDENCE) {
      ctx.addIssue({ code: "custom", path: ["note"], message: "Say why the task is not needed" });
    }
  });
export type UpdateOobTaskBody = z.infer<typeof UpdateOobTaskBodySchema>;

// --- emergencies and authority ----------------------------------------------------------------

export const DeclareEmergencyBodySchema = z.object({
  type: EmergencyTypeSchema,
  title: text("Give the emergency a short title", 3, 200),
  caseIds: z.array(UuidSchema).max(100, "Link at most 100 cases").default([]),
  isDrill: z.boolean().default(false),
});
export type DeclareEmergencyBody = z.infer<typeof DeclareEmergencyBodySchema>;

export const CloseEmergencyBodySchema = z.object({
  summary: text("Summarise how the emergency ended", MIN_CLOSING_SUMMARY, 20_000),
});
export type CloseEmergencyBody = z.infer<typeof CloseEmergencyBodySchema>;

export const GrantAuthorityBodySchema = z.object({
  granteeId: UuidSchema,
  justification: GrantJustificationSchema,
  durationHours: z
    .number({ message: "Enter how many hours the grant lasts" })
    .int("Use whole hours")
    .min(1, "A grant lasts at least one hour")
    .max(MAX_GRANT_HOURS, `A grant lasts at most ${MAX_GRANT_HOURS} hours`),
  /** Defaults to now. */
  startsAt: TimestampSchema.optional(),
});
export type GrantAuthorityBody = z.infer<typeof GrantAuthorityBodySchema>;

export const RevokeAuthorityBodySchema = z.object({ reason: z.string().trim().max(2000).optional() });
export type RevokeAuthorityBody = z.infer<typeof RevokeAuthorityBodySchema>;

// --- checklist, policy, timeline --------------------------------------------------------------

export const ApplyChecklistBodySchema = z.object({
  declined: z
    .array(
      z.object({
        key: ChecklistItemKeySchema,
        reason: text("Say why this item is declined", 5, 1000),
      }),
    )
    .default([])
    .refine((d) => new Set(d.map((x) => x.key)).size === d.length, "Decline each item once"),
});
export type ApplyChecklistBody = z.infer<typeof ApplyChecklistBodySchema>;

export const UpdatePriorityPolicyBodySchema = PriorityPolicySchema;
export type UpdatePriorityPolicyBody = z.infer<typeof UpdatePriorityPolicyBodySchema>;

export const SuggestPriorityBodySchema = PrioritySuggestionInputSchema;
export type SuggestPriorityBody = z.infer<typeof SuggestPriorityBodySchema>;

export const AddTimelineNoteBodySchema = z.object({ text: text("Write the note", 1, 4000) });
export type AddTimelineNoteBody = z.infer<typeof AddTimelineNoteBodySchema>;
