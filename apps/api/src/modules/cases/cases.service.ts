import {
  AcceptanceTestSchema,
  AppError,
  SoftwareUpdateSchema,
  UpdateCaseSchema,
  availableCaseActions,
  coverageWithOob,
  newUpdateCase,
  openTests,
  OutOfBandTaskSchema,
  phaseOfState,
  priorityInForce,
  slaClock,
  suggestPriority,
  testAlerts,
  transitionCase,
  type AcceptanceTest,
  type CaseActionInput,
  type CaseDetail,
  type CaseSummary,
  type CaseEffect,
  type ListCasesQuery,
  type OpenCaseBody,
  type PriorityPolicy,
  type RecordTestResultBody,
  type TimelineEventInput,
  type UpdateCase,
  type CreateAcceptanceTestBody,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { authorityRepository } from "../authority/authority.repository.js";
import { fleetRepository } from "../fleet/fleet.repository.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline, toTimelineEntry } from "../timeline/timeline.service.js";
import { timelineRepository } from "../timeline/timeline.repository.js";
import { toUpdateRecord } from "../updates/updates.service.js";
import { updatesRepository } from "../updates/updates.repository.js";
import { haltForCase, resumeForCase } from "../halts/halts.service.js";
import { rollbacksRepository } from "../rollbacks/rollbacks.repository.js";
import { casesRepository as repo, type CaseRow } from "./cases.repository.js";

const STATUS_OF_REFUSAL = {
  ILLEGAL_TRANSITION: "ILLEGAL_TRANSITION",
  FORBIDDEN: "FORBIDDEN",
  VALIDATION_FAILED: "VALIDATION_FAILED",
} as const;

function testsOf(row: CaseRow): (AcceptanceTest & { version: number })[] {
  return row.tests.map((t) => ({
    ...AcceptanceTestSchema.parse({
      id: t.id,
      name: t.name,
      scope: t.scope,
      result: t.result,
      executedAt: t.executedAt?.toISOString() ?? null,
      executedBy: t.executedBy,
      notes: t.notes,
      skipReason: t.skipReason,
    }),
    version: t.version,
  }));
}

/** The form invites "none": a rationale field counts only when it names something. */
const saysSomething = (text: string | undefined): boolean =>
  !!text && !/^\s*(none|no|n\/a|na|nothing|-+)\s*\.?\s*$/i.test(text);

export function caseSummary(row: CaseRow, policy: PriorityPolicy, now: Date): CaseSummary {
  const record = UpdateCaseSchema.parse(row.record);
  const tests = testsOf(row);
  return {
    id: row.id,
    version: row.version,
    fleetId: row.fleetId,
    updateId: row.updateId,
    kbNumber: row.update.kbNumber,
    bulletinId: row.update.bulletinId,
    title: row.update.title,
    vendorSeverity: row.update.vendorSeverity as CaseSummary["vendorSeverity"],
    status: record.status,
    phase: phaseOfState[record.status],
    priority: priorityInForce(record),
    priorityConfirmed: record.priorityConfirmation !== null,
    sla: record.sla
      ? slaClock({
          prioritySetAt: record.sla.since,
          priority: record.sla.priority,
          policy,
          now,
          closedAt: record.sla.stoppedAt,
        })
      : null,
    emergencyId: row.emergencyId,
    openTests: openTests(tests).length,
    alerts: [
      ...(record.status === "HALTED" && record.halt?.automaticRule
        ? [`Halted automatically. ${record.halt.automaticRule}`]
        : []),
      ...testAlerts(tests, record.deploymentStartedAt).map(
        (a) => `${a.scope === "CORE" ? "Core" : "Full-suite"} test "${a.name}" failed after deployment started`,
      ),
    ],
    openedAt: row.openedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Columns the board filters on, copied from the record (also for halts.service's automatic halts). */
export const caseColumnsOf = (record: UpdateCase) => ({
  status: record.status,
  phase: phaseOfState[record.status],
  priority: priorityInForce(record),
  slaSince: record.sla ? new Date(record.sla.since) : null,
  slaStoppedAt: record.sla?.stoppedAt ? new Date(record.sla.stoppedAt) : null,
  record: jsonSafe(record) as Prisma.InputJsonValue,
});

export function createCasesService(db: Db) {
  /** A grant counts on a case only within the emergency the case belongs to. */
  async function grantOf(actor: Actor, now: Date, row: { emergencyId: string | null }) {
    if (!actor.userId) return null;
    return authorityRepository.activeGrantFor(db, actor.userId, now, { emergencyId: row.emergencyId });
  }

  async function caseOrThrow(tx: DbClient, id: string) {
    const row = await repo.find(tx, id);
    if (!row) throw new AppError("NOT_FOUND", "No such case.");
    return row;
  }

  /**
   * The program and advertisement the case's release uses (halt / resume act on them), through
   * the same code as every other halt (halts.service): a halt stops every advertisement of the
   * program and records the halt; a resume lifts it, and the program runs again only when no other
   * halt on it stands — then the returned note says why it stays disabled.
   */
  async function applyProgramEffect(
    tx: DbClient,
    actor: Actor,
    row: CaseRow,
    record: UpdateCase,
    action: CaseActionInput,
    effect: Extract<CaseEffect, { type: "DISABLE_PROGRAM" | "ENABLE_PROGRAM" }>,
    now: Date,
  ): Promise<string | null> {
    if (!record.advertisementId) return null;
    const ad = await repo.findAdvertisement(tx, row.fleetId, record.advertisementId);
    if (!ad) return null;
    if (effect.type === "DISABLE_PROGRAM") {
      await haltForCase(tx, actor, {
        fleetId: row.fleetId,
        caseId: row.id,
        advertisementId: record.advertisementId,
        alsoDisableAdvertisement: effect.alsoDisableAdvertisement,
        reason: record.halt?.reason ?? (action.type === "halt" ? action.reason : "halted"),
        automaticRule: record.halt?.automaticRule ?? null,
        now,
      });
      return null;
    }
    const { note } = await resumeForCase(tx, actor, {
      fleetId: row.fleetId,
      caseId: row.id,
      advertisementId: record.advertisementId,
      reason: action.type === "resume" ? action.reason : "resumed",
      now,
    });
    return note;
  }

  /** Compliance of the release's targets with DONE out-of-band machine tasks folded in (gate G6). */
  async function complianceFor(row: CaseRow, record: UpdateCase) {
    if (!record.advertisementId) return null;
    const ad = await repo.findAdvertisement(db, row.fleetId, record.advertisementId);
    if (!ad) return null;
    const [targets, succeeded, tasks] = await Promise.all([
      fleetRepository.memberResourceIds(db, row.fleetId, ad.collectionId, ad.includeSubCollection),
      repo.succeededResourceIds(db, row.fleetId, record.advertisementId),
      repo.oobTasksForCase(db, row.id),
    ]);
    const parsed = tasks.map((t) => OutOfBandTaskSchema.parse(t.record));
    // Infrastructure servers the checklist took out of the collection are still in scope: they
    // are patched by hand, and count once their manual task is DONE.
    const excluded = parsed
      .filter((t) => t.kind === "INFRA_SERVER_MANUAL" && t.targetRef.type === "COMPUTER")
      .map((t) => Number(t.targetRef.id));
    const coverage = coverageWithOob({
      targetResourceIds: [...targets, ...excluded],
      compliantResourceIds: succeeded,
      tasks: parsed,
    });
    return { compliancePct: coverage.targets === 0 ? 0 : (coverage.covered / coverage.targets) * 100 };
  }

  return {
    async list(q: ListCasesQuery & { fleet?: string }) {
      const scope = await resolveFleet(db, q.fleet ?? "production");
      const [{ items, total }, policy] = await Promise.all([
        repo.page(db, { ...q, fleetId: scope.fleetId }),
        loadPolicy(db),
      ]);
      const now = new Date();
      return { items: items.map((r) => caseSummary(r, policy, now)), page: q.page, pageSize: q.pageSize, total };
    },

    async detail(actor: Actor, id: string): Promise<CaseDetail> {
      const row = await caseOrThrow(db, id);
      const now = new Date();
      const [policy, grant, timeline] = await Promise.all([
        loadPolicy(db),
        grantOf(actor, now, row),
        timelineRepository.listForCase(db, id),
      ]);
      const record = UpdateCaseSchema.parse(row.record);
      const update = SoftwareUpdateSchema.parse(row.update.record);
      const tests = testsOf(row);
      const rationale = record.priorityConfirmation?.rationale;
      return {
        ...caseSummary(row, policy, now),
        record,
        update: toUpdateRecord(row.update),
        tests,
        availableActions: actor.role
          ? availableCaseActions(record, actor.role, grant !== null, { tests, policy, update })
          : [],
        suggestion: suggestPriority({
          vendorSeverity: update.vendorSeverity,
          exploitedInTheWild: rationale?.exploitedInTheWild ?? false,
          criticalAssetsExposed: saysSomething(rationale?.assetsExposed),
          mitigationInPlace: saysSomething(rationale?.mitigations),
        }),
        timeline: timeline.map(toTimelineEntry),
      };
    },

    /** Opens a case for an update (Identify). One open case per update and fleet. */
    async open(actor: Actor, body: OpenCaseBody): Promise<CaseDetail> {
      const scope = await resolveFleet(db, body.fleet);
      const id = await writeTransaction(db, async (tx) => {
        const update = await updatesRepository.find(tx, body.updateId);
        if (!update)
          throw new AppError("VALIDATION_FAILED", "No such software update.", {
            details: [{ path: "body.updateId", message: "no such update" }],
          });
        if (await repo.findOpenForUpdate(tx, scope.fleetId, body.updateId)) {
          throw new AppError("CONFLICT", `${update.kbNumber} already has an open case.`, {
            details: [{ path: "body.updateId", message: "has an open case" }],
          });
        }
        const record = newUpdateCase();
        const row = await repo.create(tx, {
          fleetId: scope.fleetId,
          updateId: body.updateId,
          ...caseColumnsOf(record),
        });
        await recordTimeline(
          tx,
          actor,
          scope.fleetId,
          [
            {
              type: "NOTE",
              at: new Date().toISOString(),
              actorId: actor.userId,
              caseId: row.id,
              summary: `Case opened for ${update.kbNumber}${update.bulletinId ? ` (${update.bulletinId})` : ""}`,
              payload: { text: `Case opened for ${update.kbNumber}` },
            },
          ],
          { caseId: row.id },
        );
        await recordAudit(tx, actor, {
          action: "case.open",
          entityType: "case",
          entityId: row.id,
          after: { update: update.kbNumber, status: record.status },
        });
        return row.id;
      });
      return this.detail(actor, id);
    },

    /**
     * Runs one action of the case state machine (domain `transitionCase`). A refused action
     * changes nothing and answers 409 / 403 / 400 with the reason naming the unmet gate.
     */
    async act(actor: Actor, id: string, version: number, action: CaseActionInput): Promise<CaseDetail> {
      if (!actor.role || !actor.userId) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      if (action.type === "halt" && action.automaticRule !== undefined) {
        throw new AppError("VALIDATION_FAILED", "automaticRule is set by an automatic halt rule, never by a person.", {
          details: [{ path: "body.automaticRule", message: "must not be sent" }],
        });
      }
      const now = new Date();
      const row = await caseOrThrow(db, id);
      if (row.version !== version) throw staleVersion("case");
      const record = UpdateCaseSchema.parse(row.record);
      const grant = await grantOf(actor, now, row);
      const tests = testsOf(row);
      const update = SoftwareUpdateSchema.parse(row.update.record);
      const policy = await loadPolicy(db);
      let advertisement = null;
      if (action.type === "startDeployment") {
        const ad = await repo.findAdvertisement(db, row.fleetId, action.advertisementId);
        if (!ad)
          throw new AppError("VALIDATION_FAILED", `No advertisement ${action.advertisementId}.`, {
            details: [{ path: "body.advertisementId", message: "no such advertisement" }],
          });
        advertisement = {
          advertFlags: Number(ad.advertFlags),
          remoteClientFlags: Number(ad.remoteClientFlags),
          assignedSchedule: ad.assignedSchedule as unknown[],
          assignedScheduleEnabled: ad.assignedScheduleEnabled,
        };
      }
      const compliance = action.type === "markDeployed" ? await complianceFor(row, record) : null;
      const result = transitionCase(record, action, {
        now,
        actor: { userId: actor.userId, role: actor.role, hasActiveGrant: grant !== null },
        tests,
        advertisement,
        compliance,
        update,
        policy,
      });
      if (!result.ok) {
        throw new AppError(
          STATUS_OF_REFUSAL[result.code],
          result.reason,
          result.code === "VALIDATION_FAILED" ? { details: [{ path: "body", message: result.reason }] } : {},
        );
      }
      // Acting only thanks to a grant marks the change (audit and timeline) as done under it: the
      // same action without the grant would have been refused for want of authority.
      const withoutGrant =
        grant === null
          ? result
          : transitionCase(record, action, {
              now,
              actor: { userId: actor.userId, role: actor.role, hasActiveGrant: false },
              tests,
              advertisement,
              compliance,
              update,
              policy,
            });
      const underGrant = grant !== null && !withoutGrant.ok && withoutGrant.code === "FORBIDDEN";
      const acting: Actor = underGrant ? { ...actor, authorityGrantId: grant.id } : actor;

      await writeTransaction(db, async (tx) => {
        if (action.type === "resume" || action.type === "abandonRollback") {
          // In the transaction, so a rollback opened meanwhile is seen. Resuming would re-enable the
          // program a rollback is removing the update behind; an open rollback moves the case itself.
          const rollback = await rollbacksRepository.findOpenForCase(tx, id);
          if (rollback)
            throw new AppError(
              "CONFLICT",
              action.type === "resume"
                ? `A rollback of this update is open (rollback ${rollback.id}): cancel it before resuming the deployment.`
                : `A rollback of this update is open (rollback ${rollback.id}): cancel it, or mark it not feasible, and the case follows.`,
            );
        }
        if (!(await repo.updateIfVersion(tx, id, version, caseColumnsOf(result.next)))) throw staleVersion("case");
        const events: TimelineEventInput[] = [];
        for (const effect of result.effects) {
          if (effect.type === "TIMELINE") events.push(effect.event);
          else if (effect.type === "DISABLE_PROGRAM" || effect.type === "ENABLE_PROGRAM") {
            const note = await applyProgramEffect(tx, acting, row, result.next, action, effect, now);
            if (note)
              events.push({
                type: "NOTE",
                at: now.toISOString(),
                actorId: null,
                caseId: id,
                summary: note,
                payload: { text: note },
              });
          } else if (effect.type === "PAGE_ERT") {
            events.push({
              type: "NOTE",
              at: now.toISOString(),
              actorId: actor.userId,
              caseId: id,
              summary: `ERT paged: ${effect.reason}`,
              payload: { text: effect.reason },
            });
          }
        }
        await recordTimeline(tx, acting, row.fleetId, events, { caseId: id, emergencyId: row.emergencyId });
        await recordAudit(tx, acting, {
          action: `case.${action.type}`,
          entityType: "case",
          entityId: id,
          before: { status: record.status, priority: priorityInForce(record) },
          after: {
            status: result.next.status,
            priority: priorityInForce(result.next),
            action: jsonSafe(action),
            warnings: result.warnings,
          },
        });
      });
      return this.detail(actor, id);
    },

    async addTest(actor: Actor, id: string, body: CreateAcceptanceTestBody): Promise<CaseDetail> {
      await writeTransaction(db, async (tx) => {
        const row = await caseOrThrow(tx, id);
        const t = await repo.createTest(tx, { caseId: id, name: body.name, scope: body.scope });
        await recordAudit(tx, actor, {
          action: "acceptance_test.create",
          entityType: "acceptance_test",
          entityId: t.id,
          after: { caseId: row.id, ...body },
        });
      });
      return this.detail(actor, id);
    },

    async recordTestResult(
      actor: Actor,
      id: string,
      testId: string,
      version: number,
      body: RecordTestResultBody,
    ): Promise<CaseDetail> {
      const now = new Date();
      await writeTransaction(db, async (tx) => {
        const row = await caseOrThrow(tx, id);
        const test = await repo.findTest(tx, id, testId);
        if (!test) throw new AppError("NOT_FOUND", "No such acceptance test on this case.");
        if (test.version !== version) throw staleVersion("acceptance test");
        if (body.result === "SKIPPED" && test.scope === "CORE") {
          throw new AppError(
            "VALIDATION_FAILED",
            "Core-functionality tests cannot be skipped: they gate the release.",
            { details: [{ path: "body.result", message: "core tests cannot be skipped" }] },
          );
        }
        const executedAt = body.executedAt ? new Date(body.executedAt) : now;
        if (executedAt < test.createdAt || executedAt.getTime() > now.getTime() + 60_000) {
          throw new AppError(
            "VALIDATION_FAILED",
            "A test result's time must lie between when the test was added and now.",
            { details: [{ path: "body.executedAt", message: "outside the test's lifetime" }] },
          );
        }
        if (
          !(await repo.updateTestIfVersion(tx, testId, version, {
            result: body.result,
            executedAt,
            executedBy: actor.username,
            notes: body.notes ?? null,
            skipReason: body.skipReason ?? null,
          }))
        )
          throw staleVersion("acceptance test");
        const record = UpdateCaseSchema.parse(row.record);
        const events: TimelineEventInput[] = [
          {
            type: "TEST_RECORDED",
            at: now.toISOString(),
            actorId: actor.userId,
            caseId: id,
            summary: `Test "${test.name}" ${body.result.toLowerCase()}`,
            payload: { testId, name: test.name, scope: test.scope as "CORE" | "FULL", result: body.result },
          },
        ];
        if (
          body.result === "FAILED" &&
          record.deploymentStartedAt &&
          executedAt >= new Date(record.deploymentStartedAt)
        ) {
          events.push({
            type: "TEST_ALERT",
            at: now.toISOString(),
            actorId: null,
            caseId: id,
            summary: `ALERT: test "${test.name}" failed during deployment`,
            payload: {
              testId,
              name: test.name,
              scope: test.scope as "CORE" | "FULL",
              severity: test.scope === "CORE" ? "CRITICAL" : "WARNING",
            },
          });
        }
        await recordTimeline(tx, actor, row.fleetId, events, { caseId: id, emergencyId: row.emergencyId });
        await recordAudit(tx, actor, {
          action: "acceptance_test.record",
          entityType: "acceptance_test",
          entityId: testId,
          before: { result: test.result },
          after: { result: body.result, notes: body.notes ?? null },
        });
      });
      return this.detail(actor, id);
    },
  };
}
export type CasesService = ReturnType<typeof createCasesService>;
