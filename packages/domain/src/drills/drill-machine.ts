import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { roleLabels, type Role } from "../auth/roles.js";
import { canProcess } from "../process/permissions.js";
import type { RefusalCode } from "../process/case-machine.js";
import type { EmergencyType } from "../process/emergency.js";
import { formatDuration } from "../process/sla.js";
import type { TimelineEventInput } from "../process/timeline.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { DrillPauseSchema, drillElapsedMs, wallTimeAtDrillMs, type DrillPause } from "./drill-clock.js";
import { DrillFindingSchema, DrillReportSchema, type DrillReport } from "./report.js";
import {
  DrillRoleSchema,
  drillRoleLabels,
  ERT_QUORUM_ROLES,
  InjectKindSchema,
  type DrillInject,
  type DrillScenario,
  type ReleaseCaseStart,
  type SandboxFleetPreset,
} from "./scenario.js";

/**
 * The Drill state machine (domain.md §8.3, product.md C10), in the style of case-machine.ts:
 * `transitionDrill(drill, action, context)` is pure and returns the next record with the effects
 * the API carries out (sandbox, simulation, injects, timeline), or a refusal with a reason.
 *
 *   PLANNED → RUNNING ⇄ PAUSED → ENDED (debrief) → SIGNED_OFF (closed)
 *   PLANNED | RUNNING | PAUSED → CANCELLED
 *
 * An ERT lead or a manager plans a drill (`runDrills`). It is run by its umpire, or by an ERT lead
 * or a manager who does not take part in it: a participant is being tested and must not steer the
 * drill nor read its script (the API hides unfired injects from non-runners). A manager signs the
 * report off. The sign-off stores the report in the record and freezes it: every later action is
 * refused.
 */

// --- the plan ---------------------------------------------------------------------------------

export const DrillParticipantSchema = z.object({
  userId: z.string({ message: "Choose the participant" }).min(1, "Choose the participant"),
  drillRole: DrillRoleSchema,
});
export type DrillParticipant = z.infer<typeof DrillParticipantSchema>;

export const DrillPlanSchema = z
  .object({
    scenarioId: z.string({ message: "Choose a scenario" }).min(1, "Choose a scenario"),
    title: z
      .string({ message: "Give the drill a short title" })
      .trim()
      .min(3, "Give the drill a short title")
      .max(200, "Use at most 200 characters"),
    scheduledStart: TimestampSchema,
    umpireId: z.string({ message: "Choose the umpire" }).min(1, "Choose the umpire"),
    participants: z.array(DrillParticipantSchema).min(1, "Add at least one participant"),
    /** Overrides the scenario's time scale for this drill. */
    timeScale: z
      .number()
      .min(1, "The time scale is at least 1 (real time)")
      .max(240, "The time scale is at most 240")
      .optional(),
    notes: z.string().max(4000, "Use at most 4,000 characters").optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.participants.forEach((x, i) => {
      if (x.userId === p.umpireId) {
        ctx.addIssue({
          code: "custom",
          path: ["participants", i, "userId"],
          message: "The umpire runs the drill and cannot also be a participant",
        });
      }
      if (seen.has(x.userId)) {
        ctx.addIssue({
          code: "custom",
          path: ["participants", i, "userId"],
          message: "This person is already a participant; give each person one drill role",
        });
      }
      seen.add(x.userId);
    });
  });
export type DrillPlan = z.infer<typeof DrillPlanSchema>;
export type DrillPlanInput = z.input<typeof DrillPlanSchema>;

/** Things worth saying about a valid plan; none blocks it. */
export function planWarnings(plan: DrillPlan, now?: TimeInput): string[] {
  const out: string[] = [];
  const roles = new Set(plan.participants.map((p) => p.drillRole));
  const missing = ERT_QUORUM_ROLES.filter((r) => !roles.has(r));
  if (missing.length > 0) {
    out.push(
      `Nobody plays ${missing.map((r) => drillRoleLabels[r]).join(", ")}: the ERT quorum (ERT lead, SMS administrator, security) cannot assemble, so the time to assemble will show as not reached.`,
    );
  }
  if (now !== undefined && toEpochMs(plan.scheduledStart) < toEpochMs(now))
    out.push("The scheduled start is in the past.");
  return out;
}

