import { randomUUID } from "node:crypto";
import {
  AppError,
  EmergencySchema,
  UpdateCaseSchema,
  canProcess,
  checklistTimelineEvents,
  checklistToApply,
  oobTaskKindLabels,
  planEmergencyChecklist,
  slaClock,
  type AddressSchedule,
  type ApplyEmergencyChecklistBody,
  type ChecklistApplyResult,
  type ChecklistChange,
  type ChecklistInput,
  type ChecklistItemKey,
  type ChecklistPlan,
  type ChecklistPreview,
  type ChecklistPreviewQuery,
  type ChecklistQuery,
  type OobTaskKind,
  type OutOfBandTask,
  type PlannedOobTask,
  type RateLimitSpec,
  type TimelineEventInput,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { casesRepository, type CaseRow } from "../cases/cases.repository.js";
import {
  distributionRepository,
  type AdvertisementRow,
  type PackageRow,
} from "../distribution/distribution.repository.js";
import { toAdvertisement } from "../distribution/distribution.service.js";
import { fleetRepository, type SenderAddressRow } from "../fleet/fleet.repository.js";
import { toSenderAddress } from "../fleet/fleet.service.js";
import { oobRepository } from "../oob/oob.repository.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import { emergenciesRepository, type EmergencyRow } from "./emergencies.repository.js";
import { checklistRepository } from "./emergency-checklist.repository.js";
import { actingAs, emergencyOrThrow, grantInForce, signedIn } from "./emergencies.service.js";

/**
 * The emergency checklist of one case's release (domain `planEmergencyChecklist`), planned on the
 * fleet's real data, previewed, then applied in one transaction.
 *
 * Applying is idempotent: the plan is made from the current state, so an advertisement already
 * mandatory over slow links, servers already excluded and addresses already open produce no
 * change; planned tasks the case already has (any state) are left out, and a SENDER_RESTORE is
 * left out while the address has an open one. When nothing is left, nothing is written.
 *
 * Courier Sender: SMS has one preferred sender per package. Each site that needs a parcel gets a
 * COURIER_PARCEL task (the parcel is made for that site in the Courier Sender Manager); the
 * package's preferred sender becomes COURIER only when every target site fed from another site
 * needs a parcel — otherwise it would also send the package by parcel to sites the network
 * reaches in time.
 */

interface ChecklistContext {
  emergency: EmergencyRow;
  caseRow: CaseRow;
  ad: AdvertisementRow;
  pkg: PackageRow;
  addresses: SenderAddressRow[];
  /** Resource IDs in the target collection now. */
  memberIds: Set<number>;
  deadline: Date;
  deadlineSource: "SLA_TARGET" | "REQUEST";
  input: Omit<ChecklistInput, "now" | "declined">;
}

interface Work {
  changes: ChecklistChange[];
  courier: boolean;
  tasks: PlannedOobTask[];
  tasksAlreadyThere: number;
}

const taskKey = (kind: string, type: string, id: string) => `${kind}|${type}|${id}`;
const nothingLeft = (w: Work) => w.changes.length === 0 && w.tasks.length === 0 && !w.courier;

function countByKind(tasks: readonly { kind: OobTaskKind }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.kind] = (out[t.kind] ?? 0) + 1;
  return out;
}

