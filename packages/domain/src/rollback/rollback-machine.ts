import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { RoleSchema, roleLabels, type Role } from "../auth/roles.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { releaseGate, TestResultSchema, TestScopeSchema } from "../process/acceptance.js";
import { CaseSlaSchema, ReducedTestingAcceptanceSchema } from "../process/case-machine.js";
import {
  AUTHORITY_PERMISSIONS,
  canProcess,
  processPermissions,
  type ProcessPermission,
} from "../process/permissions.js";
import {
  DEFAULT_PRIORITY_POLICY,
  releasePriorityLabels,
  ReleasePrioritySchema,
  type PriorityPolicy,
  type ReleasePriority,
} from "../process/priority.js";
import type { TimelineEventInput } from "../process/timeline.js";
import {
  DEFAULT_VERIFY_GRACE_HOURS,
  PackageCleanupPlanSchema,
  RollbackAssessmentSchema,
  RollbackProgramSpecSchema,
  rollbackAdvertisementFlags,
  targetingCountOf,
  type PackageCleanupPlan,
  type RollbackAssessment,
  type RollbackPrograms,
  type RollbackTargetingCounts,
  type RollbackVerificationResult,
} from "./rollback-plan.js";
import type { RollbackAction, RollbackActionInput } from "./rollback-requests.js";
import { RollbackActionSchema } from "./rollback-requests.js";
import {
  ALTERNATIVE_RECOVERIES,
  AlternativeRecoverySchema,
  alternativeRecoveryLabels,
  rollbackActionLabels,
  RollbackStateSchema,
  rollbackStateLabels,
  rollbackTargetingLabels,
  RollbackTargetingSchema,
  ROLLBACK_STEPS,
  rollbackStepLabels,
  type RollbackActionType,
  type RollbackState,
  type RollbackStep,
} from "./rollback-states.js";

/**
 * The Rollback state machine (domain.md §3.4, §8.3; product.md C8), in the style of the case
 * machine: `transitionRollback(record, action, context)` is pure and returns the next record and
 * the effects the API carries out (halt the release, clean the packages, build the rollback
 * package, advertise it, create out-of-band tasks, keep the update's case in step, timeline), or
 * a refusal. The API answers 409 ILLEGAL_TRANSITION / CONFLICT (state or unmet guard), 403
 * FORBIDDEN (role or emergency authority) or 400 VALIDATION_FAILED (the action's body).
 *
 * A rollback is treated like a software update (source excerpt): it has its own priority — set
 * when it is requested, confirmed by a named person with a rationale, driving its own SLA clock
 * — and its package is accepted before it is advertised; an Emergency rollback may accept reduced
 * testing under emergency authority.
 */

// --- the rollback record ----------------------------------------------------------------------

const who = z.string().min(1);

export const RollbackTestSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  scope: TestScopeSchema,
  result: TestResultSchema,
  addedAt: TimestampSchema,
  executedAt: TimestampSchema.nullable(),
  executedBy: z.string().nullable(),
  notes: z.string().nullable(),
  skipReason: z.string().nullable(),
});
export type RollbackTest = z.infer<typeof RollbackTestSchema>;

export const OriginalDeploymentSchema = z.object({
  advertisementId: z.string(),
  collectionId: z.string(),
  includeSubCollection: z.boolean(),
  packageId: z.string(),
  programName: z.string(),
});
export type OriginalDeployment = z.infer<typeof OriginalDeploymentSchema>;

export const HaltedDeploymentSchema = z.object({
  advertisementId: z.string(),
  packageId: z.string(),
  programName: z.string(),
  programWasAlreadyDisabled: z.boolean(),
  advertisementDisabled: z.boolean(),
});
export type HaltedDeployment = z.infer<typeof HaltedDeploymentSchema>;

const count = z.number().int().default(0);

/** One verification: where the targeted computers stood (rollbackVerification's groups) and what it did. */
export const RollbackVerificationSchema = z.object({
  at: TimestampSchema,
  by: who,
  targeted: z.number().int(),
  /** Compliance reported the update absent since the advertisement. */
  removed: z.number().int(),
  /** No evidence of the update before or since advertising (option A). */
  notAffected: count,
  settledByOob: z.number().int(),
  awaitingScan: count,
  inProgress: count,
  failed: count,
  unreachable: count,
  /** Of the remaining computers, those compliance reported nothing on since the advertisement. */
  neverReported: count,
  /** Awaiting a scan, in progress, failed or unreachable: they keep the rollback PARTIAL. */
  remaining: z.number().int(),
  tasksCreated: z.number().int(),
  /** Tasks closed (not needed) because compliance shows their computer clean. */
  tasksClosed: count,
  graceHours: z.number().default(DEFAULT_VERIFY_GRACE_HOURS),
  outcome: z.enum(["COMPLETED", "PARTIAL"]),
  note: z.string().nullable(),
});
export type RollbackVerification = z.infer<typeof RollbackVerificationSchema>;

