import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";

/**
 * The out-of-band ledger (domain.md §3.3, §8.1, §8.3; product.md C9): every machine, site or
 * sender address the normal path cannot handle in time is a task with an owner, a method, a due
 * time, a state and evidence. Completed machine tasks fold back into coverage.
 */

export const OOB_TASK_KINDS = [
  "INFRA_SERVER_MANUAL",
  "SLOW_LINK_CLIENT",
  "COURIER_PARCEL",
  "SENDER_RELAX",
  "SENDER_RESTORE",
  "ROLLBACK_UNREACHABLE",
] as const;
export const OobTaskKindSchema = z.enum(OOB_TASK_KINDS);
export type OobTaskKind = z.infer<typeof OobTaskKindSchema>;

export const oobTaskKindLabels: Record<OobTaskKind, string> = {
  INFRA_SERVER_MANUAL: "Patch infrastructure server by hand",
  SLOW_LINK_CLIENT: "Patch slow-link computer out of band",
  COURIER_PARCEL: "Send package by courier parcel",
  SENDER_RELAX: "Relax sender address",
  SENDER_RESTORE: "Restore sender address settings",
  ROLLBACK_UNREACHABLE: "Roll back unreachable computer by hand",
};

export const OOB_METHODS = ["CONSOLE_LOGON", "CD", "VPN", "USB", "PARCEL", "BRING_TO_OFFICE"] as const;
export const OobMethodSchema = z.enum(OOB_METHODS, { message: "Choose a method" });
export type OobMethod = z.infer<typeof OobMethodSchema>;

export const oobMethodLabels: Record<OobMethod, string> = {
  CONSOLE_LOGON: "Log on at the console",
  CD: "Install from CD",
  VPN: "Connect over VPN in the office",
  USB: "Install from a USB drive",
  PARCEL: "Courier parcel (Courier Sender)",
  BRING_TO_OFFICE: "Bring the computer to an office",
};

export const OOB_TASK_STATES = ["OPEN", "ASSIGNED", "IN_PROGRESS", "DONE", "FAILED", "NOT_NEEDED"] as const;
export const OobTaskStateSchema = z.enum(OOB_TASK_STATES);
export type OobTaskState = z.infer<typeof OobTaskStateSchema>;

export const oobTaskStateLabels: Record<OobTaskState, string> = {
  OPEN: "Open",
  ASSIGNED: "Assigned",
  IN_PROGRESS: "In progress",
  DONE: "Done",
  FAILED: "Failed",
  NOT_NEEDED: "Not needed",
};

export const OOB_TARGET_TYPES = ["COMPUTER", "SITE", "SENDER_ADDRESS"] as const;
export const OobTargetTypeSchema = z.enum(OOB_TARGET_TYPES);
export type OobTargetType = z.infer<typeof OobTargetTypeSchema>;

/** What the task is about: a computer (resource ID), a site (site code) or a sender address (address ID). */
export const OobTargetRefSchema = z.object({
  type: OobTargetTypeSchema,
  id: z.string().min(1),
  /** Display name: computer name, site name, "CEN → BR1 (Standard Sender)". */
  label: z.string().max(200).optional(),
});
export type OobTargetRef = z.infer<typeof OobTargetRefSchema>;

/** Which kind targets what. */
export const targetTypeOfKind: Record<OobTaskKind, OobTargetType> = {
  INFRA_SERVER_MANUAL: "COMPUTER",
  SLOW_LINK_CLIENT: "COMPUTER",
  COURIER_PARCEL: "SITE",
  SENDER_RELAX: "SENDER_ADDRESS",
  SENDER_RESTORE: "SENDER_ADDRESS",
  ROLLBACK_UNREACHABLE: "COMPUTER",
};

export const MIN_EVIDENCE = 5;

export const OutOfBandTaskSchema = z
  .object({
    kind: OobTaskKindSchema,
    targetRef: OobTargetRefSchema,
    method: OobMethodSchema,
    ownerId: z.string().nullable(),
    state: OobTaskStateSchema,
    /** `null` = no fixed time, e.g. a SENDER_RESTORE task is due when the emergency closes. */
    dueAt: TimestampSchema.nullable(),
    reason: z.string().max(2000),
    evidence: z.string().max(4000).nullable(),
    /** Why the task FAILED or is NOT_NEEDED. */
    outcomeNote: z.string().max(2000).nullable().optional(),
    /** For SENDER_RESTORE: the address settings to put back. */
    savedBaseline: z.unknown().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.targetRef.type !== targetTypeOfKind[t.kind]) {
      ctx.addIssue({
        code: "custom",
        path: ["targetRef", "type"],
        message: `A ${oobTaskKindLabels[t.kind]} task targets a ${targetTypeOfKind[t.kind].toLowerCase().replace("_", " ")}`,
      });
    }
    if (t.state === "DONE" && (t.evidence ?? "").trim().length < MIN_EVIDENCE) {
      ctx.addIssue({ code: "custom", path: ["evidence"], message: "Describe the evidence that the task is done" });
    }
    if ((t.state === "ASSIGNED" || t.state === "IN_PROGRESS") && !t.ownerId) {
      ctx.addIssue({ code: "custom", path: ["ownerId"], message: "Choose who owns the task" });
    }
  });
export type OutOfBandTask = z.infer<typeof OutOfBandTaskSchema>;

