import { z } from "zod";
import { TimestampSchema, UuidSchema } from "../common/http.js";
import { CaseStateSchema } from "../process/case-states.js";
import {
  checkHaltRule,
  HaltFiringSchema,
  HaltRuleFieldsSchema,
  HaltRuleSchema,
  HaltScopeCheckSchema,
} from "./halt-rule.js";
import { HaltVerificationResultSchema } from "./verification.js";

/**
 * Requests and responses of the halt API under `/api/fleets/:fleet/advertisements/:advertisementId`:
 * `halt-rule` (GET / PUT / DELETE, `halt-rule/rearm`), `halt-targets` (what a halt would stop),
 * `halt` (the one halt action), `resume` (lifting a halt no case stands behind) and
 * `halt-verification`; and `/api/fleets/:fleet/halts` (the halts in force).
 */

const reason = z
  .string({ message: "Say why the deployment is halted" })
  .trim()
  .min(5, "Say why the deployment is halted (at least 5 characters)")
  .max(2000, "Use at most 2,000 characters");

/** PUT body: the rule, and whether it is switched on (a switched-off rule never fires). */
export const PutHaltRuleBodySchema = HaltRuleFieldsSchema.extend({
  enabled: z.boolean().default(true),
}).superRefine(checkHaltRule);
export type PutHaltRuleBody = z.output<typeof PutHaltRuleBodySchema>;
export type PutHaltRuleInput = z.input<typeof PutHaltRuleBodySchema>;

export const RearmHaltRuleBodySchema = z.object({
  note: z.string().trim().max(500, "Use at most 500 characters").optional(),
});
export type RearmHaltRuleBody = z.infer<typeof RearmHaltRuleBodySchema>;

/** The case that deploys an advertisement (its halt and resume go through the case machine). */
export const HaltCaseRefSchema = z.object({
  id: UuidSchema,
  version: z.number().int(),
  status: CaseStateSchema,
  kbNumber: z.string(),
  emergencyId: UuidSchema.nullable(),
});
export type HaltCaseRef = z.infer<typeof HaltCaseRefSchema>;

export const HaltRuleStateSchema = z.enum(["ARMED", "FIRED", "SWITCHED_OFF"]);
export type HaltRuleState = z.infer<typeof HaltRuleStateSchema>;

export const HaltRuleErrorSchema = z.object({
  at: TimestampSchema,
  message: z.string().describe("why the last evaluation failed; it is tried again with the next batch or sweep"),
});
export type HaltRuleError = z.infer<typeof HaltRuleErrorSchema>;

export const HaltRuleViewSchema = z
  .object({
    id: UuidSchema,
    version: z.number().int(),
    advertisementId: z.string(),
    rule: HaltRuleSchema,
    enabled: z.boolean(),
    state: HaltRuleStateSchema,
    /** Results counted from this time on (set when the rule is re-armed); null = from the start. */
    countSince: TimestampSchema.nullable(),
    firedAt: TimestampSchema.nullable(),
    firing: HaltFiringSchema.nullable().describe("what the rule saw when it fired"),
    current: z.array(HaltScopeCheckSchema).describe("what the rule sees now, per watched scope"),
    lastEvaluatedAt: TimestampSchema.nullable().describe("when the rule last looked at the results"),
    lastError: HaltRuleErrorSchema.nullable().describe(
      "the last evaluation failed (cleared by the next that succeeds)",
    ),
    description: z.string(),
    case: HaltCaseRefSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "HaltRuleView" });
export type HaltRuleView = z.infer<typeof HaltRuleViewSchema>;

/**
 * The one halt action on an advertisement: its program is disabled (so every live advertisement of
 * that program stops), optionally the advertisements too, and the cases deploying through them
 * move to HALTED. `everyDeploymentOfUpdate` widens it to every live install advertisement whose
 * package carries the update(s) of this one's package (decision 008).
 */
export const HaltAdvertisementBodySchema = z.object({
  reason,
  alsoDisableAdvertisement: z.boolean().default(false),
  everyDeploymentOfUpdate: z
    .boolean()
    .default(false)
    .describe("also halt every live install advertisement of a package carrying the same update(s)"),
});
export type HaltAdvertisementBody = z.output<typeof HaltAdvertisementBodySchema>;
export type HaltAdvertisementInput = z.input<typeof HaltAdvertisementBodySchema>;

/** Why an advertisement is part of a halt. */
export const HaltReasonSchema = z.enum(["NAMED", "SAME_PROGRAM", "SAME_UPDATE"]);
export type HaltReason = z.infer<typeof HaltReasonSchema>;

export const HaltedAdvertisementSchema = z.object({
  advertisementId: z.string(),
  packageId: z.string(),
  programName: z.string(),
  programWasAlreadyDisabled: z.boolean(),
  advertisementDisabled: z.boolean(),
  caseIds: z.array(UuidSchema).describe("cases moved to HALTED"),
  why: HaltReasonSchema.describe(
    "NAMED: the advertisement asked for; SAME_PROGRAM: it advertises the same program; SAME_UPDATE: its package carries the same update(s)",
  ),
  haltId: UuidSchema.nullable().describe(
    "the halt in force on it (null: it only stops because it shares the disabled program)",
  ),
});
export type HaltedAdvertisement = z.infer<typeof HaltedAdvertisementSchema>;

