import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { TestResultSchema, TestScopeSchema } from "./acceptance.js";
import { CaseActionTypeSchema, CaseStateSchema } from "./case-states.js";
import { OobTaskKindSchema, OobTaskStateSchema } from "./oob.js";
import { ReleasePrioritySchema } from "./priority.js";

/**
 * The war-room timeline (domain.md §8.1 TimelineEvent; product.md C6, C10): append-only events of
 * an emergency, a case or a drill. They are the audit of the process and the source of the drill
 * metrics (domain.md §7), so every event carries the instant it happened and who did it.
 */

export const TIMELINE_EVENT_TYPES = [
  "EMERGENCY_DECLARED",
  "EMERGENCY_ACTIVATED",
  "EMERGENCY_CLOSED",
  "CASE_TRANSITION",
  "PRIORITY_SET",
  "PRIORITY_CONFIRMED",
  "REDUCED_TESTING_ACCEPTED",
  "CHECKLIST_APPLIED",
  "CHECKLIST_ITEM_DECLINED",
  "AUTHORITY_GRANTED",
  "AUTHORITY_REVOKED",
  "AUTHORITY_EXPIRED",
  "ADVERTISEMENT_CHANGED",
  "SENDER_ADDRESS_CHANGED",
  "TEST_RECORDED",
  "TEST_ALERT",
  "OOB_TASK_CREATED",
  "OOB_TASK_CHANGED",
  "HALTED",
  "RESUMED",
  // An automatic halt rule fired (halt/): the war room shows it as an alert.
  "HALT_RULE_FIRED",
  "SLA_STATE_CHANGED",
  "NOTE",
  // A rollback moved (rollback/): payload names the rollback, the action and the states.
  "ROLLBACK_TRANSITION",
  // Added for the drill metrics (drills/): the page answered, the rollback ready, the drill's own events.
  "ERT_ACKNOWLEDGED",
  "ROLLBACK_READY",
  "DRILL_STARTED",
  "DRILL_PAUSED",
  "DRILL_RESUMED",
  "DRILL_INJECT_FIRED",
  "DRILL_ENDED",
  "DRILL_CANCELLED",
  "DRILL_SIGNED_OFF",
] as const;
export const TimelineEventTypeSchema = z.enum(TIMELINE_EVENT_TYPES);
export type TimelineEventType = z.infer<typeof TimelineEventTypeSchema>;

export const timelineEventTypeLabels: Record<TimelineEventType, string> = {
  EMERGENCY_DECLARED: "Emergency declared",
  EMERGENCY_ACTIVATED: "Emergency response active",
  EMERGENCY_CLOSED: "Emergency closed",
  CASE_TRANSITION: "Case moved",
  PRIORITY_SET: "Initial priority set",
  PRIORITY_CONFIRMED: "Priority confirmed",
  REDUCED_TESTING_ACCEPTED: "Reduced testing accepted",
  CHECKLIST_APPLIED: "Emergency checklist applied",
  CHECKLIST_ITEM_DECLINED: "Checklist item declined",
  AUTHORITY_GRANTED: "Emergency authority granted",
  AUTHORITY_REVOKED: "Emergency authority revoked",
  AUTHORITY_EXPIRED: "Emergency authority expired",
  ADVERTISEMENT_CHANGED: "Advertisement changed",
  SENDER_ADDRESS_CHANGED: "Sender address changed",
  TEST_RECORDED: "Test result recorded",
  TEST_ALERT: "Test failed after deployment started",
  OOB_TASK_CREATED: "Out-of-band task created",
  OOB_TASK_CHANGED: "Out-of-band task changed",
  HALTED: "Deployment halted",
  RESUMED: "Deployment resumed",
  HALT_RULE_FIRED: "Automatic halt rule fired",
  SLA_STATE_CHANGED: "SLA state changed",
  NOTE: "Note",
  ROLLBACK_TRANSITION: "Rollback moved",
  ERT_ACKNOWLEDGED: "ERT page acknowledged",
  ROLLBACK_READY: "Rollback package and targeting ready",
  DRILL_STARTED: "Drill started",
  DRILL_PAUSED: "Drill paused",
  DRILL_RESUMED: "Drill resumed",
  DRILL_INJECT_FIRED: "Drill inject",
  DRILL_ENDED: "Drill ended",
  DRILL_CANCELLED: "Drill cancelled",
  DRILL_SIGNED_OFF: "Drill report signed off",
};

const base = {
  at: TimestampSchema,
  /** `null` for events the system raises itself (expiry, alerts). */
  actorId: z.string().nullable(),
  emergencyId: z.string().nullable().optional(),
  caseId: z.string().nullable().optional(),
  drillId: z.string().nullable().optional(),
  /** One readable line for the timeline view. */
  summary: z.string().max(500),
};

const event = <T extends TimelineEventType, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ ...base, type: z.literal(type), payload });

const ChangeSchema = z.object({ before: z.unknown(), after: z.unknown() });