export function createEmergencyChecklistService(db: Db) {
  async function loadContext(
    emergencyId: string,
    q: ChecklistQuery,
    now: Date,
    where: "query" | "body",
  ): Promise<ChecklistContext> {
    const emergency = await emergencyOrThrow(db, emergencyId);
    const record = EmergencySchema.parse(emergency.record);
    const caseRow = await casesRepository.find(db, q.caseId);
    // A case of another fleet never belongs here: a drill's checklist changes only its sandbox (decision 007).
    if (
      !caseRow ||
      !record.caseIds.includes(q.caseId) ||
      caseRow.emergencyId !== emergencyId ||
      caseRow.fleetId !== emergency.fleetId
    ) {
      throw new AppError("VALIDATION_FAILED", "That case is not part of this emergency.", {
        details: [{ path: `${where}.caseId`, message: "not a case of this emergency" }],
      });
    }
    const fleetId = caseRow.fleetId;
    const c = UpdateCaseSchema.parse(caseRow.record);

    // The checklist acts on the case's own release: without a package there is nothing of its own to change.
    if (!c.packageId)
      throw new AppError(
        "ILLEGAL_TRANSITION",
        "The case has no package yet: build the release (Evaluate & Plan) before planning the emergency checklist.",
      );
    let advertisementId = q.advertisementId ?? c.advertisementId;
    if (!advertisementId) {
      if (!c.packageId)
        throw new AppError(
          "ILLEGAL_TRANSITION",
          "The case has no package yet: build the release (Evaluate & Plan) before planning the emergency checklist.",
        );
      const ids = await checklistRepository.advertisementIdsForPackage(db, fleetId, c.packageId);
      if (ids.length === 0)
        throw new AppError(
          "ILLEGAL_TRANSITION",
          `Package ${c.packageId} has no advertisement yet: create the advertisement, then plan the checklist.`,
        );
      if (ids.length > 1)
        throw new AppError(
          "VALIDATION_FAILED",
          `Package ${c.packageId} has several advertisements (${ids.join(", ")}): choose one with advertisementId.`,
          { details: [{ path: `${where}.advertisementId`, message: "choose an advertisement" }] },
        );
      advertisementId = ids[0]!;
    }
    const ad = await distributionRepository.findAdvertisement(db, fleetId, advertisementId);
    if (!ad)
      throw new AppError("VALIDATION_FAILED", `No advertisement ${advertisementId}.`, {
        details: [{ path: `${where}.advertisementId`, message: "no such advertisement" }],
      });
    const packageId = ad.program.package.packageId;
    if (c.packageId && c.packageId !== packageId)
      throw new AppError(
        "VALIDATION_FAILED",
        `Advertisement ${advertisementId} runs package ${packageId}, not the case's package ${c.packageId}.`,
        { details: [{ path: `${where}.advertisementId`, message: "advertises another package" }] },
      );
    const pkg = await distributionRepository.findPackage(db, fleetId, packageId);
    if (!pkg) throw new AppError("NOT_FOUND", `No package ${packageId}.`);

    let deadline: Date;
    let deadlineSource: ChecklistContext["deadlineSource"];
    if (q.deadline) {
      deadline = new Date(q.deadline);
      deadlineSource = "REQUEST";
    } else {
      if (!c.sla)
        throw new AppError("VALIDATION_FAILED", "The case has no SLA clock yet: give the deadline.", {
          details: [{ path: `${where}.deadline`, message: "required while the case has no SLA clock" }],
        });
      const clock = slaClock({
        prioritySetAt: c.sla.since,
        priority: c.sla.priority,
        policy: await loadPolicy(db),
        now,
        closedAt: c.sla.stoppedAt,
      });
      deadline = new Date(clock.targetAt);
      deadlineSource = "SLA_TARGET";
    }

    const [sites, addresses, members, taskKeys] = await Promise.all([
      fleetRepository.listSites(db, fleetId),
      fleetRepository.listAddresses(db, fleetId),
      checklistRepository.targetComputers(db, fleetId, ad.collectionId, ad.includeSubCollection),
      oobRepository.keysForCase(db, caseRow.id),
    ]);
    // Servers an earlier apply excluded stay in scope (their manual task covers them), so the plan
    // and its numbers do not change once applied.
    const memberIds = new Set(members.map((m) => m.resourceId));
    const excludedBefore = taskKeys
      .filter((k) => k.kind === "INFRA_SERVER_MANUAL" && k.targetType === "COMPUTER")
      .map((k) => Number(k.targetKey))
      .filter((rid) => Number.isInteger(rid) && !memberIds.has(rid));
    const excluded = (await checklistRepository.computersByResourceIds(db, fleetId, excludedBefore)).map((c) => ({
      ...c,
      isPatchInfrastructure: true,
    }));
    const computers = [...members, ...excluded];
    return {
      emergency,
      caseRow,
      ad,
      pkg,
      addresses,
      memberIds,
      deadline,
      deadlineSource,
      input: {
        advertisement: {
          advertisementId: ad.advertisementId,
          collectionId: ad.collectionId,
          advertFlags: Number(ad.advertFlags),
          remoteClientFlags: Number(ad.remoteClientFlags),
          assignedSchedule: ad.assignedSchedule as unknown[],
          assignedScheduleEnabled: ad.assignedScheduleEnabled,
        },
        program: { programName: ad.program.programName, programFlags: Number(ad.program.programFlags) },
        package: {
          packageId: pkg.packageId,
          sizeKB: pkg.sizeKB,
          sendingPriority: pkg.sendingPriority,
          preferredSender: pkg.preferredSender,
          ignoreAddressSchedule: pkg.ignoreAddressSchedule,
          sourceSite: pkg.sourceSite,
        },
        sites: sites.map((s) => ({
          siteCode: s.siteCode,
          parentSiteCode: s.parentSiteCode,
          name: s.name,
          utcOffsetMinutes: s.utcOffsetMinutes,
        })),
        addresses: addresses.map((a) => ({
          addressId: a.addressId,
          siteCode: a.siteCode,
          destSiteCode: a.destSiteCode,
          addressType: a.addressType,
          priorityOrder: a.priorityOrder,
          usageSchedule: a.usageSchedule as unknown as AddressSchedule,
          rateLimit: a.rateLimit as unknown as RateLimitSpec,
          bandwidthKbps: a.bandwidthKbps,
        })),
        computers,
        deadline,
      },
    };
  }

  const plan = (ctx: ChecklistContext, declined: readonly ChecklistItemKey[], now: Date): ChecklistPlan =>
    planEmergencyChecklist({ ...ctx.input, now, declined });

  /** What applying `p` would still do: the plan minus the tasks that exist already. */
  async function workLeft(c: DbClient, ctx: ChecklistContext, p: ChecklistPlan): Promise<Work> {
    const { changes, tasks } = checklistToApply(p);
    const [existing, openRestores] = await Promise.all([
      oobRepository.keysForCase(c, ctx.caseRow.id),
      oobRepository.addressesWithOpenRestore(c, ctx.caseRow.fleetId),
    ]);
    const have = new Set(existing.map((t) => taskKey(t.kind, t.targetType, t.targetKey)));
    const newTasks = tasks.filter((t) =>
      t.kind === "SENDER_RESTORE"
        ? !openRestores.has(t.targetRef.id)
        : !have.has(taskKey(t.kind, t.targetRef.type, t.targetRef.id)),
    );
    const newParcelSites = new Set(newTasks.filter((t) => t.kind === "COURIER_PARCEL").map((t) => t.targetRef.id));
    const remoteTargets = p.sites.filter((s) => s.isTarget && s.via !== "SOURCE").map((s) => s.siteCode);
    const courierSites = new Set(p.summary.courierSites);
    const courier =
      ctx.pkg.preferredSender !== "COURIER" && courierSites.size > 0 && remoteTargets.every((s) => courierSites.has(s));
    const left: ChecklistChange[] = [];
    for (const ch of changes) {
      if (ch.entity === "COLLECTION") {
        // Only servers still in the collection are left to exclude.
        const ids = (ch.after.excludedResourceIds as number[]).filter((rid) => ctx.memberIds.has(rid));
        if (ids.length === 0) continue;
        left.push({
          ...ch,
          after: { ...ch.after, excludedResourceIds: ids },
          summary: `Exclude ${ids.length} patch-infrastructure ${ids.length === 1 ? "server" : "servers"} from collection ${ch.id}.`,
        });
      } else if (ch.entity === "PACKAGE_SITE_DELIVERY") {
        // A site delivery is carried out as the site's parcel task.
        if (newParcelSites.has(ch.id.slice(ch.id.lastIndexOf("@") + 1))) left.push(ch);
      } else {
        // Advertisement and address changes are planned from the current state: present only when
        // something is left to change.
        left.push(ch);
      }
    }
    return {
      changes: left,
      courier,
      tasks: newTasks,
      tasksAlreadyThere: tasks.length - newTasks.length,
    };
  }

  async function applyChange(
    tx: DbClient,
    acting: Actor,
    ctx: ChecklistContext,
    change: ChecklistChange,
    events: TimelineEventInput[],
    now: Date,
  ): Promise<void> {
    const fleetId = ctx.caseRow.fleetId;
    const refs = { caseId: ctx.caseRow.id, emergencyId: ctx.emergency.id };
    const changed = (entity: string) =>
      new AppError(
        "PRECONDITION_FAILED",
        `${entity} was changed by someone else while the checklist was applied. Reload the preview and apply again.`,
      );
    if (change.entity === "ADVERTISEMENT") {
      const after = await distributionRepository.updateAdvertisementIfVersion(tx, ctx.ad.id, ctx.ad.version, {
        advertFlags: BigInt(Number(change.after.advertFlags) >>> 0),
        remoteClientFlags: BigInt(Number(change.after.remoteClientFlags) >>> 0),
      });
      if (!after) throw changed(`Advertisement ${ctx.ad.advertisementId}`);
      await recordAudit(tx, acting, {
        action: "advertisement.emergency_checklist",
        entityType: "advertisement",
        entityId: ctx.ad.advertisementId,
        before: toAdvertisement(ctx.ad),
        after: toAdvertisement(after),
      });
      events.push({
        type: "ADVERTISEMENT_CHANGED",
        at: now.toISOString(),
        actorId: acting.userId,
        ...refs,
        summary: change.summary,
        payload: { advertisementId: ctx.ad.advertisementId, before: change.before, after: change.after },
      });
      return;
    }
    if (change.entity === "COLLECTION") {
      const excluded = new Set((change.after.excludedResourceIds as number[]).map(Number));
      const tree = await checklistRepository.collectionTree(
        tx,
        fleetId,
        ctx.ad.collectionId,
        ctx.ad.includeSubCollection,
      );
      const removed = await checklistRepository.removeMembers(
        tx,
        fleetId,
        tree.map((t) => t.id),
        [...excluded],
      );
      const touched: { collectionId: string; removed: number[]; memberCount: number }[] = [];
      for (const col of tree) {
        const gone = removed.filter((r) => r.collectionRowId === col.id).map((r) => r.resourceId);
        const rules = (col.rules as { type: string; resourceId?: number }[]) ?? [];
        // A direct rule for an excluded server would bring it back when membership is rebuilt from the rules.
        const kept = rules.filter((r) => !(r.type === "DIRECT" && excluded.has(Number(r.resourceId))));
        if (gone.length === 0 && kept.length === rules.length) continue;
        const after = await checklistRepository.updateCollectionAfterExclusion(
          tx,
          col.id,
          gone.length,
          jsonSafe(kept) as Prisma.InputJsonValue,
        );
        touched.push({
          collectionId: col.collectionId,
          removed: gone.sort((a, b) => a - b),
          memberCount: after.memberCount,
        });
      }
      await recordAudit(tx, acting, {
        action: "collection.exclude_members",
        entityType: "collection",
        entityId: ctx.ad.collectionId,
        before: { excludedResourceIds: [] },
        after: { excludedResourceIds: [...excluded].sort((a, b) => a - b), collections: touched, ...refs },
      });
      return;
    }
    if (change.entity === "SENDER_ADDRESS") {
      const before = ctx.addresses.find((a) => a.addressId === change.id);
      if (!before) throw changed(`Sender address ${change.id}`);
      const planned = change.after as { usageSchedule: unknown; rateLimit: unknown; savedBaseline: unknown };
      // An address relaxed before (and since edited) keeps its first saved settings: those are the real baseline.
      const savedBaseline = before.savedBaseline ?? planned.savedBaseline;
      const after = await fleetRepository.updateAddressIfVersion(tx, before.id, before.version, {
        usageSchedule: planned.usageSchedule as Prisma.InputJsonValue,
        rateLimit: planned.rateLimit as Prisma.InputJsonValue,
        savedBaseline: savedBaseline as Prisma.InputJsonValue,
      });
      if (!after) throw changed(`Sender address ${change.id}`);
      await recordAudit(tx, acting, {
        action: "sender_address.relax",
        entityType: "sender_address",
        entityId: change.id,
        before: toSenderAddress(before),
        after: { ...toSenderAddress(after), savedBaseline },
      });
      events.push({
        type: "SENDER_ADDRESS_CHANGED",
        at: now.toISOString(),
        actorId: acting.userId,
        ...refs,
        summary: change.summary,
        payload: { addressId: change.id, before: change.before, after: { ...planned, savedBaseline } },
      });
    }
    // PACKAGE_SITE_DELIVERY: carried out as the site's COURIER_PARCEL task (and the package's sender, below).
  }

  return {
    /** The plan on the case's real data, and what applying it now would still do. */
    async preview(id: string, q: ChecklistPreviewQuery): Promise<ChecklistPreview> {
      const now = new Date();
      const ctx = await loadContext(id, q, now, "query");
      const p = plan(ctx, q.declined, now);
      const work = await workLeft(db, ctx, p);
      return {
        emergencyId: ctx.emergency.id,
        emergencyVersion: ctx.emergency.version,
        caseId: ctx.caseRow.id,
        advertisementId: ctx.ad.advertisementId,
        packageId: ctx.pkg.packageId,
        collectionId: ctx.ad.collectionId,
        deadline: ctx.deadline.toISOString(),
        deadlineSource: ctx.deadlineSource,
        plannedAt: now.toISOString(),
        plan: p,
        toApply: {
          changes: work.changes,
          packagePreferredSenderCourier: work.courier,
          tasksByKind: countByKind(work.tasks),
          tasksAlreadyThere: work.tasksAlreadyThere,
          nothingLeft: nothingLeft(work),
        },
      };
    },

    /**
     * Applies every item not declined in one transaction: SMS settings (each audited with before and
     * after), the out-of-band tasks, the checklist_applications row and the timeline. If-Match is
     * the emergency's version, which the apply bumps: two people applying from the same preview
     * cannot both succeed.
     */
    async apply(
      actor: Actor,
      id: string,
      version: number,
      body: ApplyEmergencyChecklistBody,
    ): Promise<ChecklistApplyResult> {
      const who = signedIn(actor);
      const now = new Date();
      const grant = await grantInForce(db, actor, now, { emergencyId: id });
      if (!canProcess(who.role, "applyChecklist", grant !== null))
        throw new AppError(
          "FORBIDDEN",
          "Only the ERT lead, an SMS administrator, or a holder of an active emergency-authority grant can apply the emergency checklist.",
        );
      const acting = actingAs(actor, grant, canProcess(who.role, "applyChecklist", false));
      const emergency = await emergencyOrThrow(db, id);
      if (emergency.version !== version) throw staleVersion("emergency");
      if (emergency.state === "CLOSED")
        throw new AppError("ILLEGAL_TRANSITION", "The emergency is closed: its checklist can no longer be applied.");
      const ctx = await loadContext(id, body, now, "body");
      const p = plan(
        ctx,
        body.declined.map((d) => d.key),
        now,
      );
      const declined = body.declined.map((d) => ({ key: d.key, reason: d.reason }));

      return writeTransaction(
        db,
        async (tx) => {
          const work = await workLeft(tx, ctx, p);
          if (nothingLeft(work)) {
            const current = await emergencyOrThrow(tx, id);
            if (current.version !== version) throw staleVersion("emergency");
            return {
              applied: false,
              message:
                work.tasksAlreadyThere > 0
                  ? `Nothing left to do: every change is in place and all ${work.tasksAlreadyThere} planned tasks exist already.`
                  : "Nothing left to do: every change of the checklist is in place.",
              applicationId: null,
              emergencyVersion: current.version,
              changes: [],
              tasksCreated: {},
              tasksAlreadyThere: work.tasksAlreadyThere,
              declined,
            };
          }
          if (!(await emergenciesRepository.updateIfVersion(tx, id, version))) throw staleVersion("emergency");
          const refs = { caseId: ctx.caseRow.id, emergencyId: id };
          const events: TimelineEventInput[] = [];
          for (const change of work.changes) await applyChange(tx, acting, ctx, change, events, now);

          if (work.courier) {
            const after = await distributionRepository.updatePackageIfVersion(tx, ctx.pkg.id, ctx.pkg.version, {
              preferredSender: "COURIER",
            });
            if (!after)
              throw new AppError(
                "PRECONDITION_FAILED",
                `Package ${ctx.pkg.packageId} was changed by someone else while the checklist was applied. Reload the preview and apply again.`,
              );
            await recordAudit(tx, acting, {
              action: "package.emergency_checklist",
              entityType: "package",
              entityId: ctx.pkg.packageId,
              before: { preferredSender: ctx.pkg.preferredSender },
              after: { preferredSender: "COURIER", courierSites: p.summary.courierSites, ...refs },
            });
          }

          const baselineOf = new Map(ctx.addresses.map((a) => [a.addressId, a.savedBaseline]));
          const rows = work.tasks.map((t) => {
            const record: OutOfBandTask = {
              kind: t.kind,
              targetRef: t.targetRef,
              method: t.method,
              ownerId: null,
              state: "OPEN",
              dueAt: t.dueAt,
              reason: t.reason,
              evidence: null,
              outcomeNote: null,
              ...(t.kind === "SENDER_RESTORE"
                ? { savedBaseline: baselineOf.get(t.targetRef.id) ?? t.savedBaseline }
                : {}),
            };
            return {
              id: randomUUID(),
              fleetId: ctx.caseRow.fleetId,
              caseId: ctx.caseRow.id,
              emergencyId: id,
              kind: t.kind,
              state: "OPEN",
              method: t.method,
              targetType: t.targetRef.type,
              targetKey: t.targetRef.id,
              dueAt: t.dueAt ? new Date(t.dueAt) : null,
              record: jsonSafe(record),
            };
          });
          await oobRepository.insertMany(tx, rows);
          // One audit entry and one timeline event per kind: a checklist can create thousands of tasks.
          const kinds = [...new Set(work.tasks.map((t) => t.kind))];
          for (const kind of kinds) {
            const ofKind = rows.filter((r) => r.kind === kind);
            await recordAudit(tx, acting, {
              action: "oob_task.create",
              entityType: "oob_task",
              entityId: ofKind.length === 1 ? ofKind[0]!.id : null,
              after: {
                ...refs,
                kind,
                tasks: ofKind.map((r) => ({ id: r.id, targetType: r.targetType, targetId: r.targetKey })),
              },
            });
            const first = work.tasks.find((t) => t.kind === kind)!;
            events.push({
              type: "OOB_TASK_CREATED",
              at: now.toISOString(),
              actorId: who.userId,
              ...refs,
              summary:
                ofKind.length === 1
                  ? `Out-of-band task: ${oobTaskKindLabels[kind]} — ${first.targetRef.label ?? first.targetRef.id}`
                  : `${ofKind.length} out-of-band tasks: ${oobTaskKindLabels[kind]}`,
              payload: {
                ...(ofKind.length === 1 ? { taskId: ofKind[0]!.id } : {}),
                kind,
                targetId: ofKind.length === 1 ? first.targetRef.id : `${ofKind.length} targets`,
              },
            });
          }

          const application = await emergenciesRepository.createChecklistApplication(tx, {
            emergencyId: id,
            caseId: ctx.caseRow.id,
            appliedBy: actor.username,
            appliedAt: now,
            plan: jsonSafe({
              advertisementId: ctx.ad.advertisementId,
              packageId: ctx.pkg.packageId,
              collectionId: ctx.ad.collectionId,
              deadline: ctx.deadline.toISOString(),
              deadlineSource: ctx.deadlineSource,
              underAuthorityGrantId: acting.authorityGrantId ?? null,
              // Each planned task is a row of its own (ids below); the plan keeps their count.
              plan: { ...p, items: p.items.map(({ tasks, ...item }) => ({ ...item, taskCount: tasks.length })) },
              applied: {
                changes: work.changes.map((c) => ({ entity: c.entity, id: c.id, summary: c.summary })),
                packagePreferredSenderCourier: work.courier,
                taskIds: rows.map((r) => r.id),
                tasksAlreadyThere: work.tasksAlreadyThere,
              },
            }) as Prisma.InputJsonValue,
            declined: jsonSafe(declined) as Prisma.InputJsonValue,
          });
          await recordAudit(tx, acting, {
            action: "emergency.apply_checklist",
            entityType: "emergency",
            entityId: id,
            after: {
              applicationId: application.id,
              caseId: ctx.caseRow.id,
              advertisementId: ctx.ad.advertisementId,
              deadline: ctx.deadline.toISOString(),
              changes: work.changes.map((c) => ({ entity: c.entity, id: c.id })),
              tasksCreated: countByKind(work.tasks),
              declined,
            },
          });
          events.push(...checklistTimelineEvents(p, declined, now, who.userId).map((e) => ({ ...e, ...refs })));
          await recordTimeline(tx, acting, ctx.caseRow.fleetId, events, refs);

          const n = work.changes.length + (work.courier ? 1 : 0);
          return {
            applied: true,
            message: `Checklist applied: ${n} ${n === 1 ? "change" : "changes"}, ${rows.length} out-of-band ${rows.length === 1 ? "task" : "tasks"} created${declined.length ? `, ${declined.length} declined` : ""}.`,
            applicationId: application.id,
            emergencyVersion: version + 1,
            changes: work.changes.map((c) => ({ entity: c.entity, id: c.id, summary: c.summary })),
            tasksCreated: countByKind(work.tasks),
            tasksAlreadyThere: work.tasksAlreadyThere,
            declined,
          };
        },
        { timeout: 120_000, maxWait: 60_000 },
      );
    },
  };
}
export type EmergencyChecklistService = ReturnType<typeof createEmergencyChecklistService>;
