import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import type { Role } from "../auth/roles.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { oobTaskStateLabels, type OutOfBandTask } from "./oob.js";
import { hasEmergencyAuthority } from "./permissions.js";
import type { TimelineEventInput } from "./timeline.js";

/**
 * Emergencies (domain.md §3.1; product.md C6): an Emergency-priority release, a worm exploiting an
 * unpatched hole, or an applied update making systems fail. Declaring one opens a war room; it
 * is DECLARED until the response is under way (ACTIVE) and CLOSED when it is over. Closing puts
 * the sender addresses back: every SENDER_RESTORE task must be DONE, or NOT_NEEDED with a reason.
 */

export const EMERGENCY_TYPES = ["EMERGENCY_RELEASE", "WORM_OUTBREAK", "BAD_UPDATE"] as const;
export const EmergencyTypeSchema = z.enum(EMERGENCY_TYPES, { message: "Choose the kind of emergency" });
export type EmergencyType = z.infer<typeof EmergencyTypeSchema>;

export const emergencyTypeLabels: Record<EmergencyType, string> = {
  EMERGENCY_RELEASE: "Emergency release",
  WORM_OUTBREAK: "Worm outbreak",
  BAD_UPDATE: "Bad update (rollback)",
};

export const emergencyTypeDescriptions: Record<EmergencyType, string> = {
  EMERGENCY_RELEASE:
    "An update whose release priority was confirmed as Emergency: the process runs compressed, not skipped.",
  WORM_OUTBREAK: "A worm or other exploit is hitting an unpatched vulnerability in production.",
  BAD_UPDATE: "An applied update is making systems fail: halt its deployments and decide on a rollback.",
};

export const EMERGENCY_STATES = ["DECLARED", "ACTIVE", "CLOSED"] as const;
export const EmergencyStateSchema = z.enum(EMERGENCY_STATES);
export type EmergencyState = z.infer<typeof EmergencyStateSchema>;

export const emergencyStateLabels: Record<EmergencyState, string> = {
  DECLARED: "Declared",
  ACTIVE: "Active",
  CLOSED: "Closed",
};

export const EmergencySchema = z.object({
  type: EmergencyTypeSchema,
  state: EmergencyStateSchema,
  title: z.string().trim().min(3, "Give the emergency a short title").max(200, "Use at most 200 characters"),
  declaredById: z.string().min(1),
  declaredAt: TimestampSchema,
  activatedAt: TimestampSchema.nullable(),
  closedAt: TimestampSchema.nullable(),
  closingSummary: z.string().nullable(),
  caseIds: z.array(z.string()),
  isDrill: z.boolean(),
  drillId: z.string().nullable().optional(),
});
export type Emergency = z.infer<typeof EmergencySchema>;

export const MIN_CLOSING_SUMMARY = 20;

export type EmergencyAction = { type: "activate" } | { type: "close"; summary: string };

export interface EmergencyContext {
  now: TimeInput;
  actor: { userId: string; role: Role; hasActiveGrant: boolean };
  /** The emergency's SENDER_RESTORE tasks (other kinds are ignored). */
  restoreTasks?: readonly (Pick<OutOfBandTask, "kind" | "state" | "targetRef"> & { outcomeNote?: string | null })[];
}

export type EmergencyTransitionResult =
  | { ok: true; next: Emergency; events: TimelineEventInput[] }
  | { ok: false; reason: string; code: "ILLEGAL_TRANSITION" | "FORBIDDEN" };

/** SENDER_RESTORE tasks that stop an emergency from closing, with why. */
export function restoreTasksBlockingClose(
  tasks: NonNullable<EmergencyContext["restoreTasks"]>,
): { addressId: string; why: string }[] {
  const out: { addressId: string; why: string }[] = [];
  for (const t of tasks) {
    if (t.kind !== "SENDER_RESTORE") continue;
    if (t.state === "DONE") continue;
    if (t.state === "NOT_NEEDED" && (t.outcomeNote ?? "").trim().length > 0) continue;
    out.push({
      addressId: t.targetRef.id,
      why: t.state === "NOT_NEEDED" ? "declined without a reason" : oobTaskStateLabels[t.state].toLowerCase(),
    });
  }
  return out;
}

