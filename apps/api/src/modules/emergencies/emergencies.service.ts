import {
  AppError,
  AUTHORITY_GRANTEE_ROLES,
  AuthorityGrantSchema,
  EmergencySchema,
  canProcess,
  roleLabels,
  OOB_TASK_STATES,
  OutOfBandTaskSchema,
  declareEmergency,
  grantIssueProblem,
  grantStatus,
  transitionEmergency,
  type AddTimelineNoteBody,
  type AuthorityGrantRecord,
  type CloseEmergencyBody,
  type DeclareEmergencyRequest,
  type Emergency,
  type EmergencyAction,
  type EmergencyRecord,
  type GrantAuthorityBody,
  type LinkEmergencyCaseBody,
  type ListEmergenciesQuery,
  type RevokeAuthorityBody,
  type Role,
  type WarRoom,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import { systemActor, type Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { type GrantScope, authorityRepository, type GrantRow } from "../authority/authority.repository.js";
import { caseSummary } from "../cases/cases.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { oobRepository } from "../oob/oob.repository.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline, toTimelineEntry } from "../timeline/timeline.service.js";
import { timelineRepository } from "../timeline/timeline.repository.js";
import { usersRepository } from "../users/users.repository.js";
import { emergenciesRepository as repo, type EmergencyRow } from "./emergencies.repository.js";

/** Who staffs a war room: the ERT and the SMS administrators. */
const ROSTER_ROLES: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN"];
const MS_PER_HOUR = 3_600_000;

export function toEmergencyRecord(row: EmergencyRow): EmergencyRecord {
  return { id: row.id, version: row.version, fleetId: row.fleetId, record: EmergencySchema.parse(row.record) };
}

export const signedIn = (actor: Actor): { userId: string; role: Role } => {
  if (!actor.userId || !actor.role) throw new AppError("UNAUTHENTICATED", "Sign in first.");
  return { userId: actor.userId, role: actor.role };
};

/** The emergency-authority grant the actor holds right now for this emergency (or, declaring, in this fleet). */
export async function grantInForce(db: DbClient, actor: Actor, now: Date, scope: GrantScope) {
  if (!actor.userId) return null;
  return authorityRepository.activeGrantFor(db, actor.userId, now, scope);
}

/**
 * The actor to record a change under: marked with the grant when the change was allowed only
 * thanks to it (the same rule run without the grant refuses it for want of authority).
 */
export function actingAs(actor: Actor, grant: { id: string } | null, allowedWithoutGrant: boolean): Actor {
  return grant && !allowedWithoutGrant ? { ...actor, authorityGrantId: grant.id } : actor;
}

export async function emergencyOrThrow(db: DbClient, id: string): Promise<EmergencyRow> {
  const row = await repo.find(db, id);
  if (!row) throw new AppError("NOT_FOUND", "No such emergency.");
  return row;
}

const grantTimes = (g: GrantRow) => ({
  startsAt: g.startsAt.toISOString(),
  expiresAt: g.expiresAt.toISOString(),
  revokedAt: g.revokedAt?.toISOString() ?? null,
});

function toGrantRecord(g: GrantRow, names: Map<string, string>, now: Date): AuthorityGrantRecord {
  return {
    id: g.id,
    emergencyId: g.emergencyId,
    granteeId: g.granteeId,
    granteeName: names.get(g.granteeId) ?? "(unknown user)",
    grantedById: g.grantedById,
    grantedByName: names.get(g.grantedById) ?? "(unknown user)",
    justification: g.justification,
    ...grantTimes(g),
    status: grantStatus(grantTimes(g), now),
  };
}

const columnsOf = (e: Emergency) => ({
  state: e.state,
  closedAt: e.closedAt ? new Date(e.closedAt) : null,
  record: jsonSafe(e) as Prisma.InputJsonValue,
});

export function createEmergenciesService(db: Db) {
  async function userNames(c: DbClient, ids: string[]): Promise<Map<string, string>> {
    const users = await repo.usersByIds(c, [...new Set(ids)]);
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  /**
   * A grant stops being active at its expiry by itself; the first read after that writes one
   * AUTHORITY_EXPIRED event to the timeline. A per-grant lock and a re-check inside the
   * transaction keep concurrent readers from writing it twice.
   */
  async function recordExpiries(actor: Actor, row: EmergencyRow, now: Date): Promise<void> {
    const expired = (await authorityRepository.listForEmergency(db, row.id)).filter(
      (g) => grantStatus(grantTimes(g), now) === "EXPIRED",
    );
    if (expired.length === 0) return;
    const recorded = await authorityRepository.expiryRecordedGrantIds(db, row.id);
    const todo = expired.filter((g) => !recorded.has(g.id));
    if (todo.length === 0) return;
    const names = await userNames(
      db,
      todo.map((g) => g.granteeId),
    );
    const system = systemActor(actor.requestId);
    for (const g of todo) {
      await writeTransaction(db, async (tx) => {
        await authorityRepository.lockGrant(tx, g.id);
        if ((await authorityRepository.expiryRecordedGrantIds(tx, row.id)).has(g.id)) return;
        await recordTimeline(
          tx,
          system,
          row.fleetId,
          [
            {
              type: "AUTHORITY_EXPIRED",
              at: g.expiresAt.toISOString(),
              actorId: null,
              summary: `Emergency authority of ${names.get(g.granteeId) ?? "a grantee"} expired`,
              payload: { grantId: g.id, granteeId: g.granteeId },
            },
          ],
          { emergencyId: row.id },
        );
        await recordAudit(tx, system, {
          action: "authority_grant.expire",
          entityType: "authority_grant",
          entityId: g.id,
          before: { status: "ACTIVE" },
          after: { status: "EXPIRED", granteeId: g.granteeId, expiresAt: g.expiresAt.toISOString() },
        });
      });
    }
  }

  /** activate / close: the domain machine decides; refusals answer 403 or 409 and change nothing. */
  async function transition(
    actor: Actor,
    id: string,
    version: number,
    action: EmergencyAction,
  ): Promise<EmergencyRecord> {
    const who = signedIn(actor);
    const now = new Date();
    const row = await emergencyOrThrow(db, id);
    if (row.version !== version) throw staleVersion("emergency");
    const record = EmergencySchema.parse(row.record);
    const grant = await grantInForce(db, actor, now, { emergencyId: id });
    const restoreTasks = (await oobRepository.restoreTasksForEmergency(db, id)).map((t) =>
      OutOfBandTaskSchema.parse(t.record),
    );
    const run = (hasActiveGrant: boolean) =>
      transitionEmergency(record, action, { now, actor: { ...who, hasActiveGrant }, restoreTasks });
    const result = run(grant !== null);
    if (!result.ok) throw new AppError(result.code, result.reason);
    const withoutGrant = grant === null ? result : run(false);
    const acting = actingAs(actor, grant, withoutGrant.ok || withoutGrant.code !== "FORBIDDEN");
    await writeTransaction(db, async (tx) => {
      if (!(await repo.updateIfVersion(tx, id, version, columnsOf(result.next)))) throw staleVersion("emergency");
      if (action.type === "close") await authorityRepository.revokeForEmergency(tx, id, now, actor.userId);
      await recordTimeline(tx, acting, row.fleetId, result.events, { emergencyId: id });
      await recordAudit(tx, acting, {
        action: `emergency.${action.type}`,
        entityType: "emergency",
        entityId: id,
        before: { state: record.state },
        after: { state: result.next.state, ...(action.type === "close" ? { summary: action.summary } : {}) },
      });
    });
    return toEmergencyRecord(await emergencyOrThrow(db, id));
  }

  return {
    /** Declares an emergency for zero or more cases of one fleet and links them to it. */
    async declare(actor: Actor, body: DeclareEmergencyRequest): Promise<EmergencyRecord> {
      const who = signedIn(actor);
      const scope = await resolveFleet(db, body.fleet);
      const now = new Date();
      const grant = await grantInForce(db, actor, now, { emergencyId: null, declaringInFleet: scope.fleetId });
      const caseIds = [...new Set(body.caseIds)];
      const input = {
        type: body.type,
        title: body.title,
        caseIds,
        isDrill: body.isDrill || scope.kind === "DRILL_SANDBOX",
      };
      const run = (hasActiveGrant: boolean) => declareEmergency(input, { now, actor: { ...who, hasActiveGrant } });
      const result = run(grant !== null);
      if (!result.ok) throw new AppError("FORBIDDEN", result.reason);
      const acting = actingAs(actor, grant, grant === null || run(false).ok);

      const id = await writeTransaction(db, async (tx) => {
        const cases = await casesRepository.listByIds(tx, caseIds);
        const byId = new Map(cases.map((c) => [c.id, c]));
        caseIds.forEach((caseId, i) => {
          const c = byId.get(caseId);
          if (!c)
            throw new AppError("VALIDATION_FAILED", "No such case.", {
              details: [{ path: `body.caseIds.${i}`, message: "no such case" }],
            });
          if (c.fleetId !== scope.fleetId)
            throw new AppError("VALIDATION_FAILED", `The case for ${c.update.kbNumber} belongs to another fleet.`, {
              details: [{ path: `body.caseIds.${i}`, message: "belongs to another fleet" }],
            });
        });
        const linked = [...new Set(cases.map((c) => c.emergencyId).filter((e): e is string => e !== null))];
        const open = linked.length ? await repo.openAmong(tx, linked) : [];
        if (open.length > 0) {
          const busy = cases.filter((c) => open.some((e) => e.id === c.emergencyId));
          throw new AppError(
            "CONFLICT",
            `${busy.map((c) => c.update.kbNumber).join(", ")} already ${busy.length === 1 ? "belongs" : "belong"} to the open emergency "${open[0]!.title}". Close it first, or add to it.`,
            {
              details: busy.map((c) => ({
                path: `body.caseIds.${caseIds.indexOf(c.id)}`,
                message: "in an open emergency",
              })),
            },
          );
        }
        const row = await repo.create(tx, {
          fleetId: scope.fleetId,
          type: result.emergency.type,
          state: result.emergency.state,
          title: result.emergency.title,
          isDrill: result.emergency.isDrill,
          declaredAt: now,
          record: jsonSafe(result.emergency) as Prisma.InputJsonValue,
        });
        if (caseIds.length) await casesRepository.setEmergency(tx, caseIds, row.id);
        await recordTimeline(
          tx,
          acting,
          scope.fleetId,
          [
            ...result.events,
            ...cases.map((c) => ({
              type: "NOTE" as const,
              at: now.toISOString(),
              actorId: who.userId,
              caseId: c.id,
              summary: `Case ${c.update.kbNumber} linked to emergency "${result.emergency.title}"`,
              payload: { text: `Linked to emergency "${result.emergency.title}"` },
            })),
          ],
          { emergencyId: row.id },
        );
        await recordAudit(tx, acting, {
          action: "emergency.declare",
          entityType: "emergency",
          entityId: row.id,
          after: result.emergency,
        });
        for (const c of cases) {
          await recordAudit(tx, acting, {
            action: "case.link_emergency",
            entityType: "case",
            entityId: c.id,
            before: { emergencyId: c.emergencyId },
            after: { emergencyId: row.id },
          });
        }
        return row.id;
      });
      return toEmergencyRecord(await emergencyOrThrow(db, id));
    },

    async list(q: ListEmergenciesQuery): Promise<{ items: EmergencyRecord[] }> {
      const scope = await resolveFleet(db, q.fleet);
      return { items: (await repo.list(db, scope.fleetId, q.state)).map(toEmergencyRecord) };
    },

    /** The war room: cases with SLA clocks, roster, grants, merged timeline, checklist runs, task counts. */
    async warRoom(actor: Actor, id: string): Promise<WarRoom> {
      const now = new Date();
      let row = await emergencyOrThrow(db, id);
      await recordExpiries(actor, row, now);
      row = await emergencyOrThrow(db, id);
      const record = EmergencySchema.parse(row.record);
      const [caseRows, policy, staff, active, grants, timeline, applications, counts] = await Promise.all([
        casesRepository.listByIds(db, record.caseIds),
        loadPolicy(db),
        repo.rosterUsers(db, ROSTER_ROLES),
        authorityRepository.activeGrantsAt(db, now, row.fleetId),
        authorityRepository.listForEmergency(db, id),
        timelineRepository.listForEmergency(db, id, record.caseIds),
        repo.listChecklistApplications(db, id),
        oobRepository.countsByState(db, id),
      ]);
      const names = await userNames(
        db,
        grants.flatMap((g) => [g.granteeId, g.grantedById]),
      );
      const grantExpiry = new Map<string, Date>();
      for (const g of active) {
        const known = grantExpiry.get(g.granteeId);
        if (!known || g.expiresAt > known) grantExpiry.set(g.granteeId, g.expiresAt);
      }
      const rank = (m: WarRoom["roster"][number]) =>
        (m.authority === "LEAD" ? 0 : m.authority === "GRANT" ? 1 : 2) * 10 + ROSTER_ROLES.indexOf(m.role);
      const roster: WarRoom["roster"] = staff
        .map((u) => {
          const expiry = AUTHORITY_GRANTEE_ROLES.includes(u.role) ? grantExpiry.get(u.id) : undefined;
          return {
            userId: u.id,
            username: u.username,
            displayName: u.displayName,
            role: u.role,
            authority: u.role === "ERT_LEAD" ? ("LEAD" as const) : expiry ? ("GRANT" as const) : null,
            grantExpiresAt: expiry?.toISOString() ?? null,
          };
        })
        .sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
      const oobTaskCounts: Record<string, number> = {};
      for (const s of OOB_TASK_STATES) oobTaskCounts[s] = counts.get(s) ?? 0;
      return {
        emergency: toEmergencyRecord(row),
        cases: caseRows.map((c) => caseSummary(c, policy, now)),
        roster,
        grants: grants.map((g) => toGrantRecord(g, names, now)),
        timeline: timeline.map(toTimelineEntry),
        checklistApplications: applications.map((a) => ({
          id: a.id,
          caseId: a.caseId,
          appliedBy: a.appliedBy,
          appliedAt: a.appliedAt.toISOString(),
          declined: a.declined,
        })),
        oobTaskCounts,
      };
    },

    activate(actor: Actor, id: string, version: number): Promise<EmergencyRecord> {
      return transition(actor, id, version, { type: "activate" });
    },

    /** Refused (409) while a relaxed sender address has not been restored (domain `restoreTasksBlockingClose`). */
    close(actor: Actor, id: string, version: number, body: CloseEmergencyBody): Promise<EmergencyRecord> {
      return transition(actor, id, version, { type: "close", summary: body.summary });
    },

    /**
     * A case of the emergency's own fleet joins the open emergency (e.g. the release case a
     * drill's team opened in the sandbox joins the drill's emergency). Needs the declaring
     * authority: the ERT lead, or an active grant in this emergency. Linking a case already in it
     * changes nothing.
     */
    async linkCase(actor: Actor, id: string, body: LinkEmergencyCaseBody): Promise<EmergencyRecord> {
      const who = signedIn(actor);
      const now = new Date();
      await emergencyOrThrow(db, id);
      const grant = await grantInForce(db, actor, now, { emergencyId: id });
      if (!canProcess(who.role, "declareEmergency", grant !== null))
        throw new AppError(
          "FORBIDDEN",
          `Linking a case to an emergency needs the ERT lead role or an active emergency-authority grant in it; your role is ${roleLabels[who.role]}.`,
        );
      const acting = actingAs(actor, grant, canProcess(who.role, "declareEmergency"));
      await writeTransaction(db, async (tx) => {
        const em = await emergencyOrThrow(tx, id);
        const record = EmergencySchema.parse(em.record);
        if (record.state === "CLOSED")
          throw new AppError("ILLEGAL_TRANSITION", "The emergency is closed: no case can join it any more.");
        const [c] = await casesRepository.listByIds(tx, [body.caseId]);
        if (!c)
          throw new AppError("NOT_FOUND", "No such case.", {
            details: [{ path: "body.caseId", message: "no such case" }],
          });
        if (c.fleetId !== em.fleetId)
          throw new AppError("VALIDATION_FAILED", `The case for ${c.update.kbNumber} belongs to another fleet.`, {
            details: [{ path: "body.caseId", message: "belongs to another fleet" }],
          });
        if (c.emergencyId === id && record.caseIds.includes(c.id)) return;
        if (c.emergencyId && c.emergencyId !== id && (await repo.openAmong(tx, [c.emergencyId])).length > 0)
          throw new AppError(
            "CONFLICT",
            `${c.update.kbNumber} already belongs to another open emergency. Close that one first, or work the case there.`,
            { details: [{ path: "body.caseId", message: "in another open emergency" }] },
          );
        const next = { ...record, caseIds: [...new Set([...record.caseIds, c.id])] };
        if (!(await repo.updateIfVersion(tx, id, em.version, { record: jsonSafe(next) as Prisma.InputJsonValue })))
          throw staleVersion("emergency");
        await casesRepository.setEmergency(tx, [c.id], id);
        await recordTimeline(
          tx,
          acting,
          em.fleetId,
          [
            {
              type: "NOTE",
              at: now.toISOString(),
              actorId: who.userId,
              caseId: c.id,
              summary: `Case ${c.update.kbNumber} linked to emergency "${record.title}"`,
              payload: { text: `Linked to emergency "${record.title}"` },
            },
          ],
          { emergencyId: id },
        );
        await recordAudit(tx, acting, {
          action: "case.link_emergency",
          entityType: "case",
          entityId: c.id,
          before: { emergencyId: c.emergencyId },
          after: { emergencyId: id },
        });
      });
      return toEmergencyRecord(await emergencyOrThrow(db, id));
    },

    async addNote(actor: Actor, id: string, body: AddTimelineNoteBody): Promise<WarRoom> {
      const who = signedIn(actor);
      const row = await emergencyOrThrow(db, id);
      await writeTransaction(db, async (tx) => {
        await recordTimeline(
          tx,
          actor,
          row.fleetId,
          [
            {
              type: "NOTE",
              at: new Date().toISOString(),
              actorId: who.userId,
              summary: body.text.length > 200 ? `${body.text.slice(0, 197)}…` : body.text,
              payload: { text: body.text },
            },
          ],
          { emergencyId: id },
        );
        await recordAudit(tx, actor, {
          action: "emergency.note",
          entityType: "emergency",
          entityId: id,
          after: { text: body.text },
        });
      });
      return this.warRoom(actor, id);
    },

    /** The ERT lead lends a named ERT member or SMS administrator the lead's authority for ≤ 72 h. */
    async grant(actor: Actor, id: string, body: GrantAuthorityBody): Promise<AuthorityGrantRecord> {
      const who = signedIn(actor);
      const now = new Date();
      const row = await emergencyOrThrow(db, id);
      if (row.state === "CLOSED")
        throw new AppError("ILLEGAL_TRANSITION", "The emergency is closed: authority can no longer be granted for it.");
      const grantee = await usersRepository.findById(db, body.granteeId);
      if (!grantee || grantee.disabled)
        throw new AppError("VALIDATION_FAILED", "Choose an enabled user to receive the authority.", {
          details: [{ path: "body.granteeId", message: grantee ? "is disabled" : "no such user" }],
        });
      const problem = grantIssueProblem(who.role, grantee.role);
      if (problem) {
        if (who.role !== "ERT_LEAD") throw new AppError("FORBIDDEN", problem);
        throw new AppError("VALIDATION_FAILED", problem, { details: [{ path: "body.granteeId", message: problem }] });
      }
      const startsAt = body.startsAt ? new Date(body.startsAt) : now;
      const expiresAt = new Date(startsAt.getTime() + body.durationHours * MS_PER_HOUR);
      const parsed = AuthorityGrantSchema.safeParse({
        granteeId: grantee.id,
        grantedById: who.userId,
        grantedByRole: who.role,
        justification: body.justification,
        startsAt: startsAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
      });
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: `body.${i.path.join(".")}`, message: i.message }));
        throw new AppError("VALIDATION_FAILED", details[0]?.message ?? "The grant is not valid.", { details });
      }
      if (expiresAt <= now)
        throw new AppError("VALIDATION_FAILED", "The grant would already have expired: start it later.", {
          details: [{ path: "body.startsAt", message: "ends in the past" }],
        });
      const grant = await writeTransaction(db, async (tx) => {
        const g = await authorityRepository.create(tx, {
          emergencyId: id,
          granteeId: grantee.id,
          grantedById: who.userId,
          justification: parsed.data.justification,
          startsAt,
          expiresAt,
        });
        await recordTimeline(
          tx,
          actor,
          row.fleetId,
          [
            {
              type: "AUTHORITY_GRANTED",
              at: now.toISOString(),
              actorId: who.userId,
              summary: `Emergency authority granted to ${grantee.displayName} until ${expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
              payload: {
                grantId: g.id,
                granteeId: grantee.id,
                expiresAt: expiresAt.toISOString(),
                justification: g.justification,
              },
            },
          ],
          { emergencyId: id },
        );
        await recordAudit(tx, actor, {
          action: "authority_grant.create",
          entityType: "authority_grant",
          entityId: g.id,
          after: {
            emergencyId: id,
            granteeId: grantee.id,
            grantee: grantee.username,
            justification: g.justification,
            ...grantTimes(g),
          },
        });
        return g;
      });
      return toGrantRecord(grant, await userNames(db, [grant.granteeId, grant.grantedById]), now);
    },

    async revoke(actor: Actor, id: string, grantId: string, body: RevokeAuthorityBody): Promise<AuthorityGrantRecord> {
      const who = signedIn(actor);
      const now = new Date();
      const row = await emergencyOrThrow(db, id);
      const found = await authorityRepository.find(db, grantId);
      if (!found || found.emergencyId !== id) throw new AppError("NOT_FOUND", "No such grant in this emergency.");
      const status = grantStatus(grantTimes(found), now);
      if (status === "REVOKED" || status === "EXPIRED")
        throw new AppError(
          "ILLEGAL_TRANSITION",
          `The grant has already ${status === "REVOKED" ? "been revoked" : "expired"}.`,
        );
      const names = await userNames(db, [found.granteeId, found.grantedById]);
      const revoked = await writeTransaction(db, async (tx) => {
        const g = await authorityRepository.revoke(tx, grantId, who.userId, now);
        if (!g) throw new AppError("ILLEGAL_TRANSITION", "The grant has already been revoked.");
        await recordTimeline(
          tx,
          actor,
          row.fleetId,
          [
            {
              type: "AUTHORITY_REVOKED",
              at: now.toISOString(),
              actorId: who.userId,
              summary: `Emergency authority of ${names.get(g.granteeId) ?? "a grantee"} revoked${body.reason ? `: ${body.reason}` : ""}`,
              payload: { grantId, granteeId: g.granteeId },
            },
          ],
          { emergencyId: id },
        );
        await recordAudit(tx, actor, {
          action: "authority_grant.revoke",
          entityType: "authority_grant",
          entityId: grantId,
          before: { status },
          after: { status: "REVOKED", revokedAt: now.toISOString(), reason: body.reason ?? null },
        });
        return g;
      });
      return toGrantRecord(revoked, names, now);
    },
  };
}
export type EmergenciesService = ReturnType<typeof createEmergenciesService>;