/** A timeline event before it is stored (no id yet). */
export const TimelineEventInputSchema = z.discriminatedUnion("type", [
  event("EMERGENCY_DECLARED", z.object({ emergencyType: z.string(), title: z.string(), isDrill: z.boolean() })),
  event("EMERGENCY_ACTIVATED", z.object({})),
  event("EMERGENCY_CLOSED", z.object({ summary: z.string() })),
  event("CASE_TRANSITION", z.object({ action: CaseActionTypeSchema, from: CaseStateSchema, to: CaseStateSchema })),
  event("PRIORITY_SET", z.object({ priority: ReleasePrioritySchema, category: z.string(), rationale: z.string() })),
  event(
    "PRIORITY_CONFIRMED",
    z.object({
      priority: ReleasePrioritySchema,
      previous: ReleasePrioritySchema.nullable(),
      underAuthorityGrant: z.boolean(),
      rationale: z.record(z.string(), z.unknown()),
    }),
  ),
  event("REDUCED_TESTING_ACCEPTED", z.object({ openTestIds: z.array(z.string()), rationale: z.string() })),
  event(
    "CHECKLIST_APPLIED",
    z.object({ applied: z.array(z.string()), declined: z.array(z.object({ key: z.string(), reason: z.string() })) }),
  ),
  event("CHECKLIST_ITEM_DECLINED", z.object({ key: z.string(), reason: z.string() })),
  event(
    "AUTHORITY_GRANTED",
    z.object({
      grantId: z.string().optional(),
      granteeId: z.string(),
      expiresAt: TimestampSchema,
      justification: z.string(),
    }),
  ),
  event("AUTHORITY_REVOKED", z.object({ grantId: z.string(), granteeId: z.string() })),
  event("AUTHORITY_EXPIRED", z.object({ grantId: z.string(), granteeId: z.string() })),
  event("ADVERTISEMENT_CHANGED", ChangeSchema.extend({ advertisementId: z.string() })),
  event("SENDER_ADDRESS_CHANGED", ChangeSchema.extend({ addressId: z.string() })),
  event(
    "TEST_RECORDED",
    z.object({ testId: z.string(), name: z.string(), scope: TestScopeSchema, result: TestResultSchema }),
  ),
  event(
    "TEST_ALERT",
    z.object({
      testId: z.string(),
      name: z.string(),
      scope: TestScopeSchema,
      severity: z.enum(["CRITICAL", "WARNING"]),
    }),
  ),
  event("OOB_TASK_CREATED", z.object({ taskId: z.string().optional(), kind: OobTaskKindSchema, targetId: z.string() })),
  event(
    "OOB_TASK_CHANGED",
    z.object({ taskId: z.string(), kind: OobTaskKindSchema, from: OobTaskStateSchema, to: OobTaskStateSchema }),
  ),
  event(
    "HALTED",
    z.object({ reason: z.string(), alsoDisableAdvertisement: z.boolean(), automaticRule: z.string().nullable() }),
  ),
  event("RESUMED", z.object({ reason: z.string() })),
  /** `rule` is the sentence naming the rule and what it saw (halt/halt-rule.ts `haltRuleSentence`). */
  event(
    "HALT_RULE_FIRED",
    z.object({
      advertisementId: z.string(),
      rule: z.string(),
      scope: z.enum(["SITE", "OVERALL"]),
      siteCode: z.string().nullable(),
      failed: z.number().int().nonnegative(),
      finished: z.number().int().nonnegative(),
    }),
  ),
  event("SLA_STATE_CHANGED", z.object({ from: z.string().nullable(), to: z.string() })),
  event("NOTE", z.object({ text: z.string().min(1) })),
  event(
    "ROLLBACK_TRANSITION",
    z.object({
      rollbackId: z.string(),
      kbNumber: z.string(),
      action: z.string(),
      from: z.string().nullable(),
      to: z.string(),
    }),
  ),
  /** A member of the response answered the page; `responseRole` is the seat taken (ERT_LEAD, SMS_ADMIN, SECURITY…). */
  event("ERT_ACKNOWLEDGED", z.object({ userId: z.string(), responseRole: z.string().nullable() })),
  /** The rollback package and its targeting exist (domain.md §7 tRollbackReady); the rollback can be advertised. */
  event(
    "ROLLBACK_READY",
    z.object({
      packageId: z.string(),
      advertisementId: z.string().nullable(),
      targeting: z.enum(["SAME_TARGETS_CHECK_FIRST", "APPLIED_ONLY"]).nullable(),
    }),
  ),
  event("DRILL_STARTED", z.object({ scenarioId: z.string(), timeScale: z.number().positive() })),
  event("DRILL_PAUSED", z.object({ reason: z.string().nullable() })),
  event("DRILL_RESUMED", z.object({ pausedMs: z.number().nonnegative() })),
  event(
    "DRILL_INJECT_FIRED",
    z.object({
      injectId: z.string(),
      kind: z.string(),
      title: z.string(),
      atMinute: z.number().nonnegative(),
      firedAtMinute: z.number().nonnegative(),
      early: z.boolean(),
    }),
  ),
  event("DRILL_ENDED", z.object({ reason: z.string().nullable() })),
  event("DRILL_CANCELLED", z.object({ reason: z.string() })),
  event("DRILL_SIGNED_OFF", z.object({ name: z.string(), comment: z.string() })),
]);
export type TimelineEventInput = z.infer<typeof TimelineEventInputSchema>;

/** A stored timeline event. */
export const TimelineEventSchema = TimelineEventInputSchema.and(z.object({ id: z.string() }));
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export type TimelinePayload<T extends TimelineEventType> = Extract<TimelineEventInput, { type: T }>["payload"];
