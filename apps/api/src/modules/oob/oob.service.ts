import {
  AppError,
  OOB_TASK_KINDS,
  OOB_TASK_STATES,
  OutOfBandTaskSchema,
  isOobTaskClosed,
  oobTaskStateLabels,
  oobTransitions,
  processPermissions,
  transitionOobTask,
  type ListOobTasksRequest,
  type OobTaskRecord,
  type OutOfBandTask,
  type Role,
  type UpdateOobTaskBody,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { emergenciesRepository } from "../emergencies/emergencies.repository.js";
import { fleetRepository } from "../fleet/fleet.repository.js";
import { toSenderAddress } from "../fleet/fleet.service.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import { oobRepository, type OobTaskRow } from "./oob.repository.js";

/**
 * The out-of-band ledger (C9): machines, sites and sender addresses the normal path cannot
 * handle in time, as tasks with an owner, a method, a due time, a state and evidence. The state
 * moves through the domain machine (`transitionOobTask`); a restore task that is done puts the
 * address's saved settings back in the same transaction.
 */

type TaskWithCompletion = OutOfBandTask & { completedAt?: string | null };

function recordOf(row: OobTaskRow): TaskWithCompletion {
  const raw = row.record as { completedAt?: string | null };
  return { ...OutOfBandTaskSchema.parse(row.record), completedAt: raw?.completedAt ?? null };
}

function toRecord(row: OobTaskRow, names: Map<string, string>): OobTaskRecord {
  const { completedAt: _completedAt, ...record } = recordOf(row);
  return {
    id: row.id,
    version: row.version,
    fleetId: row.fleetId,
    caseId: row.caseId,
    emergencyId: row.emergencyId,
    record,
    ownerName: row.ownerId ? (names.get(row.ownerId) ?? "(unknown user)") : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A comma-separated filter of known values, or a 400 naming the unknown one. */
function listFilter(value: string | undefined, known: readonly string[], path: string): string[] | undefined {
  if (!value) return undefined;
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.find((s) => !known.includes(s));
  if (unknown)
    throw new AppError("VALIDATION_FAILED", `Unknown ${path.split(".").pop()} "${unknown}".`, {
      details: [{ path, message: `one of ${known.join(", ")}` }],
    });
  return items;
}

const WORKER_ROLES: readonly Role[] = processPermissions.workOobTasks;

export function createOobService(db: Db) {
  async function names(c: DbClient, rows: OobTaskRow[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.map((r) => r.ownerId).filter((x): x is string => x !== null))];
    if (ids.length === 0) return new Map();
    return new Map((await oobRepository.ownerNames(c, ids)).map((u) => [u.id, u.displayName]));
  }

  /** The fleet the board shows: the one asked for, else the emergency's or case's, else production. */
  async function fleetOf(q: ListOobTasksRequest): Promise<string> {
    if (q.fleet) return (await resolveFleet(db, q.fleet)).fleetId;
    if (q.emergencyId) {
      const e = await emergenciesRepository.find(db, q.emergencyId);
      if (e) return e.fleetId;
    }
    if (q.caseId) {
      const c = await casesRepository.find(db, q.caseId);
      if (c) return c.fleetId;
    }
    return (await resolveFleet(db, "production")).fleetId;
  }

  /** SENDER_RESTORE done: the address gets its saved schedule and rate limit back. */
  async function restoreAddress(tx: DbClient, actor: Actor, row: OobTaskRow, task: OutOfBandTask, now: Date) {
    const before = await fleetRepository.findAddress(tx, row.fleetId, row.targetKey);
    const baseline = (before?.savedBaseline ?? task.savedBaseline ?? null) as {
      usageSchedule: unknown;
      rateLimit: unknown;
    } | null;
    // DONE means the address is back as it was; without the saved settings it cannot be.
    if (!before || !baseline?.usageSchedule || !baseline.rateLimit) {
      throw new AppError(
        "CONFLICT",
        "The saved settings of this sender address are missing, so it cannot be restored automatically. Restore it by hand and mark the task Not needed with a note.",
        {
          details: [{ path: "body.state", message: "nothing to restore from" }],
        },
      );
    }
    if (!(await oobRepository.restoreAddress(tx, before.id, before.version, baseline)))
      throw staleVersion("sender address");
    const after = await fleetRepository.findAddress(tx, row.fleetId, row.targetKey);
    await recordAudit(tx, actor, {
      action: "sender_address.restore",
      entityType: "sender_address",
      entityId: row.targetKey,
      before: { ...toSenderAddress(before), savedBaseline: before.savedBaseline },
      after: after ? toSenderAddress(after) : null,
    });
    await recordTimeline(
      tx,
      actor,
      row.fleetId,
      [
        {
          type: "SENDER_ADDRESS_CHANGED",
          at: now.toISOString(),
          actorId: actor.userId,
          summary: `Address ${row.targetKey}: schedule and rate limit put back as they were before the emergency`,
          payload: {
            addressId: row.targetKey,
            before: { usageSchedule: before.usageSchedule, rateLimit: before.rateLimit },
            after: baseline,
          },
        },
      ],
      { caseId: row.caseId, emergencyId: row.emergencyId },
    );
  }

  return {
    async list(actor: Actor, q: ListOobTasksRequest) {
      const fleetId = await fleetOf(q);
      const { items, total } = await oobRepository.page(
        db,
        {
          fleetId,
          emergencyId: q.emergencyId,
          caseId: q.caseId,
          states: listFilter(q.state, OOB_TASK_STATES, "query.state"),
          kinds: listFilter(q.kind, OOB_TASK_KINDS, "query.kind"),
          ownerId: q.mine ? (actor.userId ?? undefined) : undefined,
        },
        q.page,
        q.pageSize,
      );
      const n = await names(db, items);
      return { items: items.map((r) => toRecord(r, n)), page: q.page, pageSize: q.pageSize, total };
    },

    async get(id: string): Promise<OobTaskRecord> {
      const row = await oobRepository.find(db, id);
      if (!row) throw new AppError("NOT_FOUND", "No such out-of-band task.");
      return toRecord(row, await names(db, [row]));
    },

    /**
     * Assign, change the method, record evidence, move the state. `to` equal to the current state
     * edits the task without moving it (where the machine has no such move, e.g. changing the
     * method of a task in progress).
     */
    async update(actor: Actor, id: string, version: number, body: UpdateOobTaskBody): Promise<OobTaskRecord> {
      const now = new Date();
      if (body.ownerId) {
        const owner = await oobRepository.findOwner(db, body.ownerId);
        if (!owner || owner.disabled || !WORKER_ROLES.includes(owner.role))
          throw new AppError(
            "VALIDATION_FAILED",
            "Choose an enabled ERT member, ERT lead or SMS administrator as owner.",
            {
              details: [{ path: "body.ownerId", message: owner ? "cannot own out-of-band tasks" : "no such user" }],
            },
          );
      }
      await writeTransaction(db, async (tx) => {
        const row = await oobRepository.find(tx, id);
        if (!row) throw new AppError("NOT_FOUND", "No such out-of-band task.");
        if (row.version !== version) throw staleVersion("out-of-band task");
        const task = recordOf(row);
        let next: TaskWithCompletion;
        if (body.to === task.state && !oobTransitions[task.state].includes(task.state)) {
          if (isOobTaskClosed(task.state))
            throw new AppError(
              "ILLEGAL_TRANSITION",
              `The task is already ${oobTaskStateLabels[task.state].toLowerCase()}; it cannot change any more.`,
            );
          const ownerId = body.ownerId !== undefined ? body.ownerId : task.ownerId;
          if (task.state === "OPEN" && ownerId)
            throw new AppError("ILLEGAL_TRANSITION", "Move the task to Assigned to give it an owner.");
          if (task.state !== "OPEN" && !ownerId)
            throw new AppError("ILLEGAL_TRANSITION", "Hand the task back (Open) to leave it without an owner.");
          next = {
            ...task,
            ownerId: ownerId ?? null,
            method: body.method ?? task.method,
            evidence: body.evidence !== undefined ? body.evidence : task.evidence,
          };
        } else {
          const result = transitionOobTask(
            task,
            { to: body.to, ownerId: body.ownerId, method: body.method, evidence: body.evidence, note: body.note },
            now,
          );
          if (!result.ok) throw new AppError("ILLEGAL_TRANSITION", result.reason);
          next = result.next;
        }
        const checked = OutOfBandTaskSchema.safeParse(next);
        if (!checked.success) {
          const details = checked.error.issues.map((i) => ({ path: `body.${i.path.join(".")}`, message: i.message }));
          throw new AppError("VALIDATION_FAILED", details[0]?.message ?? "The task is not valid.", { details });
        }
        const updated = await oobRepository.updateIfVersion(tx, id, version, {
          state: next.state,
          method: next.method,
          ownerId: next.ownerId,
          record: jsonSafe(next) as Prisma.InputJsonValue,
        });
        if (!updated) throw staleVersion("out-of-band task");
        await recordTimeline(
          tx,
          actor,
          row.fleetId,
          [
            {
              type: "OOB_TASK_CHANGED",
              at: now.toISOString(),
              actorId: actor.userId,
              summary: `${task.targetRef.label ?? task.targetRef.id}: ${
                task.state === next.state
                  ? `task updated (${oobTaskStateLabels[next.state].toLowerCase()})`
                  : `${oobTaskStateLabels[task.state]} → ${oobTaskStateLabels[next.state]}`
              }`,
              payload: { taskId: id, kind: task.kind, from: task.state, to: next.state },
            },
          ],
          { caseId: row.caseId, emergencyId: row.emergencyId, rollbackId: row.rollbackId },
        );
        await recordAudit(tx, actor, {
          action: "oob_task.update",
          entityType: "oob_task",
          entityId: id,
          before: { state: task.state, ownerId: task.ownerId, method: task.method, evidence: task.evidence },
          after: {
            state: next.state,
            ownerId: next.ownerId,
            method: next.method,
            evidence: next.evidence,
            outcomeNote: next.outcomeNote ?? null,
          },
        });
        if (row.kind === "SENDER_RESTORE" && next.state === "DONE" && task.state !== "DONE")
          await restoreAddress(tx, actor, row, next, now);
      });
      return this.get(id);
    },
  };
}
export type OobService = ReturnType<typeof createOobService>;