export const RollbackRecordSchema = z.object({
  status: RollbackStateSchema,
  request: z.object({
    kbNumber: z.string(),
    reason: z.string(),
    initialPriority: ReleasePrioritySchema,
    requestedBy: who,
    requestedAt: TimestampSchema,
  }),
  /** Feasibility and removal order, as assessed when the rollback was opened. */
  assessment: RollbackAssessmentSchema,
  /** The advertisement the update was deployed with (option A's collection); snapshot at opening. */
  original: OriginalDeploymentSchema.nullable(),
  notFeasible: z.object({ reason: z.string(), decidedBy: who, decidedAt: TimestampSchema }).nullable(),
  alternative: z
    .object({ alternative: AlternativeRecoverySchema, plan: z.string(), chosenBy: who, chosenAt: TimestampSchema })
    .nullable(),
  priorityConfirmation: z
    .object({
      priority: ReleasePrioritySchema,
      rationale: z.string(),
      confirmedBy: who,
      confirmedByRole: RoleSchema,
      underAuthorityGrant: z.boolean(),
      confirmedAt: TimestampSchema,
    })
    .nullable(),
  sla: CaseSlaSchema.nullable(),
  /** The rollback decision (instead of resuming): the update's case moves to ROLLING_BACK. */
  authorisation: z.object({ note: z.string().nullable(), authorisedBy: who, authorisedAt: TimestampSchema }).nullable(),
  halt: z
    .object({
      reason: z.string(),
      haltedBy: who,
      haltedAt: TimestampSchema,
      alsoDisableAdvertisement: z.boolean(),
      halted: z.array(HaltedDeploymentSchema),
      caseIds: z.array(z.string()),
    })
    .nullable(),
  cleanup: z.object({ cleanedBy: who, cleanedAt: TimestampSchema, plan: PackageCleanupPlanSchema }).nullable(),
  build: z
    .object({
      builtBy: who,
      builtAt: TimestampSchema,
      packageId: z.string(),
      /** `null` when option A's program could not be built (see checkFirstIssues): option A is unavailable. */
      checkFirst: RollbackProgramSpecSchema.nullable(),
      plain: RollbackProgramSpecSchema,
      checkFirstIssues: z.array(z.string()).default([]),
    })
    .nullable(),
  tests: z.array(RollbackTestSchema),
  reducedTestingAcceptance: ReducedTestingAcceptanceSchema.nullable(),
  acceptance: z
    .object({
      acceptedBy: who,
      acceptedAt: TimestampSchema,
      path: z.enum(["FULL", "REDUCED"]),
      openTestIds: z.array(z.string()),
    })
    .nullable(),
  deployment: z
    .object({
      targeting: RollbackTargetingSchema,
      advertisementId: z.string(),
      collectionId: z.string(),
      /** Option B builds a new collection; option A reuses the original one. */
      collectionCreated: z.boolean(),
      packageId: z.string(),
      programName: z.string(),
      advertFlags: z.number().int(),
      remoteClientFlags: z.number().int(),
      /** Computers targeted when it was advertised: the snapshot verification reads (rollback_targets). */
      targeted: z.number().int(),
      /** Of those, computers with compliance evidence of the update when it was advertised. */
      withEvidence: count,
      laterUpdatesRemoved: z.boolean().nullable(),
      advertisedBy: who,
      advertisedAt: TimestampSchema,
    })
    .nullable(),
  verifications: z.array(RollbackVerificationSchema),
  review: z
    .object({
      text: z.string(),
      reviewedBy: who,
      reviewedAt: TimestampSchema,
      /** Reviewed while PARTIAL: why, with how many computers still remaining. */
      outcomeNote: z.string().nullable().default(null),
      remainingAtReview: z.number().int().nullable().default(null),
    })
    .nullable(),
  closedAt: TimestampSchema.nullable(),
  closeNote: z.string().nullable(),
  cancellation: z.object({ reason: z.string(), cancelledBy: who, cancelledAt: TimestampSchema }).nullable(),
});
export type RollbackRecord = z.infer<typeof RollbackRecordSchema>;

/** The priority that drives the SLA now: the confirmed one, else the requested one. */
export const rollbackPriorityInForce = (r: RollbackRecord): ReleasePriority =>
  r.priorityConfirmation?.priority ?? r.request.initialPriority;

// --- context, effects, refusals ------------------------------------------------------------------

export interface RollbackActor {
  userId: string;
  role: Role;
  /** An active emergency-authority grant in the rollback's emergency. */
  hasActiveGrant?: boolean;
}

/** What the machine needs besides the record and the action; the API loads it. */
export interface RollbackContext {
  now: TimeInput;
  actor: RollbackActor;
  /** The rollback's id (timeline events carry it). */
  rollbackId: string;
  /** cleanPackages: the clean-up plan as the data stands now. */
  cleanupPlan?: PackageCleanupPlan | null;
  /** build: the programs built from the update (rollbackPrograms). */
  programs?: RollbackPrograms | null;
  /** build / advertise: SMS IDs the API allocated for the new objects. */
  allocated?: { packageId?: string; advertisementId?: string; collectionId?: string } | null;
  /** advertise: counts for options A and B. */
  targeting?: RollbackTargetingCounts | null;
  /**
   * advertise, order-sensitive: per update of `removeFirst`, the computers each option targets
   * whose compliance still shows it installed next to the rolled-back update.
   */
  laterStillInstalled?: readonly { kbNumber: string; sameCollection: number; appliedOnly: number }[] | null;
  /** verify: where the targeted computers stand (rollbackVerification). */
  verification?: RollbackVerificationResult | null;
  /** close from ALT_RECOVERY without a halt: live advertisements of an INSTALL program that carries the update. */
  liveInstallAdvertisements?: number | null;
  /** Defaults to DEFAULT_PRIORITY_POLICY (advertisement flags). */
  policy?: PriorityPolicy;
}

export type RollbackEffect =
  | { type: "TIMELINE"; event: TimelineEventInput }
  | { type: "START_SLA_CLOCK"; priority: ReleasePriority; since: string; restarted: boolean }
  | { type: "STOP_SLA_CLOCK"; at: string }
  | { type: "PAGE_ERT"; reason: string }
  | { type: "HALT_RELEASE"; kbNumber: string; reason: string; alsoDisableAdvertisement: boolean }
  | { type: "CLEAN_PACKAGES"; plan: PackageCleanupPlan }
  | {
      type: "BUILD_PACKAGE";
      packageId: string;
      kbNumber: string;
      /** `null`: option A's program could not be built. */
      checkFirst: z.infer<typeof RollbackProgramSpecSchema> | null;
      plain: z.infer<typeof RollbackProgramSpecSchema>;
    }
  | { type: "CREATE_APPLIED_COLLECTION"; collectionId: string; kbNumber: string }
  | {
      type: "ADVERTISE";
      advertisementId: string;
      collectionId: string;
      includeSubCollection: boolean;
      packageId: string;
      programName: string;
      advertFlags: number;
      remoteClientFlags: number;
      priority: 1 | 2;
      presentTime: string;
    }
  | {
      type: "CREATE_OOB_TASKS";
      tasks: { resourceId: number; group: "FAILED" | "UNREACHABLE"; why: string }[];
      dueAt: string | null;
    }
  | { type: "CLOSE_OOB_TASKS"; tasks: { taskId: string; resourceId: number; evidence: string }[] }
  | { type: "CASE_STEP"; action: "startRollback"; reason: string }
  | { type: "CASE_STEP"; action: "abandonRollback"; reason: string }
  | { type: "CASE_STEP"; action: "markRolledBack"; evidence: string };

