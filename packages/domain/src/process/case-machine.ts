import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { RoleSchema, roleLabels, type Role } from "../auth/roles.js";
import { advertisementView, type AdvertisementFlagFields } from "../sms/advertisement.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { releaseGate, unresolvedTests, type TestLike } from "./acceptance.js";
import {
  caseActionLabels,
  caseStateLabels,
  CaseStateSchema,
  type CaseActionType,
  type CaseState,
} from "./case-states.js";
import { gateLabels, type Gate } from "./phase.js";
import { AUTHORITY_PERMISSIONS, canProcess, processPermissions, type ProcessPermission } from "./permissions.js";
import {
  DEFAULT_PRIORITY_POLICY,
  releasePriorityLabels,
  ReleasePrioritySchema,
  type PriorityPolicy,
  type ReleasePriority,
} from "./priority.js";
import {
  AbandonRollbackBodySchema,
  AcceptReducedTestingBodySchema,
  AcceptReleaseBodySchema,
  BuildReleaseBodySchema,
  CloseCaseBodySchema,
  ConfirmPriorityBodySchema,
  DeferBodySchema,
  HashAlgorithmSchema,
  HaltBodySchema,
  MarkDeployedBodySchema,
  MarkNotRelevantBodySchema,
  MarkRelevantBodySchema,
  MarkRolledBackBodySchema,
  PlanReleaseBodySchema,
  PriorityRationaleSchema,
  ReopenBodySchema,
  ResumeBodySchema,
  ReviewBodySchema,
  SourceChecksSchema,
  StartDeploymentBodySchema,
  StartEvaluationBodySchema,
  StartRollbackBodySchema,
  StartTestingBodySchema,
  SubmitRfcBodySchema,
  VerifySourceBodySchema,
} from "./requests.js";
import { RfcCategorySchema } from "./rfc.js";
import type { TimelineEventInput } from "./timeline.js";
import type { Rollbackability } from "./updates.js";

/**
 * The UpdateCase state machine (domain.md §8.3) with the gates of §2.8 as guards.
 *
 * `transitionCase(case, action, context)` is pure: it returns the next case record and the
 * effects the API must carry out (timeline events, SLA clock, paging, disabling the program), or
 * a refusal with a sentence naming the unmet gate. The API answers a refusal with
 * 409 ILLEGAL_TRANSITION (`code: "ILLEGAL_TRANSITION"`), 403 FORBIDDEN (`code: "FORBIDDEN"`, the
 * actor's role or authority is missing) or 400 VALIDATION_FAILED (the action's body is invalid).
 *
 * Emergency authority = the ERT lead, or an ERT member / SMS administrator holding an active
 * emergency-authority grant (authority.ts). It is needed to confirm an Emergency priority, to
 * accept reduced testing, to resume a halted deployment and to start a rollback.
 */

// --- the case record --------------------------------------------------------------------------

const who = z.string().min(1);

export const RelevanceDecisionSchema = z.object({
  relevant: z.boolean(),
  note: z.string(),
  decidedBy: who,
  decidedAt: TimestampSchema,
});
export type RelevanceDecision = z.infer<typeof RelevanceDecisionSchema>;

export const SourceVerificationSchema = z.object({
  verifiedBy: who,
  verifiedAt: TimestampSchema,
  hashAlgorithm: HashAlgorithmSchema,
  hash: z.string(),
  checks: SourceChecksSchema,
  notes: z.string().nullable(),
});
export type SourceVerification = z.infer<typeof SourceVerificationSchema>;

export const RfcRecordSchema = z.object({
  initialPriority: ReleasePrioritySchema,
  category: RfcCategorySchema,
  rationale: z.string(),
  submittedBy: who,
  submittedAt: TimestampSchema,
});
export type RfcRecord = z.infer<typeof RfcRecordSchema>;

export const PriorityConfirmationSchema = z.object({
  finalPriority: ReleasePrioritySchema,
  category: RfcCategorySchema,
  rationale: PriorityRationaleSchema,
  confirmedBy: who,
  confirmedByRole: RoleSchema,
  /** True when the confirmer acted under an emergency-authority grant rather than as ERT lead. */
  underAuthorityGrant: z.boolean(),
  confirmedAt: TimestampSchema,
});
export type PriorityConfirmation = z.infer<typeof PriorityConfirmationSchema>;