// --- the record -------------------------------------------------------------------------------

export const DRILL_STATES = ["PLANNED", "RUNNING", "PAUSED", "ENDED", "SIGNED_OFF", "CANCELLED"] as const;
export const DrillStateSchema = z.enum(DRILL_STATES);
export type DrillState = z.infer<typeof DrillStateSchema>;

export const drillStateLabels: Record<DrillState, string> = {
  PLANNED: "Planned",
  RUNNING: "Running",
  PAUSED: "Paused",
  ENDED: "Ended (debrief)",
  SIGNED_OFF: "Signed off (closed)",
  CANCELLED: "Cancelled",
};

export const FiredInjectSchema = z.object({
  injectId: z.string(),
  kind: InjectKindSchema,
  at: TimestampSchema,
  /** Drill minute it fired at. */
  drillMinute: z.number().int().nonnegative(),
  /** Fired by the umpire before its scheduled minute. */
  early: z.boolean(),
  /** `null` = fired by the schedule. */
  firedBy: z.string().nullable(),
});
export type FiredInject = z.infer<typeof FiredInjectSchema>;

export const DrillSignOffSchema = z.object({
  userId: z.string(),
  name: z.string(),
  at: TimestampSchema,
  comment: z.string(),
});
export type DrillSignOff = z.infer<typeof DrillSignOffSchema>;

export const DrillSchema = z.object({
  status: DrillStateSchema,
  plan: DrillPlanSchema,
  /** Simulated hours per real hour for this drill (the plan's, else the scenario's). */
  timeScale: z.number().positive(),
  createdBy: z.string(),
  createdAt: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  endedAt: TimestampSchema.nullable(),
  endReason: z.string().nullable(),
  pauses: z.array(DrillPauseSchema),
  firedInjects: z.array(FiredInjectSchema),
  cancellation: z.object({ reason: z.string(), by: z.string(), at: TimestampSchema }).nullable(),
  debrief: z.object({ summary: z.string(), findings: z.array(DrillFindingSchema) }),
  signOff: DrillSignOffSchema.nullable(),
  /** The report as signed off; frozen with the record. */
  report: DrillReportSchema.nullable(),
});
export type Drill = z.infer<typeof DrillSchema>;

// --- actions ----------------------------------------------------------------------------------

const optionalReason = z.string().trim().max(2000, "Use at most 2,000 characters").optional();

export const DrillActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("updatePlan"), plan: DrillPlanSchema }),
  z.object({ type: z.literal("start") }),
  z.object({ type: z.literal("pause"), reason: optionalReason }),
  z.object({ type: z.literal("resume") }),
  z.object({
    type: z.literal("fireInject"),
    injectId: z.string({ message: "Choose the inject" }).min(1, "Choose the inject"),
    /** SCHEDULE = the API's scheduler at the inject's minute (no role check). */
    source: z.enum(["UMPIRE", "SCHEDULE"]).default("UMPIRE"),
  }),
  z.object({ type: z.literal("end"), reason: optionalReason }),
  z.object({
    type: z.literal("recordDebrief"),
    summary: z.string().trim().max(8000, "Use at most 8,000 characters").default(""),
    findings: z.array(DrillFindingSchema).max(100, "Record at most 100 findings"),
  }),
  z.object({
    type: z.literal("signOff"),
    comment: z
      .string({ message: "Write a sign-off comment" })
      .trim()
      .min(3, "Write a sign-off comment")
      .max(4000, "Use at most 4,000 characters"),
  }),
  z.object({
    type: z.literal("cancel"),
    reason: z
      .string({ message: "Say why the drill is cancelled" })
      .trim()
      .min(5, "Say why the drill is cancelled")
      .max(2000, "Use at most 2,000 characters"),
  }),
]);
export type DrillAction = z.infer<typeof DrillActionSchema>;
export type DrillActionInput = z.input<typeof DrillActionSchema>;
export type DrillActionType = DrillAction["type"];