export type RollbackRefusalCode = "ILLEGAL_TRANSITION" | "CONFLICT" | "FORBIDDEN" | "VALIDATION_FAILED";
export interface RollbackRefusal {
  ok: false;
  code: RollbackRefusalCode;
  reason: string;
}
export type RollbackTransitionResult =
  { ok: true; next: RollbackRecord; effects: RollbackEffect[]; warnings: string[] } | RollbackRefusal;

interface RollbackActionRule {
  from: readonly RollbackState[];
  /** `null` = stays in its state. `halt` leads to HALTED from REQUESTED only; `verify` to COMPLETED or PARTIAL. */
  to: RollbackState | null;
  permission: ProcessPermission;
}

/** Where each action may start, where it leads and who may take it. */
export const ROLLBACK_ACTION_RULES: Record<RollbackActionType, RollbackActionRule> = {
  confirmPriority: {
    from: ["REQUESTED", "HALTED", "PACKAGE_CLEANED", "BUILT", "READY"],
    to: null,
    permission: "confirmPriority",
  },
  markNotFeasible: {
    from: ["REQUESTED", "HALTED", "PACKAGE_CLEANED"],
    to: "NOT_FEASIBLE",
    permission: "authoriseRollback",
  },
  chooseAlternative: { from: ["NOT_FEASIBLE"], to: "ALT_RECOVERY", permission: "authoriseRollback" },
  halt: { from: ["REQUESTED", "NOT_FEASIBLE", "ALT_RECOVERY"], to: "HALTED", permission: "haltRelease" },
  authorise: { from: ["HALTED", "PACKAGE_CLEANED"], to: null, permission: "authoriseRollback" },
  cleanPackages: { from: ["HALTED"], to: "PACKAGE_CLEANED", permission: "changeDistributionForRollback" },
  build: { from: ["PACKAGE_CLEANED"], to: "BUILT", permission: "changeDistributionForRollback" },
  addTest: { from: ["BUILT"], to: null, permission: "workRelease" },
  recordTestResult: { from: ["BUILT"], to: null, permission: "workRelease" },
  acceptReducedTesting: { from: ["BUILT"], to: null, permission: "acceptReducedTesting" },
  acceptRelease: { from: ["BUILT"], to: "READY", permission: "workRelease" },
  advertise: { from: ["READY"], to: "DEPLOYING", permission: "changeDistributionForRollback" },
  verify: { from: ["DEPLOYING", "PARTIAL"], to: "COMPLETED", permission: "completeRollback" },
  review: { from: ["COMPLETED", "PARTIAL"], to: "REVIEWED", permission: "reviewCase" },
  close: { from: ["REVIEWED", "ALT_RECOVERY"], to: "CLOSED", permission: "completeRollback" },
  cancel: {
    from: ["REQUESTED", "NOT_FEASIBLE", "HALTED", "PACKAGE_CLEANED", "BUILT", "READY"],
    to: "CANCELLED",
    permission: "authoriseRollback",
  },
};