export const HaltReleaseResultSchema = z.object({ halted: z.array(HaltedAdvertisementSchema) });
export type HaltReleaseResult = z.infer<typeof HaltReleaseResultSchema>;

/**
 * Where the halt time comes from: ADVERTISEMENT = a halt of this advertisement; PROGRAM = a halt of
 * another advertisement of the same program (it disabled this one's program too); CASE = the case's
 * own halt, recorded before halts had their own rows.
 */
export const HaltSourceSchema = z.enum(["ADVERTISEMENT", "PROGRAM", "CASE"]);
export type HaltSource = z.infer<typeof HaltSourceSchema>;

/** A halt in force (or lifted) on one advertisement: when, why, what it changed, the cases it halted. */
export const ReleaseHaltViewSchema = z
  .object({
    id: UuidSchema,
    version: z.number().int(),
    advertisementId: z.string(),
    packageId: z.string(),
    programName: z.string(),
    haltedAt: TimestampSchema,
    haltedBy: z.string(),
    reason: z.string(),
    automaticRule: z.string().nullable().describe("the rule sentence when an automatic halt rule halted it"),
    disabledProgram: z.boolean().describe("lifting the last halt on the program enables it again"),
    disabledAdvertisement: z.boolean().describe("the halt disabled the advertisement; its resume activates it"),
    cases: z.array(HaltCaseRefSchema).describe("the cases it moved to HALTED, as they are now"),
    resumedAt: TimestampSchema.nullable(),
    resumedBy: z.string().nullable(),
  })
  .meta({ id: "ReleaseHalt" });
export type ReleaseHaltView = z.infer<typeof ReleaseHaltViewSchema>;

export const ReleaseHaltListSchema = z.object({ items: z.array(ReleaseHaltViewSchema) });
export type ReleaseHaltList = z.infer<typeof ReleaseHaltListSchema>;

/** An advertisement a halt would stop, for the halt dialog. */
export const HaltTargetSchema = z.object({
  advertisementId: z.string(),
  advertisementName: z.string(),
  packageId: z.string(),
  programName: z.string(),
  state: z.enum(["ACTIVE", "DISABLED"]),
  programDisabled: z.boolean(),
  halted: z.boolean().describe("a halt is in force on it already"),
  cases: z.array(HaltCaseRefSchema).describe("cases deploying through it, which would move to HALTED"),
});
export type HaltTarget = z.infer<typeof HaltTargetSchema>;

export const HaltTargetsSchema = z
  .object({
    advertisementId: z.string(),
    kbNumbers: z.array(z.string()).describe("the updates this advertisement's package carries"),
    release: z
      .array(HaltTargetSchema)
      .describe("what a halt of this advertisement stops: every advertisement of its program"),
    everyDeployment: z
      .array(HaltTargetSchema)
      .describe(
        "what 'every deployment of the update' stops: every live install advertisement of a package carrying all of kbNumbers, and their programs' other advertisements",
      ),
  })
  .meta({ id: "HaltTargets" });
export type HaltTargets = z.infer<typeof HaltTargetsSchema>;

/** Lifting the halt of an advertisement no halted case stands behind (a case is resumed through its action). */
export const ResumeAdvertisementBodySchema = z.object({
  reason: z
    .string({ message: "Say why the deployment may resume" })
    .trim()
    .min(5, "Say why the deployment may resume (at least 5 characters)")
    .max(2000, "Use at most 2,000 characters"),
});
export type ResumeAdvertisementBody = z.infer<typeof ResumeAdvertisementBodySchema>;

export const ResumeResultSchema = z
  .object({
    advertisementId: z.string(),
    programEnabled: z.boolean().describe("the program runs again"),
    advertisementEnabled: z.boolean().describe("the halt had disabled the advertisement; it is active again"),
    programStillDisabledBy: z
      .array(z.string())
      .describe(
        "advertisements of the same program whose halts still stand: the program stays disabled until they are lifted",
      ),
    summary: z.string(),
  })
  .meta({ id: "ResumeResult" });
export type ResumeResult = z.infer<typeof ResumeResultSchema>;

export const HaltVerificationSchema = HaltVerificationResultSchema.extend({
  advertisementId: z.string(),
  generatedAt: TimestampSchema,
  programDisabled: z.boolean(),
  advertisementState: z.enum(["ACTIVE", "DISABLED", "DELETED"]),
  /** Where `haltedAt` comes from (a halt of this advertisement or of its program, else the case's halt). */
  haltSource: HaltSourceSchema.nullable(),
  automaticRule: z.string().nullable().describe("the rule sentence when an automatic halt rule halted it"),
  halt: ReleaseHaltViewSchema.nullable().describe(
    "the halt in force behind haltedAt (of this advertisement or its program)",
  ),
  case: HaltCaseRefSchema.nullable(),
}).meta({ id: "HaltVerification" });
export type HaltVerification = z.infer<typeof HaltVerificationSchema>;