export const drillActionLabels: Record<DrillActionType, string> = {
  updatePlan: "Edit plan",
  start: "Start drill",
  pause: "Pause drill",
  resume: "Resume drill",
  fireInject: "Fire inject",
  end: "End drill",
  recordDebrief: "Record debrief",
  signOff: "Sign off report",
  cancel: "Cancel drill",
};

/** RUNNER = the drill's umpire, or an ERT lead / manager who is not a participant; MANAGER = the Manager role. */
export type DrillActorKind = "RUNNER" | "MANAGER";

export const DRILL_ACTION_RULES: Record<
  DrillActionType,
  { from: readonly DrillState[]; to: DrillState | null; who: DrillActorKind }
> = {
  updatePlan: { from: ["PLANNED"], to: null, who: "RUNNER" },
  start: { from: ["PLANNED"], to: "RUNNING", who: "RUNNER" },
  pause: { from: ["RUNNING"], to: "PAUSED", who: "RUNNER" },
  resume: { from: ["PAUSED"], to: "RUNNING", who: "RUNNER" },
  fireInject: { from: ["RUNNING"], to: null, who: "RUNNER" },
  end: { from: ["RUNNING", "PAUSED"], to: "ENDED", who: "RUNNER" },
  recordDebrief: { from: ["ENDED"], to: null, who: "RUNNER" },
  signOff: { from: ["ENDED"], to: "SIGNED_OFF", who: "MANAGER" },
  cancel: { from: ["PLANNED", "RUNNING", "PAUSED"], to: "CANCELLED", who: "RUNNER" },
};

export interface DrillActor {
  userId: string;
  role: Role;
  /** Shown on the sign-off; defaults to the user id. */
  name?: string;
}

export interface DrillContext {
  now: TimeInput;
  actor: DrillActor;
  /** The drill's scenario: needed to start and to fire injects. */
  scenario?: DrillScenario | null;
  /** The report to freeze: needed to sign off (report.ts `buildDrillReport`). */
  report?: DrillReport | null;
}

export type DrillEffect =
  | { type: "TIMELINE"; event: TimelineEventInput }
  | {
      type: "CREATE_SANDBOX";
      scenarioId: string;
      preset: SandboxFleetPreset;
      seed: number;
      computers: number | null;
      activeRelease: boolean;
      /** Where the scenario's release case starts (created in the sandbox, in the drill's emergency). */
      releaseCase: ReleaseCaseStart;
    }
  | { type: "DECLARE_DRILL_EMERGENCY"; emergencyType: EmergencyType; title: string }
  | { type: "START_SIMULATION"; timeScale: number }
  | { type: "PAUSE_SIMULATION" }
  | { type: "RESUME_SIMULATION" }
  | { type: "STOP_SIMULATION" }
  | { type: "APPLY_INJECT"; inject: DrillInject }
  | { type: "NOTIFY_PARTICIPANTS"; userIds: string[]; message: string };

export interface DrillRefusal {
  ok: false;
  code: RefusalCode;
  reason: string;
}
export type DrillTransitionResult =
  { ok: true; next: Drill; effects: DrillEffect[]; warnings: string[] } | DrillRefusal;

const refuse = (code: RefusalCode, reason: string): DrillRefusal => ({ ok: false, code, reason });
const iso = (t: TimeInput) => new Date(toEpochMs(t)).toISOString();

const isParticipant = (drill: Pick<Drill, "plan">, userId: string) =>
  drill.plan.participants.some((p) => p.userId === userId);

/** The umpire, or an ERT lead / manager who is not a participant. */
export const isDrillRunner = (drill: Pick<Drill, "plan">, actor: Pick<DrillActor, "userId" | "role">): boolean =>
  actor.userId === drill.plan.umpireId || (canProcess(actor.role, "runDrills") && !isParticipant(drill, actor.userId));