const AUTHORITY = "the ERT lead or a holder of an active emergency-authority grant";
const refuse = (code: RollbackRefusalCode, reason: string): RollbackRefusal => ({ ok: false, code, reason });
const iso = (t: TimeInput) => new Date(toEpochMs(t)).toISOString();
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function roleList(roles: readonly Role[]): string {
  const names = roles.map((r) => roleLabels[r]);
  return names.length <= 1 ? (names[0] ?? "nobody") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

function permissionRefusal(action: RollbackActionType, role: Role, permission: ProcessPermission): RollbackRefusal {
  const base: readonly Role[] = processPermissions[permission];
  const allowed = !AUTHORITY_PERMISSIONS.includes(permission)
    ? `the ${roleList(base)} role`
    : base.length === 1 && base[0] === "ERT_LEAD"
      ? AUTHORITY
      : `the ${roleList(base)} role, or an active emergency-authority grant`;
  return refuse("FORBIDDEN", `${rollbackActionLabels[action]} needs ${allowed}; your role is ${roleLabels[role]}.`);
}

function stateRefusal(action: RollbackActionType, status: RollbackState): RollbackRefusal {
  const from = ROLLBACK_ACTION_RULES[action].from.map((s) => rollbackStateLabels[s]).join(", ");
  return refuse(
    "ILLEGAL_TRANSITION",
    `${rollbackActionLabels[action]} is not possible while the rollback is ${rollbackStateLabels[status].toLowerCase()}; it needs: ${from}.`,
  );
}

function infeasibleRefusal(r: RollbackRecord): RollbackRefusal {
  const alternatives = r.assessment.alternatives.map((a) => alternativeRecoveryLabels[a].toLowerCase()).join(", ");
  return refuse(
    "ILLEGAL_TRANSITION",
    `${r.request.kbNumber} cannot be rolled back: ${r.notFeasible?.reason ?? r.assessment.reason}${alternatives ? ` Alternatives: ${alternatives}.` : ""}`,
  );
}

/**
 * Guards that read the record and the context, not the action's body. `lenient` = context the
 * caller did not supply passes (availableRollbackActions); otherwise missing context fails.
 */
function precheck(
  action: RollbackActionType,
  r: RollbackRecord,
  ctx: Partial<RollbackContext>,
  lenient: boolean,
): RollbackRefusal | null {
  switch (action) {
    case "halt":
      if (r.halt) return refuse("ILLEGAL_TRANSITION", `The deployments of ${r.request.kbNumber} were halted already.`);
      return null;
    case "authorise":
      if (r.authorisation) return refuse("ILLEGAL_TRANSITION", "The rollback is authorised already.");
      if (!r.assessment.feasible) return infeasibleRefusal(r);
      return null;
    case "cleanPackages":
      // The clean-up deletes packages and advertisements: it cannot be undone, so it waits for the decision.
      if (!r.assessment.feasible) return infeasibleRefusal(r);
      if (!r.priorityConfirmation)
        return refuse(
          "ILLEGAL_TRANSITION",
          "A named person must confirm the rollback's priority, with the rationale, before the packages are cleaned up: the clean-up cannot be undone.",
        );
      if (!r.authorisation)
        return refuse(
          "ILLEGAL_TRANSITION",
          "The ERT lead (or a holder of emergency authority) must authorise the rollback before the packages are cleaned up: the clean-up cannot be undone.",
        );
      if (ctx.cleanupPlan === undefined && lenient) return null;
      if (!ctx.cleanupPlan)
        return refuse("ILLEGAL_TRANSITION", "The clean-up plan is not available; reload the rollback.");
      return null;
    case "build": {
      if (!r.assessment.feasible) return infeasibleRefusal(r);
      if (!r.priorityConfirmation)
        return refuse(
          "ILLEGAL_TRANSITION",
          "A named person must confirm the rollback's priority, with the rationale, before the rollback package is built.",
        );
      if (!r.authorisation)
        return refuse(
          "ILLEGAL_TRANSITION",
          `The ERT lead (or a holder of emergency authority) must authorise the rollback — instead of resuming the deployment — before the rollback package is built.`,
        );
      if (ctx.programs === undefined && lenient) return null;
      if (!ctx.programs)
        return refuse("ILLEGAL_TRANSITION", "The rollback programs could not be derived from the update.");
      if (ctx.programs.issues.length > 0 || !ctx.programs.plain)
        return refuse("ILLEGAL_TRANSITION", `The rollback package cannot be built: ${ctx.programs.issues.join(" ")}`);
      return null;
    }
    case "acceptReducedTesting": {
      const final = r.priorityConfirmation?.priority;
      if (final !== "EMERGENCY")
        return refuse(
          "ILLEGAL_TRANSITION",
          `Reduced testing is only for Emergency rollbacks; this one is ${final ? releasePriorityLabels[final] : "not confirmed"}.`,
        );
      const core = r.tests.filter((t) => t.scope === "CORE");
      if (core.length === 0) return refuse("ILLEGAL_TRANSITION", "Define core-functionality tests first.");
      const open = core.filter((t) => t.result !== "PASSED");
      if (open.length > 0)
        return refuse(
          "ILLEGAL_TRANSITION",
          `Every core-functionality test must pass before reduced testing can be accepted (${open.length} not passed).`,
        );
      return null;
    }
    case "acceptRelease": {
      const final = r.priorityConfirmation?.priority;
      if (!final) return refuse("ILLEGAL_TRANSITION", "The rollback's priority is not confirmed.");
      const g = releaseGate(r.tests, final, r.reducedTestingAcceptance !== null);
      if (!g.ok)
        return refuse("ILLEGAL_TRANSITION", g.reason.replace(/^G5: /, "The rollback package is not accepted: "));
      return null;
    }
    case "advertise":
      if (!r.build) return refuse("ILLEGAL_TRANSITION", "Build the rollback package first.");
      if (ctx.targeting === undefined && lenient) return null;
      if (!ctx.targeting)
        return refuse("ILLEGAL_TRANSITION", "The targeting counts are not available; reload the rollback.");
      if (!ctx.targeting.sameCollection.available && !ctx.targeting.appliedOnly.available)
        return refuse(
          "ILLEGAL_TRANSITION",
          `Neither option can target a computer: ${ctx.targeting.sameCollection.reason ?? ""} ${ctx.targeting.appliedOnly.reason ?? ""}`.trim(),
        );
      return null;
    case "verify":
      if (ctx.verification === undefined && lenient) return null;
      if (!ctx.verification) return refuse("ILLEGAL_TRANSITION", "No compliance figures are available yet.");
      return null;
    case "close":
      // An infeasible rollback must not close while the bad update still deploys.
      if (r.status !== "ALT_RECOVERY" || r.halt) return null;
      if (ctx.liveInstallAdvertisements === undefined && lenient) return null;
      if (ctx.liveInstallAdvertisements === undefined || ctx.liveInstallAdvertisements === null)
        return refuse("ILLEGAL_TRANSITION", "Whether the update still deploys is not known; reload the rollback.");
      if (ctx.liveInstallAdvertisements > 0)
        return refuse(
          "ILLEGAL_TRANSITION",
          `${plural(ctx.liveInstallAdvertisements, "live advertisement")} still ${ctx.liveInstallAdvertisements === 1 ? "installs" : "install"} ${r.request.kbNumber}: halt the update's deployments before closing the rollback.`,
        );
      return null;
    default:
      return null;
  }
}

function transitionEvent(
  rollbackId: string,
  kbNumber: string,
  action: RollbackActionType | "open",
  from: RollbackState | null,
  to: RollbackState,
  at: string,
  actorId: string,
  summary: string,
): TimelineEventInput {
  return {
    type: "ROLLBACK_TRANSITION",
    at,
    actorId,
    summary,
    payload: { rollbackId, kbNumber, action, from, to },
  };
}

// --- opening ----------------------------------------------------------------------------------

export interface OpenRollbackInput {
  kbNumber: string;
  reason: string;
  initialPriority: ReleasePriority;
  assessment: RollbackAssessment;
  original: OriginalDeployment | null;
}

/**
 * The record of a new rollback: REQUESTED, or NOT_FEASIBLE straight away when the assessment
 * says the update cannot be removed. The SLA clock of the requested priority starts now.
 */
export function openRollback(
  input: OpenRollbackInput,
  ctx: Pick<RollbackContext, "now" | "actor" | "rollbackId">,
): { record: RollbackRecord; effects: RollbackEffect[] } {
  const at = iso(ctx.now);
  const by = ctx.actor.userId;
  const status: RollbackState = input.assessment.feasible ? "REQUESTED" : "NOT_FEASIBLE";
  const record: RollbackRecord = {
    status,
    request: {
      kbNumber: input.kbNumber,
      reason: input.reason,
      initialPriority: input.initialPriority,
      requestedBy: by,
      requestedAt: at,
    },
    assessment: input.assessment,
    original: input.original,
    notFeasible: null,
    alternative: null,
    priorityConfirmation: null,
    sla: { priority: input.initialPriority, since: at, stoppedAt: null },
    authorisation: null,
    halt: null,
    cleanup: null,
    build: null,
    tests: [],
    reducedTestingAcceptance: null,
    acceptance: null,
    deployment: null,
    verifications: [],
    review: null,
    closedAt: null,
    closeNote: null,
    cancellation: null,
  };
  const effects: RollbackEffect[] = [
    {
      type: "TIMELINE",
      event: transitionEvent(
        ctx.rollbackId,
        input.kbNumber,
        "open",
        null,
        status,
        at,
        by,
        `Rollback of ${input.kbNumber} requested (${releasePriorityLabels[input.initialPriority]}): ${input.reason}`,
      ),
    },
    { type: "START_SLA_CLOCK", priority: input.initialPriority, since: at, restarted: false },
  ];
  if (status === "NOT_FEASIBLE") {
    effects.push({
      type: "TIMELINE",
      event: transitionEvent(
        ctx.rollbackId,
        input.kbNumber,
        "open",
        "REQUESTED",
        "NOT_FEASIBLE",
        at,
        by,
        `Rollback not feasible: ${input.assessment.reason}`,
      ),
    });
  }
  if (input.initialPriority === "EMERGENCY")
    effects.push({ type: "PAGE_ERT", reason: `A rollback of ${input.kbNumber} was requested as an Emergency.` });
  return { record, effects };
}

// --- transitions ------------------------------------------------------------------------------

/**
 * One action of the rollback machine. Checks run in this order: the body (400), the state (409),
 * the role (403), then the guards (409; an Emergency priority without authority is 403).
 */
export function transitionRollback(
  r: RollbackRecord,
  input: RollbackActionInput,
  ctx: RollbackContext,
): RollbackTransitionResult {
  const parsed = RollbackActionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(
      "VALIDATION_FAILED",
      issue ? `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}` : "The action is not valid.",
    );
  }
  const action: RollbackAction = parsed.data;
  const rule = ROLLBACK_ACTION_RULES[action.type];
  if (!rule.from.includes(r.status)) return stateRefusal(action.type, r.status);
  const grant = ctx.actor.hasActiveGrant ?? false;
  if (!canProcess(ctx.actor.role, rule.permission, grant))
    return permissionRefusal(action.type, ctx.actor.role, rule.permission);
  const pre = precheck(action.type, r, ctx, false);
  if (pre) return pre;

  const at = iso(ctx.now);
  const by = ctx.actor.userId;
  const kb = r.request.kbNumber;
  let next: RollbackRecord = { ...r };
  let to: RollbackState = rule.to ?? r.status;
  const effects: RollbackEffect[] = [];
  const warnings: string[] = [];
  let summary = rollbackActionLabels[action.type];
  const stopClock = () => {
    if (next.sla && !next.sla.stoppedAt) {
      next.sla = { ...next.sla, stoppedAt: at };
      effects.push({ type: "STOP_SLA_CLOCK", at });
    }
  };

  switch (action.type) {
    case "confirmPriority": {
      const final = action.priority;
      if (final === "EMERGENCY" && !canProcess(ctx.actor.role, "confirmEmergencyPriority", grant)) {
        return refuse(
          "FORBIDDEN",
          `Only ${AUTHORITY} can confirm an Emergency rollback; your role is ${roleLabels[ctx.actor.role]}.`,
        );
      }
      const previous = rollbackPriorityInForce(r);
      next.priorityConfirmation = {
        priority: final,
        rationale: action.rationale,
        confirmedBy: by,
        confirmedByRole: ctx.actor.role,
        underAuthorityGrant: final === "EMERGENCY" && ctx.actor.role !== "ERT_LEAD",
        confirmedAt: at,
      };
      summary =
        previous === final
          ? `Rollback priority ${releasePriorityLabels[final]} confirmed`
          : `Rollback priority changed to ${releasePriorityLabels[final]} (was ${releasePriorityLabels[previous]})`;
      if (!r.sla || r.sla.priority !== final) {
        next.sla = { priority: final, since: at, stoppedAt: null };
        effects.push({ type: "START_SLA_CLOCK", priority: final, since: at, restarted: r.sla !== null });
      }
      if (final === "EMERGENCY" && previous !== "EMERGENCY")
        effects.push({ type: "PAGE_ERT", reason: `The rollback of ${kb} was confirmed as an Emergency.` });
      if (final !== "EMERGENCY" && r.reducedTestingAcceptance) {
        next.reducedTestingAcceptance = null;
        warnings.push(
          "The acceptance of reduced testing no longer applies: only Emergency rollbacks may skip the full suite.",
        );
        if (r.status === "READY" && !releaseGate(r.tests, final, false).ok) {
          to = "BUILT";
          next.acceptance = null;
          warnings.push("The rollback package goes back to testing: the full suite has not passed.");
        }
      }
      break;
    }
    case "markNotFeasible":
      next.notFeasible = { reason: action.reason, decidedBy: by, decidedAt: at };
      next.assessment = {
        ...r.assessment,
        verdict: "NOT_FEASIBLE",
        feasible: false,
        reason: action.reason,
        alternatives: [...ALTERNATIVE_RECOVERIES],
      };
      summary = `Rollback stopped, not feasible: ${action.reason}`;
      // The update's case moved to ROLLING_BACK at the authorisation: back to HALTED.
      if (r.authorisation)
        effects.push({ type: "CASE_STEP", action: "abandonRollback", reason: `Not feasible: ${action.reason}` });
      break;
    case "chooseAlternative":
      next.alternative = { alternative: action.alternative, plan: action.plan, chosenBy: by, chosenAt: at };
      summary = `Alternative recovery: ${alternativeRecoveryLabels[action.alternative]}`;
      break;
    case "halt":
      if (r.status !== "REQUESTED") to = r.status;
      next.halt = {
        reason: action.reason,
        haltedBy: by,
        haltedAt: at,
        alsoDisableAdvertisement: action.alsoDisableAdvertisement,
        halted: [],
        caseIds: [],
      };
      effects.push({
        type: "HALT_RELEASE",
        kbNumber: kb,
        reason: action.reason,
        alsoDisableAdvertisement: action.alsoDisableAdvertisement,
      });
      summary = `Deployments of ${kb} halted: ${action.reason}`;
      break;
    case "authorise":
      next.authorisation = { note: action.note ?? null, authorisedBy: by, authorisedAt: at };
      effects.push({ type: "CASE_STEP", action: "startRollback", reason: r.request.reason });
      summary = `Rollback of ${kb} authorised${action.note ? `: ${action.note}` : ""}`;
      break;
    case "cleanPackages": {
      const plan = ctx.cleanupPlan as PackageCleanupPlan;
      if (plan.fingerprint !== action.fingerprint) {
        return refuse(
          "CONFLICT",
          `The packages that carry ${kb} changed since the clean-up preview was shown. Review the new preview and confirm it again.`,
        );
      }
      next.cleanup = { cleanedBy: by, cleanedAt: at, plan };
      if (plan.items.length > 0) effects.push({ type: "CLEAN_PACKAGES", plan });
      summary =
        plan.branch === "NOTHING"
          ? `No package carried ${kb}: nothing to clean up`
          : `Packages cleaned: ${plan.summary}`;
      break;
    }
    case "build": {
      const programs = ctx.programs as RollbackPrograms;
      const packageId = ctx.allocated?.packageId;
      if (!packageId) return refuse("ILLEGAL_TRANSITION", "No package ID is available for the rollback package.");
      const checkFirst = programs.checkFirst;
      const plain = programs.plain!;
      next.build = {
        builtBy: by,
        builtAt: at,
        packageId,
        checkFirst,
        plain,
        checkFirstIssues: programs.checkFirstIssues,
      };
      effects.push({ type: "BUILD_PACKAGE", packageId, kbNumber: kb, checkFirst, plain });
      warnings.push(...programs.warnings);
      if (!checkFirst)
        warnings.push(`Option A is unavailable, only option B was built: ${programs.checkFirstIssues.join(" ")}`);
      if (r.assessment.verdict === "UNKNOWN")
        warnings.push(
          "Removability is not known: check the bulletin's removal section before the package is accepted.",
        );
      summary = checkFirst
        ? `Rollback package ${packageId} built with programs "${checkFirst.programName}" and "${plain.programName}"`
        : `Rollback package ${packageId} built with program "${plain.programName}" (option A unavailable)`;
      break;
    }
    case "addTest": {
      const id = `t${r.tests.length + 1}`;
      next.tests = [
        ...r.tests,
        {
          id,
          name: action.name,
          scope: action.scope,
          result: "PENDING",
          addedAt: at,
          executedAt: null,
          executedBy: null,
          notes: null,
          skipReason: null,
        },
      ];
      summary = `Acceptance test "${action.name}" added`;
      break;
    }
    case "recordTestResult": {
      const test = r.tests.find((t) => t.id === action.testId);
      if (!test) return refuse("VALIDATION_FAILED", `testId: No acceptance test ${action.testId} on this rollback.`);
      if (action.result === "SKIPPED" && test.scope === "CORE")
        return refuse(
          "VALIDATION_FAILED",
          "result: Core-functionality tests cannot be skipped: they gate the rollback.",
        );
      next.tests = r.tests.map((t) =>
        t.id === test.id
          ? {
              ...t,
              result: action.result,
              executedAt: at,
              executedBy: by,
              notes: action.notes ?? null,
              skipReason: action.result === "SKIPPED" ? (action.skipReason ?? null) : null,
            }
          : t,
      );
      summary = `Test "${test.name}" ${action.result.toLowerCase()}`;
      break;
    }
    case "acceptReducedTesting": {
      const open = r.tests.filter((t) => t.result !== "PASSED").map((t) => t.id);
      next.reducedTestingAcceptance = {
        acceptedBy: by,
        acceptedByRole: ctx.actor.role,
        underAuthorityGrant: ctx.actor.role !== "ERT_LEAD",
        acceptedAt: at,
        rationale: action.rationale,
        openTestIds: open,
      };
      summary = `Reduced testing accepted with ${plural(open.length, "test")} still open`;
      break;
    }
    case "acceptRelease": {
      const g = releaseGate(r.tests, r.priorityConfirmation!.priority, r.reducedTestingAcceptance !== null);
      const open = g.ok ? g.remainingOpen : [];
      next.acceptance = { acceptedBy: by, acceptedAt: at, path: g.path, openTestIds: open };
      if (open.length > 0) warnings.push(`${plural(open.length, "acceptance test")} stay open through the rollback.`);
      summary = `Rollback package accepted (${g.path === "FULL" ? "full suite passed" : "reduced testing"})`;
      break;
    }
    case "advertise": {
      const counts = ctx.targeting as RollbackTargetingCounts;
      const option = targetingCountOf(counts, action.targeting);
      if (!option.available) return refuse("ILLEGAL_TRANSITION", option.reason ?? "This option targets no computer.");
      if (action.expectedTargeted !== undefined && action.expectedTargeted !== option.targeted)
        return refuse(
          "CONFLICT",
          `${rollbackTargetingLabels[action.targeting]} now targets ${plural(option.targeted, "computer")}, not the ${action.expectedTargeted} you were shown: review the counts and advertise again.`,
        );
      const option_a = action.targeting === "SAME_TARGETS_CHECK_FIRST";
      if (r.assessment.removeFirst.length > 0) {
        if (action.laterUpdatesRemoved !== true)
          return refuse(
            "ILLEGAL_TRANSITION",
            `Removal is order-sensitive: remove ${r.assessment.removeFirst.map((u) => u.kbNumber).join(", ")} first (newest first), then confirm that they were removed.`,
          );
        if (!ctx.laterStillInstalled)
          return refuse(
            "ILLEGAL_TRANSITION",
            "Whether the later updates were removed is not known; reload the rollback.",
          );
        const still = ctx.laterStillInstalled
          .map((l) => ({ kb: l.kbNumber, n: option_a ? l.sameCollection : l.appliedOnly }))
          .filter((l) => l.n > 0);
        if (still.length > 0)
          return refuse(
            "ILLEGAL_TRANSITION",
            `Compliance still shows ${still.map((l) => `${l.kb} on ${plural(l.n, "targeted computer")}`).join(", ")}: remove ${still.length === 1 ? "it" : "them"} first, newest first.`,
          );
      }
      const build = r.build!;
      if (option_a && (!r.original || !build.checkFirst?.checksUpdatePresent))
        return refuse(
          "ILLEGAL_TRANSITION",
          `Option A needs the original collection and a program that checks first${build.checkFirstIssues.length > 0 ? `: ${build.checkFirstIssues.join(" ")}` : "."}`,
        );
      const advertisementId = ctx.allocated?.advertisementId;
      const collectionId = option_a ? r.original!.collectionId : ctx.allocated?.collectionId;
      if (!advertisementId || !collectionId)
        return refuse("ILLEGAL_TRANSITION", "No advertisement or collection ID is available for the rollback.");
      const priority = rollbackPriorityInForce(r);
      const flags = rollbackAdvertisementFlags(priority, ctx.policy ?? DEFAULT_PRIORITY_POLICY);
      const program = option_a ? build.checkFirst! : build.plain;
      next.deployment = {
        targeting: action.targeting,
        advertisementId,
        collectionId,
        collectionCreated: !option_a,
        packageId: build.packageId,
        programName: program.programName,
        advertFlags: flags.advertFlags,
        remoteClientFlags: flags.remoteClientFlags,
        targeted: option.targeted,
        withEvidence: option_a ? counts.sameCollection.withEvidence : counts.appliedOnly.targeted,
        laterUpdatesRemoved: r.assessment.removeFirst.length > 0 ? true : null,
        advertisedBy: by,
        advertisedAt: at,
      };
      if (!option_a) effects.push({ type: "CREATE_APPLIED_COLLECTION", collectionId, kbNumber: kb });
      effects.push(
        {
          type: "ADVERTISE",
          advertisementId,
          collectionId,
          includeSubCollection: option_a ? r.original!.includeSubCollection : false,
          packageId: build.packageId,
          programName: program.programName,
          advertFlags: flags.advertFlags,
          remoteClientFlags: flags.remoteClientFlags,
          priority: flags.priority,
          presentTime: at,
        },
        {
          type: "TIMELINE",
          event: {
            type: "ROLLBACK_READY",
            at,
            actorId: by,
            summary: `Rollback of ${kb} ready: package ${build.packageId}, ${rollbackTargetingLabels[action.targeting]}`,
            payload: { packageId: build.packageId, advertisementId, targeting: action.targeting },
          },
        },
      );
      if (option_a && counts.sameCollection.withEvidence < counts.sameCollection.targeted)
        warnings.push(
          `${plural(counts.sameCollection.targeted - counts.sameCollection.withEvidence, "targeted computer")} ${counts.sameCollection.targeted - counts.sameCollection.withEvidence === 1 ? "has" : "have"} no evidence of the update; the check leaves them unchanged.`,
        );
      if (option_a && counts.sameCollection.outsideWithEvidence > 0)
        warnings.push(
          `${plural(counts.sameCollection.outsideWithEvidence, "computer")} with evidence of ${kb} ${counts.sameCollection.outsideWithEvidence === 1 ? "is" : "are"} not in collection ${counts.sameCollection.collectionId}: option A does not reach ${counts.sameCollection.outsideWithEvidence === 1 ? "it" : "them"}.`,
        );
      summary = `Rollback advertised as ${advertisementId} to ${collectionId} (${rollbackTargetingLabels[action.targeting]}, ${plural(option.targeted, "computer")})`;
      break;
    }
    case "verify": {
      const v = ctx.verification as RollbackVerificationResult;
      const outcome = v.remaining === 0 ? "COMPLETED" : "PARTIAL";
      const g = v.groups;
      to = outcome;
      next.verifications = [
        ...r.verifications,
        {
          at,
          by,
          targeted: v.targeted,
          removed: g.REMOVED,
          notAffected: g.NOT_AFFECTED,
          settledByOob: g.SETTLED_BY_OOB,
          awaitingScan: g.AWAITING_SCAN,
          inProgress: g.IN_PROGRESS,
          failed: g.FAILED,
          unreachable: g.UNREACHABLE,
          neverReported: v.neverReported,
          remaining: v.remaining,
          tasksCreated: v.needTask.length,
          tasksClosed: v.closeTasks.length,
          graceHours: v.graceHours,
          outcome,
          note: action.note ?? null,
        },
      ];
      if (v.closeTasks.length > 0) effects.push({ type: "CLOSE_OOB_TASKS", tasks: v.closeTasks });
      if (v.needTask.length > 0) {
        const due = r.sla && !r.sla.stoppedAt ? slaTargetAt(r.sla, ctx.policy ?? DEFAULT_PRIORITY_POLICY) : null;
        effects.push({ type: "CREATE_OOB_TASKS", tasks: v.needTask, dueAt: due });
      }
      if (outcome === "COMPLETED") {
        stopClock();
        effects.push({
          type: "CASE_STEP",
          action: "markRolledBack",
          evidence: `Rollback verified: ${kb} is gone from ${plural(v.targeted, "targeted computer")} (${g.REMOVED} removed by compliance, ${g.NOT_AFFECTED} never had it, ${g.SETTLED_BY_OOB} by out-of-band tasks).`,
        });
      }
      const tasks = [
        ...(v.needTask.length > 0 ? [`${plural(v.needTask.length, "out-of-band task")} created`] : []),
        ...(v.closeTasks.length > 0 ? [`${plural(v.closeTasks.length, "task")} closed as not needed`] : []),
      ];
      summary =
        outcome === "COMPLETED"
          ? `Rollback verified: ${kb} is gone from all ${plural(v.targeted, "targeted computer")}${tasks.length > 0 ? `; ${tasks.join(", ")}` : ""}`
          : `Rollback partly done: ${plural(v.remaining, "computer")} still ${v.remaining === 1 ? "has" : "have"} ${kb} (${g.IN_PROGRESS} in progress, ${g.AWAITING_SCAN} awaiting a compliance scan, ${g.FAILED} failed, ${g.UNREACHABLE} unreachable)${tasks.length > 0 ? `; ${tasks.join(", ")}` : ""}`;
      break;
    }
    case "review": {
      const outcomeNote = (action.outcomeNote ?? "").trim();
      if (r.status === "PARTIAL") {
        // Reviewing with computers left is a decision of its own: it needs a note, and closing the
        // rollback then moves the update's case on (it would otherwise stay ROLLING_BACK).
        const remaining = r.verifications[r.verifications.length - 1]?.remaining ?? 0;
        if (outcomeNote.length < 10)
          return refuse(
            "VALIDATION_FAILED",
            `outcomeNote: ${plural(remaining, "computer")} still ${remaining === 1 ? "has" : "have"} ${kb} at the last verification: say why the rollback is reviewed now (e.g. they are out-of-band tasks, or were decommissioned), or verify again once they are settled.`,
          );
        next.review = {
          text: action.text,
          reviewedBy: by,
          reviewedAt: at,
          outcomeNote,
          remainingAtReview: remaining,
        };
        warnings.push(
          `${plural(remaining, "computer")} still had the update at the last verification; their out-of-band tasks stay open.`,
        );
      } else {
        next.review = {
          text: action.text,
          reviewedBy: by,
          reviewedAt: at,
          outcomeNote: outcomeNote.length > 0 ? outcomeNote : null,
          remainingAtReview: null,
        };
      }
      break;
    }
    case "close": {
      const note = (action.note ?? "").trim();
      if (r.status === "ALT_RECOVERY" && note.length < 5)
        return refuse("VALIDATION_FAILED", "note: Describe how the affected computers were recovered.");
      next.closedAt = at;
      next.closeNote = note.length > 0 ? note : null;
      stopClock();
      // Reviewed while PARTIAL: the update's case is still ROLLING_BACK (completeRollback, as here).
      const review = r.review;
      if (review && review.remainingAtReview !== null)
        effects.push({
          type: "CASE_STEP",
          action: "markRolledBack",
          evidence:
            `Rollback closed as partial: ${plural(review.remainingAtReview, "computer")} still had ${kb} at the last verification. ${review.outcomeNote ?? ""}`.trim(),
        });
      break;
    }
    case "cancel":
      next.cancellation = { reason: action.reason, cancelledBy: by, cancelledAt: at };
      stopClock();
      // The update's case moved to ROLLING_BACK at the authorisation: back to HALTED.
      if (r.authorisation)
        effects.push({ type: "CASE_STEP", action: "abandonRollback", reason: `Rollback cancelled: ${action.reason}` });
      if (r.halt)
        warnings.push(
          "The halted programs stay disabled: resume the deployment from the update's case if it should continue.",
        );
      summary = `Rollback cancelled: ${action.reason}`;
      break;
  }

  next = { ...next, status: to };
  effects.unshift({
    type: "TIMELINE",
    event: transitionEvent(ctx.rollbackId, kb, action.type, r.status, to, at, by, summary),
  });
  return { ok: true, next, effects, warnings };
}