export const ReducedTestingAcceptanceSchema = z.object({
  acceptedBy: who,
  acceptedByRole: RoleSchema,
  underAuthorityGrant: z.boolean(),
  acceptedAt: TimestampSchema,
  rationale: z.string(),
  /** Tests not passed when the risk was accepted. */
  openTestIds: z.array(z.string()),
});
export type ReducedTestingAcceptance = z.infer<typeof ReducedTestingAcceptanceSchema>;

/** The SLA clock of the priority in force (sla.ts). */
export const CaseSlaSchema = z.object({
  priority: ReleasePrioritySchema,
  since: TimestampSchema,
  stoppedAt: TimestampSchema.nullable(),
});
export type CaseSla = z.infer<typeof CaseSlaSchema>;

export const UpdateCaseSchema = z.object({
  status: CaseStateSchema,
  relevance: RelevanceDecisionSchema.nullable(),
  sourceVerification: SourceVerificationSchema.nullable(),
  rfc: RfcRecordSchema.nullable(),
  priorityConfirmation: PriorityConfirmationSchema.nullable(),
  deferral: z
    .object({ reason: z.string(), revisitAt: TimestampSchema.nullable(), deferredBy: who, deferredAt: TimestampSchema })
    .nullable(),
  plannedStartAt: TimestampSchema.nullable(),
  packageId: z.string().nullable(),
  advertisementId: z.string().nullable(),
  reducedTestingAcceptance: ReducedTestingAcceptanceSchema.nullable(),
  deploymentStartedAt: TimestampSchema.nullable(),
  deployedAt: TimestampSchema.nullable(),
  halt: z
    .object({ reason: z.string(), haltedBy: who, haltedAt: TimestampSchema, automaticRule: z.string().nullable() })
    .nullable(),
  rollback: z
    .object({
      reason: z.string(),
      startedBy: who,
      startedAt: TimestampSchema,
      completedAt: TimestampSchema.nullable(),
      evidence: z.string().nullable(),
    })
    .nullable(),
  review: z.object({ text: z.string(), reviewedBy: who, reviewedAt: TimestampSchema }).nullable(),
  sla: CaseSlaSchema.nullable(),
  closedAt: TimestampSchema.nullable(),
  closeReason: z.string().nullable(),
});
export type UpdateCase = z.infer<typeof UpdateCaseSchema>;

/** A case as an alert creates it (gate G0 passed: it is in Identify). */
export const newUpdateCase = (): UpdateCase => ({
  status: "DETECTED",
  relevance: null,
  sourceVerification: null,
  rfc: null,
  priorityConfirmation: null,
  deferral: null,
  plannedStartAt: null,
  packageId: null,
  advertisementId: null,
  reducedTestingAcceptance: null,
  deploymentStartedAt: null,
  deployedAt: null,
  halt: null,
  rollback: null,
  review: null,
  sla: null,
  closedAt: null,
  closeReason: null,
});

/** Initial priority set in Identify (G3). */
export const initialPriorityOf = (c: UpdateCase): ReleasePriority | null => c.rfc?.initialPriority ?? null;
/** Confirmed priority from Evaluate & Plan (G4). */
export const finalPriorityOf = (c: UpdateCase): ReleasePriority | null => c.priorityConfirmation?.finalPriority ?? null;
/** The priority that drives the SLA now: the confirmed one, else the initial one. */
export const priorityInForce = (c: UpdateCase): ReleasePriority | null => finalPriorityOf(c) ?? initialPriorityOf(c);

// --- actions --------------------------------------------------------------------------------

/** An action with its body, as `transitionCase` takes it; `type` is the action name. */
export const CaseActionSchema = z.discriminatedUnion("type", [
  MarkRelevantBodySchema.safeExtend({ type: z.literal("markRelevant") }),
  MarkNotRelevantBodySchema.safeExtend({ type: z.literal("markNotRelevant") }),
  VerifySourceBodySchema.safeExtend({ type: z.literal("verifySource") }),
  SubmitRfcBodySchema.safeExtend({ type: z.literal("submitRfc") }),
  StartEvaluationBodySchema.safeExtend({ type: z.literal("startEvaluation") }),
  ConfirmPriorityBodySchema.safeExtend({ type: z.literal("confirmPriority") }),
  DeferBodySchema.safeExtend({ type: z.literal("defer") }),
  ReopenBodySchema.safeExtend({ type: z.literal("reopen") }),
  PlanReleaseBodySchema.safeExtend({ type: z.literal("plan") }),
  BuildReleaseBodySchema.safeExtend({ type: z.literal("build") }),
  StartTestingBodySchema.safeExtend({ type: z.literal("startTesting") }),
  AcceptReducedTestingBodySchema.safeExtend({ type: z.literal("acceptReducedTesting") }),
  AcceptReleaseBodySchema.safeExtend({ type: z.literal("acceptRelease") }),
  StartDeploymentBodySchema.safeExtend({ type: z.literal("startDeployment") }),
  HaltBodySchema.safeExtend({ type: z.literal("halt") }),
  ResumeBodySchema.safeExtend({ type: z.literal("resume") }),
  MarkDeployedBodySchema.safeExtend({ type: z.literal("markDeployed") }),
  StartRollbackBodySchema.safeExtend({ type: z.literal("startRollback") }),
  AbandonRollbackBodySchema.safeExtend({ type: z.literal("abandonRollback") }),
  MarkRolledBackBodySchema.safeExtend({ type: z.literal("markRolledBack") }),
  ReviewBodySchema.safeExtend({ type: z.literal("review") }),
  CloseCaseBodySchema.safeExtend({ type: z.literal("close") }),
]);
/** Parsed action (defaults applied). */
export type CaseAction = z.infer<typeof CaseActionSchema>;
/** Action as a caller may write it (fields with defaults optional). */
export type CaseActionInput = z.input<typeof CaseActionSchema>;