function roleRefusal(
  drill: Pick<Drill, "plan">,
  action: DrillActionType,
  actor: DrillActor,
  who: DrillActorKind,
): DrillRefusal {
  if (who === "MANAGER")
    return refuse("FORBIDDEN", `${drillActionLabels[action]} needs a manager; your role is ${roleLabels[actor.role]}.`);
  if (isParticipant(drill, actor.userId))
    return refuse(
      "FORBIDDEN",
      `${drillActionLabels[action]} is for the drill's umpire: you take part in this drill, so you cannot run it.`,
    );
  return refuse(
    "FORBIDDEN",
    `${drillActionLabels[action]} needs the drill's umpire, or an ERT lead or manager who does not take part; your role is ${roleLabels[actor.role]} and you are not the umpire.`,
  );
}

/** Refusal for a signed-off or cancelled drill, else null. */
function frozenRefusal(drill: Drill): DrillRefusal | null {
  if (drill.status === "SIGNED_OFF") {
    const s = drill.signOff;
    return refuse(
      "ILLEGAL_TRANSITION",
      `The drill report was signed off${s ? ` by ${s.name} on ${s.at}` : ""} and is frozen; nothing in the drill can change.`,
    );
  }
  if (drill.status === "CANCELLED")
    return refuse("ILLEGAL_TRANSITION", "The drill was cancelled; nothing in it can change.");
  return null;
}

function stateRefusal(action: DrillActionType, status: DrillState): DrillRefusal {
  if (action === "fireInject" && status === "PAUSED")
    return refuse("ILLEGAL_TRANSITION", "Resume the drill before firing an inject.");
  const from = DRILL_ACTION_RULES[action].from.map((s) => drillStateLabels[s]).join(", ");
  return refuse(
    "ILLEGAL_TRANSITION",
    `${drillActionLabels[action]} is not possible while the drill is ${drillStateLabels[status]}; it needs: ${from}.`,
  );
}

function drillEvent<T extends TimelineEventInput["type"]>(
  type: T,
  at: string,
  actorId: string | null,
  summary: string,
  payload: Extract<TimelineEventInput, { type: T }>["payload"],
): TimelineEventInput {
  return { type, at, actorId, summary, payload } as TimelineEventInput;
}

const closePauses = (pauses: readonly DrillPause[], at: string): DrillPause[] =>
  pauses.map((p) => (p.to === null ? { ...p, to: at } : p));

const participantIds = (d: Drill) => d.plan.participants.map((p) => p.userId);

/** Creates a PLANNED drill from a plan. An ERT lead or a manager who does not take part in it plans it. */
export function createDrill(
  planInput: DrillPlanInput,
  ctx: { now: TimeInput; actor: DrillActor; scenario: DrillScenario | null },
): { ok: true; drill: Drill; warnings: string[] } | DrillRefusal {
  const parsed = DrillPlanSchema.safeParse(planInput);
  if (!parsed.success) return refuse("VALIDATION_FAILED", parsed.error.issues[0]?.message ?? "The plan is not valid.");
  const plan = parsed.data;
  if (!ctx.scenario || ctx.scenario.id !== plan.scenarioId)
    return refuse("VALIDATION_FAILED", `Scenario "${plan.scenarioId}" was not found; choose one from the list.`);
  if (!canProcess(ctx.actor.role, "runDrills")) {
    return refuse(
      "FORBIDDEN",
      `Only an ERT lead or a manager can plan a drill; your role is ${roleLabels[ctx.actor.role]}.`,
    );
  }
  if (isParticipant({ plan }, ctx.actor.userId)) {
    return refuse(
      "FORBIDDEN",
      "You take part in this drill, so you cannot plan it (you would know its script): ask the umpire or another ERT lead or manager.",
    );
  }
  const drill: Drill = {
    status: "PLANNED",
    plan,
    timeScale: plan.timeScale ?? ctx.scenario.timeScale,
    createdBy: ctx.actor.userId,
    createdAt: iso(ctx.now),
    startedAt: null,
    endedAt: null,
    endReason: null,
    pauses: [],
    firedInjects: [],
    cancellation: null,
    debrief: { summary: "", findings: [] },
    signOff: null,
    report: null,
  };
  return { ok: true, drill, warnings: planWarnings(plan, ctx.now) };
}