function slaTargetAt(sla: { priority: ReleasePriority; since: string }, policy: PriorityPolicy): string {
  return new Date(Date.parse(sla.since) + policy[sla.priority].targetHours * 3_600_000).toISOString();
}

// --- what the console shows ---------------------------------------------------------------------

export interface AvailableRollbackAction {
  action: RollbackActionType;
  label: string;
  enabled: boolean;
  /** Why the action is disabled, in words. */
  reason?: string;
  /** A restriction worth showing even when enabled. */
  note?: string;
}

/**
 * The actions open in the rollback's current state for this role, enabled or disabled with the
 * reason. Context left out is not checked here.
 */
export function availableRollbackActions(
  r: RollbackRecord,
  role: Role,
  hasAuthorityGrant: boolean,
  context: Omit<Partial<RollbackContext>, "actor" | "now"> = {},
): AvailableRollbackAction[] {
  const out: AvailableRollbackAction[] = [];
  for (const action of Object.keys(ROLLBACK_ACTION_RULES) as RollbackActionType[]) {
    const rule = ROLLBACK_ACTION_RULES[action];
    if (!rule.from.includes(r.status)) continue;
    const entry: AvailableRollbackAction = { action, label: rollbackActionLabels[action], enabled: true };
    const failure = !canProcess(role, rule.permission, hasAuthorityGrant)
      ? permissionRefusal(action, role, rule.permission)
      : precheck(action, r, context, true);
    if (failure) {
      entry.enabled = false;
      entry.reason = failure.reason;
    } else if (action === "confirmPriority" && !canProcess(role, "confirmEmergencyPriority", hasAuthorityGrant)) {
      entry.note = `You can confirm High, Medium or Low; an Emergency needs ${AUTHORITY}.`;
    }
    out.push(entry);
  }
  return out;
}