export interface CaseActor {
  userId: string;
  role: Role;
  /** An active emergency-authority grant (authority.ts `isGrantActive`). */
  hasActiveGrant?: boolean;
}

/** What the machine needs besides the case and the action; the API loads it. */
export interface CaseContext {
  now: TimeInput;
  actor: CaseActor;
  /** The release's acceptance tests (startTesting, acceptReducedTesting, acceptRelease, confirmPriority, review). */
  tests?: readonly TestLike[];
  /** The advertisement named in startDeployment. */
  advertisement?: AdvertisementFlagFields | null;
  /** Compliance of the targets incl. DONE out-of-band tasks (oob.ts `coverageWithOob`), for markDeployed. */
  compliance?: { compliancePct: number; thresholdPct?: number } | null;
  /** The update, for startRollback. */
  update?: { rollbackability: Rollbackability } | null;
  /** Defaults to DEFAULT_PRIORITY_POLICY; its advertisement requirements guard startDeployment. */
  policy?: PriorityPolicy;
}

/** Compliance % at which a deployment counts as done (G6), unless the caller says otherwise (domain.md §7: 95 %). */
export const DEFAULT_DEPLOYED_THRESHOLD_PCT = 95;

export type CaseEffect =
  | { type: "TIMELINE"; event: TimelineEventInput }
  | { type: "START_SLA_CLOCK"; priority: ReleasePriority; since: string; restarted: boolean }
  | { type: "STOP_SLA_CLOCK"; at: string }
  | { type: "PAGE_ERT"; reason: string }
  | { type: "DISABLE_PROGRAM"; alsoDisableAdvertisement: boolean }
  | { type: "ENABLE_PROGRAM" }
  | { type: "KEEP_TESTS_OPEN"; testIds: string[] };

export type RefusalCode = "ILLEGAL_TRANSITION" | "FORBIDDEN" | "VALIDATION_FAILED";
export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
  gate?: Gate;
}
export type CaseTransitionResult = { ok: true; next: UpdateCase; effects: CaseEffect[]; warnings: string[] } | Refusal;

interface ActionRule {
  from: readonly CaseState[];
  /** `null` = the case stays in its state (a gate record such as verifySource or confirmPriority). */
  to: CaseState | null;
  permission: ProcessPermission;
  gate?: Gate;
}