/**
 * Applies one action. Order of checks: frozen (signed off / cancelled), the action's body, the
 * state, the actor, then the action's own guards.
 */
export function transitionDrill(drill: Drill, input: DrillActionInput, ctx: DrillContext): DrillTransitionResult {
  const frozen = frozenRefusal(drill);
  if (frozen) return frozen;
  const parsed = DrillActionSchema.safeParse(input);
  if (!parsed.success)
    return refuse("VALIDATION_FAILED", parsed.error.issues[0]?.message ?? "The action is not valid.");
  const action = parsed.data;
  const rule = DRILL_ACTION_RULES[action.type];
  if (!rule.from.includes(drill.status)) return stateRefusal(action.type, drill.status);
  const { actor } = ctx;
  const bySchedule = action.type === "fireInject" && action.source === "SCHEDULE";
  if (!bySchedule) {
    const allowed = rule.who === "MANAGER" ? actor.role === "MANAGER" : isDrillRunner(drill, actor);
    if (!allowed) return roleRefusal(drill, action.type, actor, rule.who);
  }

  const at = iso(ctx.now);
  const nowMs = toEpochMs(ctx.now);
  const by = bySchedule ? null : actor.userId;
  const effects: DrillEffect[] = [];
  const warnings: string[] = [];
  let next: Drill = { ...drill, status: rule.to ?? drill.status };

  switch (action.type) {
    case "updatePlan": {
      const plan = action.plan;
      const changesScenario = plan.scenarioId !== drill.plan.scenarioId;
      if (changesScenario && (!ctx.scenario || ctx.scenario.id !== plan.scenarioId))
        return refuse("VALIDATION_FAILED", `Scenario "${plan.scenarioId}" was not found; choose one from the list.`);
      const scenarioScale = ctx.scenario?.id === plan.scenarioId ? ctx.scenario.timeScale : drill.timeScale;
      next = { ...next, plan, timeScale: plan.timeScale ?? scenarioScale };
      warnings.push(...planWarnings(plan, ctx.now));
      break;
    }
    case "start": {
      const s = ctx.scenario;
      if (!s || s.id !== drill.plan.scenarioId) {
        return refuse(
          "VALIDATION_FAILED",
          `Scenario "${drill.plan.scenarioId}" was not found; choose another scenario in the plan.`,
        );
      }
      next = { ...next, startedAt: at };
      const early = toEpochMs(drill.plan.scheduledStart) - nowMs;
      if (early >= 60_000) warnings.push(`Started ${formatDuration(early)} before the scheduled start.`);
      warnings.push(...planWarnings(drill.plan));
      effects.push(
        {
          type: "CREATE_SANDBOX",
          scenarioId: s.id,
          preset: s.fleet.preset,
          seed: s.fleet.seed,
          computers: s.fleet.computers ?? null,
          activeRelease: s.fleet.activeRelease,
          releaseCase: s.fleet.releaseCase,
        },
        { type: "DECLARE_DRILL_EMERGENCY", emergencyType: s.emergencyType, title: `Drill: ${drill.plan.title}` },
        { type: "START_SIMULATION", timeScale: drill.timeScale },
        {
          type: "TIMELINE",
          event: drillEvent(
            "DRILL_STARTED",
            at,
            by,
            `Drill started: ${drill.plan.title} (${s.name}, × ${drill.timeScale})`,
            { scenarioId: s.id, timeScale: drill.timeScale },
          ),
        },
        {
          type: "NOTIFY_PARTICIPANTS",
          userIds: participantIds(drill),
          message: `Drill "${drill.plan.title}" has started. This is a drill: work the console against the sandbox.`,
        },
      );
      break;
    }
    case "pause":
      next = { ...next, pauses: [...drill.pauses, { from: at, to: null }] };
      effects.push(
        { type: "PAUSE_SIMULATION" },
        {
          type: "TIMELINE",
          event: drillEvent("DRILL_PAUSED", at, by, action.reason ? `Drill paused: ${action.reason}` : "Drill paused", {
            reason: action.reason || null,
          }),
        },
      );
      break;
    case "resume": {
      const open = drill.pauses.find((p) => p.to === null);
      const pausedMs = open ? Math.max(0, nowMs - toEpochMs(open.from)) : 0;
      next = { ...next, pauses: closePauses(drill.pauses, at) };
      effects.push(
        { type: "RESUME_SIMULATION" },
        {
          type: "TIMELINE",
          event: drillEvent("DRILL_RESUMED", at, by, `Drill resumed after ${formatDuration(pausedMs)}`, {
            pausedMs,
          }),
        },
      );
      break;
    }
    case "fireInject": {
      const s = ctx.scenario;
      if (!s || s.id !== drill.plan.scenarioId)
        return refuse("VALIDATION_FAILED", `Scenario "${drill.plan.scenarioId}" was not found.`);
      const inject = s.injects.find((i) => i.id === action.injectId);
      if (!inject) return refuse("VALIDATION_FAILED", `The scenario has no inject "${action.injectId}".`);
      const fired = drill.firedInjects.find((f) => f.injectId === inject.id);
      if (fired)
        return refuse(
          "ILLEGAL_TRANSITION",
          `Inject "${inject.title}" was already fired at drill minute ${fired.drillMinute}; each inject fires once.`,
        );
      const drillMs = drillElapsedMs(drill.startedAt ?? at, drill.pauses, at);
      const minute = Math.floor(drillMs / 60_000);
      const early = drillMs < inject.atMinute * 60_000;
      if (bySchedule && early)
        return refuse(
          "ILLEGAL_TRANSITION",
          `Inject "${inject.title}" is not due until drill minute ${inject.atMinute}; it is minute ${minute}.`,
        );
      next = {
        ...next,
        firedInjects: [
          ...drill.firedInjects,
          { injectId: inject.id, kind: inject.kind, at, drillMinute: minute, early, firedBy: by },
        ],
      };
      effects.push(
        { type: "APPLY_INJECT", inject },
        {
          type: "TIMELINE",
          event: drillEvent("DRILL_INJECT_FIRED", at, by, `Inject${early ? " (fired early)" : ""}: ${inject.title}`, {
            injectId: inject.id,
            kind: inject.kind,
            title: inject.title,
            atMinute: inject.atMinute,
            firedAtMinute: minute,
            early,
          }),
        },
        { type: "NOTIFY_PARTICIPANTS", userIds: participantIds(drill), message: `${inject.title}: ${inject.detail}` },
      );
      break;
    }
    case "end": {
      next = { ...next, endedAt: at, endReason: action.reason || null, pauses: closePauses(drill.pauses, at) };
      const s = ctx.scenario;
      if (s) {
        const unfired = s.injects.filter((i) => !drill.firedInjects.some((f) => f.injectId === i.id));
        if (unfired.length > 0)
          warnings.push(
            `${unfired.length === 1 ? "One inject was" : `${unfired.length} injects were`} never fired: ${unfired.map((i) => i.title).join(", ")}.`,
          );
      }
      effects.push(
        { type: "STOP_SIMULATION" },
        {
          type: "TIMELINE",
          event: drillEvent("DRILL_ENDED", at, by, action.reason ? `Drill ended: ${action.reason}` : "Drill ended", {
            reason: action.reason || null,
          }),
        },
      );
      break;
    }
    case "recordDebrief":
      next = { ...next, debrief: { summary: action.summary, findings: action.findings } };
      break;
    case "signOff": {
      if (actor.userId === drill.plan.umpireId)
        return refuse("FORBIDDEN", "The umpire cannot sign off their own drill; ask another manager.");
      if (!ctx.report) return refuse("ILLEGAL_TRANSITION", "Build the drill report before signing it off.");
      const name = actor.name?.trim() || actor.userId;
      next = {
        ...next,
        signOff: { userId: actor.userId, name, at, comment: action.comment },
        report: ctx.report,
      };
      effects.push({
        type: "TIMELINE",
        event: drillEvent("DRILL_SIGNED_OFF", at, by, `Drill report signed off by ${name}`, {
          name,
          comment: action.comment,
        }),
      });
      break;
    }
    case "cancel": {
      const wasRunning = drill.status !== "PLANNED";
      next = {
        ...next,
        cancellation: { reason: action.reason, by: actor.userId, at },
        pauses: closePauses(drill.pauses, at),
        endedAt: wasRunning ? at : drill.endedAt,
      };
      if (wasRunning) effects.push({ type: "STOP_SIMULATION" });
      effects.push({
        type: "TIMELINE",
        event: drillEvent("DRILL_CANCELLED", at, by, `Drill cancelled: ${action.reason}`, { reason: action.reason }),
      });
      break;
    }
  }
  return { ok: true, next, effects, warnings };
}