export const ROLLBACK_STEP_STATUSES = ["done", "current", "todo", "stopped", "skipped"] as const;
export type RollbackStepStatus = (typeof ROLLBACK_STEP_STATUSES)[number];

export interface RollbackStepView {
  step: RollbackStep;
  label: string;
  status: RollbackStepStatus;
}

/**
 * The workflow steps for the stepper, each done, current, to do, stopped or skipped. Exactly one
 * step is current or stopped while the rollback is open.
 */
export function rollbackSteps(r: RollbackRecord): RollbackStepView[] {
  const s = r.status;
  const infeasible = s === "NOT_FEASIBLE" || s === "ALT_RECOVERY" || r.notFeasible !== null;
  const verified = r.verifications.some((v) => v.outcome === "COMPLETED");
  const decided = r.priorityConfirmation !== null && r.authorisation !== null;
  const done: Record<RollbackStep, boolean> = {
    REQUEST: true,
    FEASIBILITY: !infeasible,
    PRIORITY: decided,
    HALT: r.halt !== null,
    CLEANUP: r.cleanup !== null,
    BUILD: r.build !== null,
    ACCEPT: r.acceptance !== null,
    ADVERTISE: r.deployment !== null,
    VERIFY: verified,
    REVIEW: r.review !== null,
  };
  let current: RollbackStep | null = null;
  if (infeasible) current = null;
  else if (s === "REQUESTED") current = "HALT";
  // The clean-up cannot be undone: the priority and the authorisation come first.
  else if (s === "HALTED") current = decided ? "CLEANUP" : "PRIORITY";
  else if (s === "PACKAGE_CLEANED") current = decided ? "BUILD" : "PRIORITY";
  else if (s === "BUILT") current = "ACCEPT";
  else if (s === "READY") current = "ADVERTISE";
  else if (s === "DEPLOYING" || s === "PARTIAL") current = "VERIFY";
  else if (s === "COMPLETED" || s === "REVIEWED") current = "REVIEW";
  return ROLLBACK_STEPS.map((step) => {
    let status: RollbackStepStatus;
    if (step === "FEASIBILITY" && infeasible) status = "stopped";
    else if (done[step] && !(step === "REVIEW" && s === "REVIEWED")) status = "done";
    else if (step === current) status = "current";
    else if (infeasible || s === "CANCELLED") status = step === "HALT" && r.halt ? "done" : "skipped";
    else status = "todo";
    return { step, label: rollbackStepLabels[step], status };
  });
}