/** Where each action may start, where it leads, who may do it and which gate it checks. */
export const CASE_ACTION_RULES: Record<CaseActionType, ActionRule> = {
  markRelevant: { from: ["DETECTED"], to: "IDENTIFYING", permission: "triageUpdates", gate: "G1" },
  markNotRelevant: { from: ["DETECTED", "IDENTIFYING"], to: "NOT_RELEVANT", permission: "triageUpdates", gate: "G1" },
  verifySource: { from: ["IDENTIFYING"], to: null, permission: "triageUpdates", gate: "G2" },
  submitRfc: { from: ["IDENTIFYING"], to: "RFC_SUBMITTED", permission: "triageUpdates", gate: "G3" },
  startEvaluation: { from: ["RFC_SUBMITTED"], to: "EVALUATING", permission: "triageUpdates" },
  confirmPriority: {
    from: ["EVALUATING", "PLANNED", "BUILDING", "TESTING", "READY"],
    to: null,
    permission: "confirmPriority",
    gate: "G4",
  },
  defer: { from: ["EVALUATING"], to: "DEFERRED", permission: "triageUpdates", gate: "G4" },
  reopen: { from: ["DEFERRED"], to: "EVALUATING", permission: "triageUpdates" },
  plan: { from: ["EVALUATING"], to: "PLANNED", permission: "workRelease", gate: "G4" },
  build: { from: ["PLANNED"], to: "BUILDING", permission: "workRelease" },
  startTesting: { from: ["BUILDING"], to: "TESTING", permission: "workRelease", gate: "G5" },
  acceptReducedTesting: { from: ["TESTING"], to: null, permission: "acceptReducedTesting", gate: "G5" },
  acceptRelease: { from: ["TESTING"], to: "READY", permission: "workRelease", gate: "G5" },
  startDeployment: { from: ["READY"], to: "DEPLOYING", permission: "workRelease" },
  halt: { from: ["DEPLOYING", "DEPLOYED"], to: "HALTED", permission: "haltRelease" },
  resume: { from: ["HALTED"], to: "DEPLOYING", permission: "authoriseRollback" },
  markDeployed: { from: ["DEPLOYING"], to: "DEPLOYED", permission: "workRelease", gate: "G6" },
  startRollback: { from: ["HALTED"], to: "ROLLING_BACK", permission: "authoriseRollback" },
  /** The rollback was cancelled or found not feasible after it started: the deployment stays halted. */
  abandonRollback: { from: ["ROLLING_BACK"], to: "HALTED", permission: "authoriseRollback" },
  markRolledBack: { from: ["ROLLING_BACK"], to: "ROLLED_BACK", permission: "completeRollback" },
  review: { from: ["DEPLOYED", "ROLLED_BACK"], to: "REVIEWED", permission: "reviewCase", gate: "G7" },
  close: { from: ["REVIEWED", "NOT_RELEVANT", "DEFERRED"], to: "CLOSED", permission: "triageUpdates", gate: "G7" },
};

const refuse = (code: RefusalCode, reason: string, gate?: Gate): Refusal =>
  gate ? { ok: false, code, reason, gate } : { ok: false, code, reason };
const gateRefusal = (gate: Gate, detail: string): Refusal =>
  refuse("ILLEGAL_TRANSITION", `${gateLabels[gate]} is not met: ${detail}`, gate);
const iso = (t: TimeInput) => new Date(toEpochMs(t)).toISOString();
const AUTHORITY = "the ERT lead or a holder of an active emergency-authority grant";