export interface AvailableDrillAction {
  action: DrillActionType;
  label: string;
  enabled: boolean;
  reason?: string;
}

/** The actions the drill page shows in the drill's state, enabled or with why not. */
export function availableDrillActions(drill: Drill, actor: DrillActor): AvailableDrillAction[] {
  if (frozenRefusal(drill)) return [];
  const out: AvailableDrillAction[] = [];
  for (const action of Object.keys(DRILL_ACTION_RULES) as DrillActionType[]) {
    const rule = DRILL_ACTION_RULES[action];
    if (!rule.from.includes(drill.status)) continue;
    const entry: AvailableDrillAction = { action, label: drillActionLabels[action], enabled: true };
    const allowed = rule.who === "MANAGER" ? actor.role === "MANAGER" : isDrillRunner(drill, actor);
    if (!allowed) {
      entry.enabled = false;
      entry.reason = roleRefusal(drill, action, actor, rule.who).reason;
    } else if (action === "signOff" && actor.userId === drill.plan.umpireId) {
      entry.enabled = false;
      entry.reason = "The umpire cannot sign off their own drill; ask another manager.";
    }
    out.push(entry);
  }
  return out;
}

export type InjectStatus = "FIRED" | "DUE" | "UPCOMING";

export interface ScheduledInject {
  inject: DrillInject;
  status: InjectStatus;
  firedAt: string | null;
  early: boolean | null;
  /** When it falls due on the wall clock if the drill is not paused again; `null` before the start or while paused. */
  dueAt: string | null;
}