/** Allowed moves (domain.md §8.3: OPEN → ASSIGNED → IN_PROGRESS → DONE | FAILED | NOT_NEEDED, plus hand-back and retry). */
export const oobTransitions: Record<OobTaskState, readonly OobTaskState[]> = {
  OPEN: ["ASSIGNED", "IN_PROGRESS", "NOT_NEEDED"],
  ASSIGNED: ["OPEN", "ASSIGNED", "IN_PROGRESS", "DONE", "NOT_NEEDED"],
  IN_PROGRESS: ["ASSIGNED", "DONE", "FAILED", "NOT_NEEDED"],
  FAILED: ["ASSIGNED", "IN_PROGRESS", "NOT_NEEDED"],
  DONE: [],
  NOT_NEEDED: [],
};

export const isOobTaskClosed = (state: OobTaskState): boolean => state === "DONE" || state === "NOT_NEEDED";

export interface OobTaskChange {
  to: OobTaskState;
  ownerId?: string | null;
  method?: OobMethod;
  evidence?: string | null;
  /** Why it FAILED or is NOT_NEEDED. */
  note?: string | null;
}

export type OobTransitionResult<T> = { ok: true; next: T } | { ok: false; reason: string };

type TaskCore = Pick<OutOfBandTask, "state" | "ownerId" | "method" | "evidence"> & {
  outcomeNote?: string | null;
  completedAt?: string | null;
};

/**
 * One move of the task machine. DONE needs evidence text; FAILED and NOT_NEEDED a note;
 * ASSIGNED and IN_PROGRESS an owner (the change's or the task's).
 */
export function transitionOobTask<T extends TaskCore>(
  task: T,
  change: OobTaskChange,
  now: TimeInput,
): OobTransitionResult<T> {
  const from = task.state;
  const to = change.to;
  if (!oobTransitions[from].includes(to)) {
    return {
      ok: false,
      reason: isOobTaskClosed(from)
        ? `The task is already ${oobTaskStateLabels[from].toLowerCase()}; it cannot change any more.`
        : `A task that is ${oobTaskStateLabels[from].toLowerCase()} cannot become ${oobTaskStateLabels[to].toLowerCase()}.`,
    };
  }
  const owner = change.ownerId !== undefined ? change.ownerId : task.ownerId;
  if ((to === "ASSIGNED" || to === "IN_PROGRESS") && !owner)
    return { ok: false, reason: "Choose who owns the task first." };
  const evidence = change.evidence !== undefined ? change.evidence : task.evidence;
  if (to === "DONE" && (evidence ?? "").trim().length < MIN_EVIDENCE) {
    return {
      ok: false,
      reason: "Describe the evidence that the task is done (what was installed, where, how it was checked).",
    };
  }
  const note = (change.note ?? "").trim();
  if ((to === "FAILED" || to === "NOT_NEEDED") && note.length < MIN_EVIDENCE) {
    return { ok: false, reason: to === "FAILED" ? "Say why the task failed." : "Say why the task is not needed." };
  }
  const patch: Partial<TaskCore> = {
    state: to,
    ownerId: to === "OPEN" ? null : (owner ?? null),
    method: change.method ?? task.method,
    evidence: evidence ?? null,
    outcomeNote: to === "FAILED" || to === "NOT_NEEDED" ? note : (task.outcomeNote ?? null),
    completedAt: isOobTaskClosed(to) ? new Date(toEpochMs(now)).toISOString() : null,
  };
  const next = { ...task, ...patch } as T;
  return { ok: true, next };
}

/** Kinds whose DONE task means the machine got the update by another route. */
export const COVERAGE_TASK_KINDS: readonly OobTaskKind[] = ["INFRA_SERVER_MANUAL", "SLOW_LINK_CLIENT"];

export interface CoverageWithOobInput {
  /** Every machine in scope: the target collection plus the infrastructure servers excluded from it. */
  targetResourceIds: Iterable<number>;
  /** Machines with compliance evidence (INSTALLED or INSTALLED_PENDING_REBOOT). */
  compliantResourceIds: Iterable<number>;
  tasks: Iterable<Pick<OutOfBandTask, "kind" | "state" | "targetRef">>;
  /** Default COVERAGE_TASK_KINDS; a rollback passes ["ROLLBACK_UNREACHABLE"]. */
  kinds?: readonly OobTaskKind[];
}

export interface CoverageWithOob {
  targets: number;
  /** Compliant according to SMS status / compliance data. */
  byStatus: number;
  /** Not compliant by status, but a DONE out-of-band task covers them. */
  byOob: number;
  covered: number;
  /** 0–100. 0 when there are no targets. */
  coveragePct: number;
  /** Machine tasks of the counted kinds that are not closed yet. */
  oobOpen: number;
}

/** Coverage with DONE out-of-band machine tasks folded in; linear in targets + tasks. */
export function coverageWithOob(input: CoverageWithOobInput): CoverageWithOob {
  const kinds = input.kinds ?? COVERAGE_TASK_KINDS;
  const targets = new Set<number>(input.targetResourceIds);
  const compliant = new Set<number>();
  for (const id of input.compliantResourceIds) if (targets.has(id)) compliant.add(id);
  const byOobSet = new Set<number>();
  let oobOpen = 0;
  for (const t of input.tasks) {
    if (!kinds.includes(t.kind) || t.targetRef.type !== "COMPUTER") continue;
    const id = Number(t.targetRef.id);
    if (!targets.has(id)) continue;
    if (t.state === "DONE") {
      if (!compliant.has(id)) byOobSet.add(id);
    } else if (!isOobTaskClosed(t.state)) oobOpen++;
  }
  const covered = compliant.size + byOobSet.size;
  return {
    targets: targets.size,
    byStatus: compliant.size,
    byOob: byOobSet.size,
    covered,
    coveragePct: targets.size === 0 ? 0 : (covered / targets.size) * 100,
    oobOpen,
  };
}