function roleList(roles: readonly Role[]): string {
  const names = roles.map((r) => roleLabels[r]);
  return names.length <= 1 ? (names[0] ?? "nobody") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

function permissionRefusal(action: CaseActionType, role: Role, permission: ProcessPermission): Refusal {
  const base: readonly Role[] = processPermissions[permission];
  const allowed = !AUTHORITY_PERMISSIONS.includes(permission)
    ? `the ${roleList(base)} role`
    : base.length === 1 && base[0] === "ERT_LEAD"
      ? AUTHORITY
      : `the ${roleList(base)} role, or an active emergency-authority grant`;
  return refuse("FORBIDDEN", `${caseActionLabels[action]} needs ${allowed}; your role is ${roleLabels[role]}.`);
}

function stateRefusal(action: CaseActionType, status: CaseState): Refusal {
  const from = CASE_ACTION_RULES[action].from.map((s) => caseStateLabels[s]).join(", ");
  return refuse(
    "ILLEGAL_TRANSITION",
    `${caseActionLabels[action]} is not possible while the case is ${caseStateLabels[status]}; it needs: ${from}.`,
  );
}

/**
 * Guards that read only the case and the context (not the action's body). `lenient` = context the
 * caller did not supply is treated as unknown and passes (availableActions); otherwise missing
 * context fails the guard (transitionCase).
 */
function precheck(action: CaseActionType, c: UpdateCase, ctx: Partial<CaseContext>, lenient: boolean): Refusal | null {
  const final = finalPriorityOf(c);
  switch (action) {
    case "submitRfc":
      if (!c.sourceVerification)
        return gateRefusal("G2", "verify the source files (who, when, hash) before submitting the RFC.");
      return null;
    case "defer":
      if (!final) return gateRefusal("G4", "confirm the priority before deferring.");
      if (final !== "LOW" && final !== "MEDIUM") {
        return refuse(
          "ILLEGAL_TRANSITION",
          `Only Low or Medium releases can wait for a service pack or rollup; this one is ${releasePriorityLabels[final]}.`,
          "G4",
        );
      }
      return null;
    case "plan":
      if (!final)
        return gateRefusal(
          "G4",
          "a named person must confirm the priority, with the rationale, before the release is planned.",
        );
      return null;
    case "startTesting":
      if (ctx.tests === undefined && lenient) return null;
      if ((ctx.tests ?? []).length === 0)
        return gateRefusal("G5", "add at least one acceptance test before testing starts.");
      return null;
    case "acceptReducedTesting": {
      if (final !== "EMERGENCY") {
        return gateRefusal(
          "G5",
          `reduced testing is only for Emergency releases; this one is ${final ? releasePriorityLabels[final] : "not confirmed"}.`,
        );
      }
      if (ctx.tests === undefined && lenient) return null;
      const core = (ctx.tests ?? []).filter((t) => t.scope === "CORE");
      if (core.length === 0) return gateRefusal("G5", "define core-functionality tests first.");
      const open = core.filter((t) => t.result !== "PASSED");
      if (open.length > 0)
        return gateRefusal(
          "G5",
          `every core-functionality test must pass before reduced testing can be accepted (${open.length} not passed).`,
        );
      return null;
    }
    case "acceptRelease": {
      if (!final) return gateRefusal("G4", "the priority is not confirmed.");
      if (ctx.tests === undefined && lenient) return null;
      const g = releaseGate(ctx.tests ?? [], final, c.reducedTestingAcceptance !== null);
      if (!g.ok)
        return refuse("ILLEGAL_TRANSITION", `${gateLabels.G5} is not met: ${g.reason.replace(/^G5: /, "")}`, "G5");
      return null;
    }
    case "startDeployment":
      if (ctx.advertisement === undefined && lenient) return null;
      if (!ctx.advertisement)
        return refuse("ILLEGAL_TRANSITION", "Choose the advertisement that deploys this release.");
      return advertisementRefusal(
        final ?? priorityInForce(c),
        ctx.advertisement,
        ctx.policy ?? DEFAULT_PRIORITY_POLICY,
      );
    case "markDeployed": {
      if (ctx.compliance === undefined && lenient) return null;
      if (!ctx.compliance) return gateRefusal("G6", "no compliance figures are available yet.");
      const threshold = ctx.compliance.thresholdPct ?? DEFAULT_DEPLOYED_THRESHOLD_PCT;
      if (!(ctx.compliance.compliancePct >= threshold)) {
        return gateRefusal(
          "G6",
          `compliance is ${formatPct(ctx.compliance.compliancePct)}, below the ${formatPct(threshold)} that counts as deployed.`,
        );
      }
      return null;
    }
    case "startRollback": {
      if (ctx.update === undefined && lenient) return null;
      if (ctx.update?.rollbackability === "NOT_REMOVABLE") {
        return refuse(
          "ILLEGAL_TRANSITION",
          "The update cannot be removed (its bulletin says so, or its removal data is gone): recover by restoring from backup or rebuilding instead of a rollback.",
        );
      }
      return null;
    }
    case "review": {
      if (c.status !== "DEPLOYED") return null;
      if (ctx.tests === undefined && lenient) return null;
      const open = unresolvedTests(ctx.tests ?? []);
      if (open.length > 0) {
        return gateRefusal(
          "G7",
          `${open.length} acceptance ${open.length === 1 ? "test is" : "tests are"} still open or failed (${open.map((t) => t.name).join(", ")}); record their results before the review.`,
        );
      }
      return null;
    }
    default:
      return null;
  }
}

const formatPct = (n: number) => `${Math.round(n * 10) / 10} %`;

function advertisementRefusal(
  priority: ReleasePriority | null,
  ad: AdvertisementFlagFields,
  policy: PriorityPolicy,
): Refusal | null {
  if (!priority) return null;
  const frame = policy[priority];
  const view = advertisementView(ad);
  const a = priority === "EMERGENCY" ? "An" : "A";
  if (frame.requiresMandatoryAdvert && !view.mandatory) {
    return refuse(
      "ILLEGAL_TRANSITION",
      `${a} ${releasePriorityLabels[priority]} release needs a mandatory assignment on its advertisement.`,
    );
  }
  if (frame.requiresOnSlowNet && !view.mandatoryOverSlowLinks) {
    return refuse(
      "ILLEGAL_TRANSITION",
      `${a} ${releasePriorityLabels[priority]} release must be mandatory over slow links: clear "Assignments are not mandatory over slow links" on the advertisement.`,
    );
  }
  return null;
}

function caseTransitionEvent(
  action: CaseActionType,
  from: CaseState,
  to: CaseState,
  at: string,
  actorId: string | null,
): TimelineEventInput {
  return {
    type: "CASE_TRANSITION",
    at,
    actorId,
    summary:
      from === to
        ? `${caseActionLabels[action]} (${caseStateLabels[to]})`
        : `${caseActionLabels[action]}: ${caseStateLabels[from]} → ${caseStateLabels[to]}`,
    payload: { action, from, to },
  };
}

/**
 * Applies one action. Order of checks: the action's body, the current state, the actor's role,
 * then the gate guards; the first failure is returned.
 */
export function transitionCase(c: UpdateCase, input: CaseActionInput, ctx: CaseContext): CaseTransitionResult {
  const parsed = CaseActionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse("VALIDATION_FAILED", issue ? issue.message : "The action is not valid.");
  }
  const action = parsed.data;
  const rule = CASE_ACTION_RULES[action.type];
  if (!rule.from.includes(c.status)) return stateRefusal(action.type, c.status);

  const { actor } = ctx;
  const grant = actor.hasActiveGrant ?? false;
  const automaticHalt = action.type === "halt" && action.automaticRule !== undefined;
  if (!automaticHalt && !canProcess(actor.role, rule.permission, grant))
    return permissionRefusal(action.type, actor.role, rule.permission);

  const pre = precheck(action.type, c, ctx, false);
  if (pre) return pre;

  const at = iso(ctx.now);
  const by = actor.userId;
  const effects: CaseEffect[] = [];
  const warnings: string[] = [];
  let next: UpdateCase = { ...c };
  const to = rule.to ?? c.status;

  switch (action.type) {
    case "markRelevant":
      next.relevance = { relevant: true, note: action.evidence, decidedBy: by, decidedAt: at };
      break;
    case "markNotRelevant":
      next.relevance = { relevant: false, note: action.reason, decidedBy: by, decidedAt: at };
      break;
    case "verifySource": {
      const failed = (Object.keys(action.checks) as (keyof typeof action.checks)[]).filter((k) => !action.checks[k]);
      if (failed.length > 0) {
        const names = { genuine: "genuine", virusFree: "virus-free", installsCleanly: "installs cleanly" } as const;
        return gateRefusal(
          "G2",
          `the files must be genuine, virus-free and install cleanly; not confirmed: ${failed.map((k) => names[k]).join(", ")}.`,
        );
      }
      next.sourceVerification = {
        verifiedBy: by,
        verifiedAt: at,
        hashAlgorithm: action.hashAlgorithm,
        hash: action.hash,
        checks: action.checks,
        notes: action.notes ?? null,
      };
      break;
    }
    case "submitRfc": {
      next.rfc = {
        initialPriority: action.initialPriority,
        category: action.category,
        rationale: action.rationale,
        submittedBy: by,
        submittedAt: at,
      };
      next.sla = { priority: action.initialPriority, since: at, stoppedAt: null };
      effects.push(
        {
          type: "TIMELINE",
          event: {
            type: "PRIORITY_SET",
            at,
            actorId: by,
            summary: `Initial priority ${releasePriorityLabels[action.initialPriority]}`,
            payload: { priority: action.initialPriority, category: action.category, rationale: action.rationale },
          },
        },
        { type: "START_SLA_CLOCK", priority: action.initialPriority, since: at, restarted: false },
      );
      if (action.initialPriority === "EMERGENCY") {
        effects.push({ type: "PAGE_ERT", reason: "An RFC was submitted with an initial Emergency priority." });
      }
      break;
    }
    case "confirmPriority": {
      const final = action.finalPriority;
      if (final === "EMERGENCY" && !canProcess(actor.role, "confirmEmergencyPriority", grant)) {
        return refuse(
          "FORBIDDEN",
          `${gateLabels.G4} is not met: only ${AUTHORITY} can confirm an Emergency priority; your role is ${roleLabels[actor.role]}.`,
          "G4",
        );
      }
      const previous = priorityInForce(c);
      const underGrant = actor.role !== "ERT_LEAD" && final === "EMERGENCY";
      next.priorityConfirmation = {
        finalPriority: final,
        category: action.category ?? c.rfc?.category ?? "STANDARD",
        rationale: action.rationale,
        confirmedBy: by,
        confirmedByRole: actor.role,
        underAuthorityGrant: underGrant,
        confirmedAt: at,
      };
      effects.push({
        type: "TIMELINE",
        event: {
          type: "PRIORITY_CONFIRMED",
          at,
          actorId: by,
          summary:
            previous === final
              ? `Priority ${releasePriorityLabels[final]} confirmed`
              : `Priority changed to ${releasePriorityLabels[final]}${previous ? ` (was ${releasePriorityLabels[previous]})` : ""}`,
          payload: { priority: final, previous, underAuthorityGrant: underGrant, rationale: { ...action.rationale } },
        },
      });
      if (!c.sla || c.sla.priority !== final) {
        next.sla = { priority: final, since: at, stoppedAt: null };
        effects.push({ type: "START_SLA_CLOCK", priority: final, since: at, restarted: c.sla !== null });
      }
      if (final === "EMERGENCY" && previous !== "EMERGENCY")
        effects.push({ type: "PAGE_ERT", reason: "The priority was confirmed as Emergency." });
      if (final !== "EMERGENCY" && c.reducedTestingAcceptance) {
        next.reducedTestingAcceptance = null;
        warnings.push(
          "The acceptance of reduced testing no longer applies: only Emergency releases may skip the full suite.",
        );
        if (c.status === "READY" && !releaseGate(ctx.tests ?? [], final, false).ok) {
          next.status = "TESTING";
          warnings.push("The release goes back to Testing: the full suite has not passed.");
          effects.push({
            type: "TIMELINE",
            event: caseTransitionEvent("confirmPriority", c.status, "TESTING", at, by),
          });
          return { ok: true, next, effects, warnings };
        }
      }
      break;
    }
    case "defer":
      next.deferral = { reason: action.reason, revisitAt: action.revisitAt ?? null, deferredBy: by, deferredAt: at };
      break;
    case "reopen":
      next.deferral = null;
      break;
    case "plan":
      next.plannedStartAt = action.plannedStartAt ?? null;
      break;
    case "build":
      if (action.packageId) next.packageId = action.packageId;
      break;
    case "startTesting":
      next.packageId = action.packageId;
      break;
    case "acceptReducedTesting": {
      const open = (ctx.tests ?? []).filter((t) => t.result !== "PASSED").map((t) => t.id);
      next.reducedTestingAcceptance = {
        acceptedBy: by,
        acceptedByRole: actor.role,
        underAuthorityGrant: actor.role !== "ERT_LEAD",
        acceptedAt: at,
        rationale: action.rationale,
        openTestIds: open,
      };
      effects.push({
        type: "TIMELINE",
        event: {
          type: "REDUCED_TESTING_ACCEPTED",
          at,
          actorId: by,
          summary: `Reduced testing accepted with ${open.length} ${open.length === 1 ? "test" : "tests"} still open`,
          payload: { openTestIds: open, rationale: action.rationale },
        },
      });
      break;
    }
    case "acceptRelease": {
      const g = releaseGate(
        ctx.tests ?? [],
        finalPriorityOf(c) as ReleasePriority,
        c.reducedTestingAcceptance !== null,
      );
      if (g.ok && g.path === "REDUCED") {
        effects.push({ type: "KEEP_TESTS_OPEN", testIds: g.remainingOpen });
        if (g.remainingOpen.length > 0)
          warnings.push(`${g.remainingOpen.length} acceptance tests stay open through and after deployment.`);
      }
      break;
    }
    case "startDeployment": {
      next.advertisementId = action.advertisementId;
      next.deploymentStartedAt = at;
      const view = ctx.advertisement ? advertisementView(ctx.advertisement) : null;
      if (view && finalPriorityOf(c) === "EMERGENCY" && view.noLocalDpMode === "DONT_RUN") {
        warnings.push(
          'The advertisement says "Do not run program" when no distribution point is local: Advanced Clients on slow or remote boundaries will not install it.',
        );
      }
      break;
    }
    case "halt":
      next.halt = { reason: action.reason, haltedBy: by, haltedAt: at, automaticRule: action.automaticRule ?? null };
      effects.push(
        { type: "DISABLE_PROGRAM", alsoDisableAdvertisement: action.alsoDisableAdvertisement },
        {
          type: "TIMELINE",
          event: {
            type: "HALTED",
            at,
            actorId: automaticHalt ? null : by,
            summary: automaticHalt
              ? `Halted by rule ${action.automaticRule}: ${action.reason}`
              : `Deployment halted: ${action.reason}`,
            payload: {
              reason: action.reason,
              alsoDisableAdvertisement: action.alsoDisableAdvertisement,
              automaticRule: action.automaticRule ?? null,
            },
          },
        },
      );
      break;
    case "resume":
      next.halt = null;
      next.deployedAt = null;
      effects.push(
        { type: "ENABLE_PROGRAM" },
        {
          type: "TIMELINE",
          event: {
            type: "RESUMED",
            at,
            actorId: by,
            summary: `Deployment resumed: ${action.reason}`,
            payload: { reason: action.reason },
          },
        },
      );
      if (c.sla?.stoppedAt) {
        next.sla = { ...c.sla, stoppedAt: null };
        warnings.push("The SLA clock runs again until the deployment reaches its targets.");
      }
      break;
    case "markDeployed":
      next.deployedAt = at;
      if (next.sla && !next.sla.stoppedAt) {
        next.sla = { ...next.sla, stoppedAt: at };
        effects.push({ type: "STOP_SLA_CLOCK", at });
      }
      break;
    case "startRollback": {
      next.rollback = { reason: action.reason, startedBy: by, startedAt: at, completedAt: null, evidence: null };
      const r = ctx.update?.rollbackability;
      if (r === "REMOVABLE_ORDER_SENSITIVE") {
        warnings.push(
          "Removal is order-sensitive: later updates touching the same files must be removed first and redeployed afterwards.",
        );
      }
      if (r === "UNKNOWN" || r === undefined)
        warnings.push("Removability is not known: check the bulletin's removal section before building the rollback.");
      break;
    }
    case "abandonRollback":
      // The halt stays in force (the program stays disabled): resume or start another rollback from HALTED.
      next.rollback = null;
      effects.push({
        type: "TIMELINE",
        event: {
          type: "NOTE",
          at,
          actorId: by,
          summary: `Rollback abandoned: ${action.reason}`,
          payload: { text: action.reason },
        },
      });
      break;
    case "markRolledBack":
      if (next.rollback) next.rollback = { ...next.rollback, completedAt: at, evidence: action.evidence };
      break;
    case "review":
      next.review = { text: action.text, reviewedBy: by, reviewedAt: at };
      break;
    case "close": {
      const reason = (action.reason ?? "").trim();
      if (c.status === "DEFERRED" && reason.length < 5) {
        return gateRefusal(
          "G7",
          "say why the deferred release will not be deployed (e.g. superseded by a service pack).",
        );
      }
      next.closedAt = at;
      next.closeReason = reason.length > 0 ? reason : null;
      if (next.sla && !next.sla.stoppedAt) {
        next.sla = { ...next.sla, stoppedAt: at };
        effects.push({ type: "STOP_SLA_CLOCK", at });
      }
      break;
    }
    case "startEvaluation":
      break;
  }

  next = { ...next, status: to };
  effects.unshift({
    type: "TIMELINE",
    event: caseTransitionEvent(action.type, c.status, to, at, automaticHalt ? null : by),
  });
  return { ok: true, next, effects, warnings };
}