/** The umpire's inject list: each inject fired, due now or upcoming. */
export function injectSchedule(drill: Drill, scenario: DrillScenario, now: TimeInput): ScheduledInject[] {
  const started = drill.startedAt !== null;
  const end = drill.endedAt ?? now;
  const drillMs = started ? drillElapsedMs(drill.startedAt as string, drill.pauses, end) : 0;
  return scenario.injects.map((inject) => {
    const fired = drill.firedInjects.find((f) => f.injectId === inject.id);
    const due = started && drillMs >= inject.atMinute * 60_000;
    const wall = started ? wallTimeAtDrillMs(drill.startedAt as string, drill.pauses, inject.atMinute * 60_000) : null;
    return {
      inject,
      status: fired ? "FIRED" : due ? "DUE" : "UPCOMING",
      firedAt: fired?.at ?? null,
      early: fired?.early ?? null,
      dueAt: wall === null ? null : new Date(wall).toISOString(),
    };
  });
}

/** Injects the scheduler should fire now: RUNNING, not fired, their minute reached. */
export function dueInjects(drill: Drill, scenario: DrillScenario, now: TimeInput): DrillInject[] {
  if (drill.status !== "RUNNING") return [];
  return injectSchedule(drill, scenario, now)
    .filter((s) => s.status === "DUE")
    .map((s) => s.inject);
}