const iso = (t: TimeInput) => new Date(toEpochMs(t)).toISOString();

/** Creates a DECLARED emergency and its first timeline event. Authority: ERT lead or an active grant. */
export function declareEmergency(
  input: { type: EmergencyType; title: string; caseIds?: string[]; isDrill?: boolean; drillId?: string | null },
  ctx: Pick<EmergencyContext, "now" | "actor">,
): { ok: true; emergency: Emergency; events: TimelineEventInput[] } | { ok: false; reason: string; code: "FORBIDDEN" } {
  if (!hasEmergencyAuthority(ctx.actor.role, ctx.actor.hasActiveGrant)) {
    return {
      ok: false,
      code: "FORBIDDEN",
      reason: "Only the ERT lead, or a holder of an active emergency-authority grant, can declare an emergency.",
    };
  }
  const at = iso(ctx.now);
  const emergency: Emergency = {
    type: input.type,
    state: "DECLARED",
    title: input.title.trim(),
    declaredById: ctx.actor.userId,
    declaredAt: at,
    activatedAt: null,
    closedAt: null,
    closingSummary: null,
    caseIds: input.caseIds ?? [],
    isDrill: input.isDrill ?? false,
    drillId: input.drillId ?? null,
  };
  return {
    ok: true,
    emergency,
    events: [
      {
        type: "EMERGENCY_DECLARED",
        at,
        actorId: ctx.actor.userId,
        summary: `${emergencyTypeLabels[input.type]} declared: ${emergency.title}`,
        payload: { emergencyType: input.type, title: emergency.title, isDrill: emergency.isDrill },
      },
    ],
  };
}

/**
 * DECLARED → ACTIVE (the response is under way) and DECLARED | ACTIVE → CLOSED (stand-down or
 * done). Both need emergency authority; closing needs a summary and the sender addresses restored.
 */
export function transitionEmergency(
  emergency: Emergency,
  action: EmergencyAction,
  ctx: EmergencyContext,
): EmergencyTransitionResult {
  const at = iso(ctx.now);
  if (!hasEmergencyAuthority(ctx.actor.role, ctx.actor.hasActiveGrant)) {
    return {
      ok: false,
      code: "FORBIDDEN",
      reason: `Only the ERT lead, or a holder of an active emergency-authority grant, can ${action.type === "close" ? "close" : "activate"} an emergency.`,
    };
  }
  if (action.type === "activate") {
    if (emergency.state !== "DECLARED") {
      return {
        ok: false,
        code: "ILLEGAL_TRANSITION",
        reason: `The emergency is already ${emergencyStateLabels[emergency.state].toLowerCase()}.`,
      };
    }
    return {
      ok: true,
      next: { ...emergency, state: "ACTIVE", activatedAt: at },
      events: [
        {
          type: "EMERGENCY_ACTIVATED",
          at,
          actorId: ctx.actor.userId,
          summary: "Emergency response active",
          payload: {},
        },
      ],
    };
  }
  if (emergency.state === "CLOSED")
    return { ok: false, code: "ILLEGAL_TRANSITION", reason: "The emergency is already closed." };
  const summary = action.summary.trim();
  if (summary.length < MIN_CLOSING_SUMMARY) {
    return {
      ok: false,
      code: "ILLEGAL_TRANSITION",
      reason: `Write a closing summary of at least ${MIN_CLOSING_SUMMARY} characters.`,
    };
  }
  const blocking = restoreTasksBlockingClose(ctx.restoreTasks ?? []);
  if (blocking.length > 0) {
    return {
      ok: false,
      code: "ILLEGAL_TRANSITION",
      reason: `Restore the relaxed sender addresses first (or decline each restore with a reason): ${blocking
        .map((b) => `${b.addressId} (${b.why})`)
        .join(", ")}.`,
    };
  }
  return {
    ok: true,
    next: { ...emergency, state: "CLOSED", closedAt: at, closingSummary: summary },
    events: [
      { type: "EMERGENCY_CLOSED", at, actorId: ctx.actor.userId, summary: "Emergency closed", payload: { summary } },
    ],
  };
}