export interface AvailableAction {
  action: CaseActionType;
  label: string;
  enabled: boolean;
  /** Why the action is disabled, in words for a tooltip. */
  reason?: string;
  gate?: Gate;
  /** A restriction worth showing even when enabled. */
  note?: string;
}

/**
 * The actions the console shows for a case in its current state: every action that can start
 * from this state, enabled or disabled with the reason. `context` (tests, advertisement,
 * compliance, update) sharpens the gate checks; what it leaves out is not checked here.
 */
export function availableCaseActions(
  c: UpdateCase,
  actorRole: Role,
  hasAuthorityGrant: boolean,
  context: Omit<Partial<CaseContext>, "actor" | "now"> = {},
): AvailableAction[] {
  const out: AvailableAction[] = [];
  for (const action of Object.keys(CASE_ACTION_RULES) as CaseActionType[]) {
    const rule = CASE_ACTION_RULES[action];
    if (!rule.from.includes(c.status)) continue;
    const entry: AvailableAction = { action, label: caseActionLabels[action], enabled: true };
    if (rule.gate) entry.gate = rule.gate;
    const failure = !canProcess(actorRole, rule.permission, hasAuthorityGrant)
      ? permissionRefusal(action, actorRole, rule.permission)
      : precheck(action, c, context, true);
    if (failure) {
      entry.enabled = false;
      entry.reason = failure.reason;
      if (failure.gate) entry.gate = failure.gate;
    } else if (action === "confirmPriority" && !canProcess(actorRole, "confirmEmergencyPriority", hasAuthorityGrant)) {
      entry.note = `You can confirm High, Medium or Low; an Emergency needs ${AUTHORITY}.`;
    } else if (action === "acceptRelease" && finalPriorityOf(c) === "EMERGENCY" && !c.reducedTestingAcceptance) {
      entry.note = "Without the ERT lead's acceptance of reduced testing, every test must pass.";
    }
    out.push(entry);
  }
  return out;
}
