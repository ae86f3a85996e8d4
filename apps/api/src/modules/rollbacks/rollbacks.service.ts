import { randomUUID } from "node:crypto";
import {
  AdvertFlags,
  AppError,
  OutOfBandTaskSchema,
  ProgramFlags,
  RemoteClientFlags,
  RollbackRecordSchema,
  SoftwareUpdateSchema,
  UpdateCaseSchema,
  assessRollback,
  availableRollbackActions,
  caseStateLabels,
  laterOverlappingUpdates,
  oobTaskKindLabels,
  openRollback,
  packageCleanupPlan,
  priorityInForce,
  rollbackAdvertisementFlags,
  rollbackPriorityInForce,
  rollbackPrograms,
  rollbackTargetingCounts,
  rollbackVerification,
  slaClock,
  transitionCase,
  transitionOobTask,
  transitionRollback,
  type CaseActionInput,
  type CatalogUpdate,
  type CleanupPackageInput,
  type ListRollbacksQuery,
  type OpenRollbackBody,
  type OriginalDeployment,
  type OutOfBandTask,
  type PackageCleanupPlan,
  type PriorityPolicy,
  type RollbackActionInput,
  type RollbackContext,
  type RollbackDetail,
  type RollbackEffect,
  type RollbackPrograms,
  type RollbackRecord,
  type RollbackRefusal,
  type RollbackSummary,
  type RollbackTargetingCounts,
  type RollbackVerificationPreview,
  type SoftwareUpdate,
  type TimelineEventInput,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { authorityRepository } from "../authority/authority.repository.js";
import { caseColumnsOf } from "../cases/cases.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { distributionRepository } from "../distribution/distribution.repository.js";
import { toAdvertisement, toProgram } from "../distribution/distribution.service.js";
import { fleetRepository } from "../fleet/fleet.repository.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { haltRelease } from "../halts/halts.service.js";
import { oobRepository, type NewOobTask } from "../oob/oob.repository.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline, toTimelineEntry } from "../timeline/timeline.service.js";
import { toUpdateRecord } from "../updates/updates.service.js";
import { updatesRepository } from "../updates/updates.repository.js";
import { rollbacksRepository as repo, type RollbackRow, type SmsIdKind } from "./rollbacks.repository.js";

/**
 * Rollbacks (product.md C8; domain.md §3.4, §6, §8.3): the pure machine of
 * packages/domain/src/rollback decides, this service loads what it needs, carries out the effects
 * it returns — halting the release (halts.service), cleaning the packages, building the rollback
 * package and programs, the option-B collection and the advertisement, out-of-band tasks for the
 * computers verification finds still holding the update, keeping the update's case in step — and
 * writes the record, the timeline and the audit in one transaction.
 */

/** Cases a rollback keeps in step: their release reached (or was halted on) the fleet. */
const CASE_STATES_IN_STEP = ["DEPLOYING", "DEPLOYED", "HALTED", "ROLLING_BACK"];

function refusalError(r: RollbackRefusal): AppError {
  if (r.code === "VALIDATION_FAILED") {
    const m = /^([\w.]+): ([\s\S]*)$/.exec(r.reason);
    const message = m ? m[2]! : r.reason;
    return new AppError("VALIDATION_FAILED", message, {
      details: [{ path: m ? `body.${m[1]}` : "body", message }],
    });
  }
  return new AppError(r.code, r.reason);
}

const parseUpdate = (record: unknown): SoftwareUpdate => SoftwareUpdateSchema.parse(record);

function slaOf(record: RollbackRecord, policy: PriorityPolicy, now: Date) {
  return record.sla
    ? slaClock({
        prioritySetAt: record.sla.since,
        priority: record.sla.priority,
        policy,
        now,
        closedAt: record.sla.stoppedAt,
      })
    : null;
}

function summaryOf(
  row: RollbackRow,
  update: { kbNumber: string; bulletinId: string | null; title: string },
  policy: PriorityPolicy,
  now: Date,
): RollbackSummary {
  const record = RollbackRecordSchema.parse(row.record);
  return {
    id: row.id,
    version: row.version,
    fleetId: row.fleetId,
    updateId: row.updateId,
    kbNumber: update.kbNumber,
    bulletinId: update.bulletinId,
    title: update.title,
    caseId: row.caseId,
    emergencyId: row.emergencyId,
    status: record.status,
    priority: rollbackPriorityInForce(record),
    priorityConfirmed: record.priorityConfirmation !== null,
    sla: slaOf(record, policy, now),
    targeting: record.deployment?.targeting ?? null,
    advertisementId: record.deployment?.advertisementId ?? null,
    openedAt: row.openedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const columnsOf = (record: RollbackRecord) => ({
  status: record.status,
  priority: rollbackPriorityInForce(record),
  record: jsonSafe(record) as Prisma.InputJsonValue,
});

// ── what the machine reads, loaded with the caller's client (a transaction while acting)

/** Later updates that could be in the removal order: only those released after it or superseding it. */
async function catalogOf(c: DbClient, update: SoftwareUpdate): Promise<CatalogUpdate[]> {
  const rows = await repo.laterCatalog(c, update.kbNumber, new Date(update.releasedAt));
  const out: CatalogUpdate[] = [];
  for (const r of rows) {
    const parsed = SoftwareUpdateSchema.safeParse(r.record);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/**
 * Feasibility with the removal order restricted to later updates of the same product that are
 * installed next to this one on computers of the fleet (compliance evidence).
 */
async function assessmentOf(c: DbClient, fleetId: string, update: SoftwareUpdate) {
  const catalog = await catalogOf(c, update);
  const candidates = laterOverlappingUpdates(update, catalog).map((u) => u.kbNumber);
  const coInstalled = await repo.coInstalledCounts(c, fleetId, update.kbNumber, candidates);
  return assessRollback(update, catalog, { coInstalled });
}

async function cleanupPlanOf(c: DbClient, fleetId: string, kbNumber: string) {
  const rows = await repo.packagesCarrying(c, fleetId, kbNumber);
  const inputs: CleanupPackageInput[] = rows.map((p) => ({
    packageId: p.packageId,
    name: p.name,
    version: p.version,
    sourceVersion: p.sourceVersion,
    kind: p.kind,
    updateIds: p.updateIds,
    advertisements: p.programs.flatMap((pr) =>
      pr.advertisements.map((a) => ({ advertisementId: a.advertisementId, state: a.state })),
    ),
  }));
  return { plan: packageCleanupPlan(inputs, kbNumber), rows };
}

/** Why option A cannot be used: the built package has no check-first program, or the update's rule cannot give one. */
function checkFirstUnavailableOf(record: RollbackRecord, programs: RollbackPrograms | null): string | null {
  if (record.build)
    return record.build.checkFirst
      ? null
      : record.build.checkFirstIssues.join(" ") || "The rollback package has no check-first program.";
  if (programs && !programs.checkFirst && programs.checkFirstIssues.length > 0)
    return programs.checkFirstIssues.join(" ");
  return null;
}

/** Options A and B, counted now in SQL (READY, and at advertising). */
async function targetingOf(
  c: DbClient,
  fleetId: string,
  record: RollbackRecord,
  programs: RollbackPrograms | null,
): Promise<RollbackTargetingCounts> {
  const figures = await repo.targetingFigures(c, fleetId, record.request.kbNumber, record.original);
  return rollbackTargetingCounts({
    kbNumber: record.request.kbNumber,
    original: record.original,
    figures,
    checkFirstUnavailable: checkFirstUnavailableOf(record, programs),
  });
}

/** After advertising, the counts are the snapshot the advertisement targeted (no query). */
function snapshotCountsOf(record: RollbackRecord): RollbackTargetingCounts | null {
  const d = record.deployment;
  if (!d) return null;
  const notChosen = `Not chosen: the rollback was advertised with ${d.targeting === "APPLIED_ONLY" ? "option B" : "option A"}.`;
  const a = d.targeting === "SAME_TARGETS_CHECK_FIRST";
  return {
    sameCollection: {
      available: a,
      ...(a ? {} : { reason: notChosen }),
      collectionId: a ? d.collectionId : (record.original?.collectionId ?? null),
      includeSubCollection: a ? (record.original?.includeSubCollection ?? false) : false,
      targeted: a ? d.targeted : 0,
      withEvidence: a ? d.withEvidence : 0,
      outsideWithEvidence: 0,
    },
    appliedOnly: {
      available: !a,
      ...(!a ? {} : { reason: notChosen }),
      targeted: a ? 0 : d.targeted,
      installed: a ? 0 : d.withEvidence,
      pendingReboot: 0,
    },
  };
}

/** The removal order's later updates, and the targeted computers of each option that still have them. */
async function laterStillInstalledOf(c: DbClient, fleetId: string, record: RollbackRecord) {
  const kbs = record.assessment.removeFirst.map((u) => u.kbNumber);
  if (kbs.length === 0) return null;
  return repo.laterStillInstalled(c, fleetId, record.request.kbNumber, kbs, record.original);
}

/** Where the targeted computers stand, from the snapshot taken at advertising (rollback_targets). */
async function verificationOf(
  c: DbClient,
  row: RollbackRow,
  record: RollbackRecord,
  now: Date,
  graceHours: number | undefined,
) {
  const d = record.deployment;
  if (!d) return null;
  const rows = await repo.verificationRows(c, {
    rollbackId: row.id,
    kbNumber: record.request.kbNumber,
    advertisementId: d.advertisementId,
  });
  const result = rollbackVerification({
    kbNumber: record.request.kbNumber,
    advertisedAt: d.advertisedAt,
    now,
    rows,
    ...(graceHours === undefined ? {} : { graceHours }),
  });
  return { result, rows: new Map(rows.map((r) => [r.resourceId, r])) };
}

/** User ids the record names (who requested, confirmed, halted, …). */
function peopleOf(r: RollbackRecord): string[] {
  const ids = [
    r.request.requestedBy,
    r.notFeasible?.decidedBy,
    r.alternative?.chosenBy,
    r.priorityConfirmation?.confirmedBy,
    r.authorisation?.authorisedBy,
    r.halt?.haltedBy,
    r.cleanup?.cleanedBy,
    r.build?.builtBy,
    r.reducedTestingAcceptance?.acceptedBy,
    r.acceptance?.acceptedBy,
    r.deployment?.advertisedBy,
    r.review?.reviewedBy,
    r.cancellation?.cancelledBy,
    ...r.tests.map((t) => t.executedBy),
    ...r.verifications.map((v) => v.by),
  ];
  return [...new Set(ids.filter((x): x is string => typeof x === "string" && x.length > 0))];
}

/** The states in which the removal order is still being planned: the live assessment is shown then. */
const PLANNING_STATES = ["REQUESTED", "HALTED", "PACKAGE_CLEANED", "NOT_FEASIBLE"];

/** The advertisement the update was deployed with: the case's, else the newest live one. */
async function originalOf(
  c: DbClient,
  fleetId: string,
  kbNumber: string,
  caseAdvertisementId: string | null,
): Promise<OriginalDeployment | null> {
  const ad = caseAdvertisementId ? await repo.findAdvertisement(c, fleetId, caseAdvertisementId) : null;
  if (ad) {
    return {
      advertisementId: ad.advertisementId,
      collectionId: ad.collectionId,
      includeSubCollection: ad.includeSubCollection,
      packageId: ad.program.package.packageId,
      programName: ad.program.programName,
    };
  }
  const [newest] = await repo.advertisementsInstalling(c, fleetId, kbNumber);
  return newest
    ? {
        advertisementId: newest.advertisementId,
        collectionId: newest.collectionId,
        includeSubCollection: newest.includeSubCollection,
        packageId: newest.program.package.packageId,
        programName: newest.program.programName,
      }
    : null;
}

async function siteCodeOf(c: DbClient, fleetId: string, record: RollbackRecord): Promise<string> {
  return (await repo.centralSiteCode(c, fleetId)) ?? record.original?.packageId.slice(0, 3) ?? "CEN";
}

async function allocateSmsId(c: DbClient, fleetId: string, kind: SmsIdKind, siteCode: string): Promise<string> {
  const next = (await repo.maxSmsIdSuffix(c, fleetId, kind, siteCode)) + 1;
  if (next > 0xfffff)
    throw new AppError("CONFLICT", `Site ${siteCode} has no free ${kind} ID left; choose one yourself.`);
  return `${siteCode}${next.toString(16).toUpperCase().padStart(5, "0")}`;
}

export function createRollbacksService(db: Db) {
  /**
   * The rollback, in the fleet the caller looks at when it says (`?fleet=`): drill sandboxes copy
   * ids, so a rollback of another fleet is "no such rollback" there.
   */
  async function rowOrThrow(c: DbClient, id: string, fleet?: string) {
    const row = await repo.find(c, id);
    if (!row) throw new AppError("NOT_FOUND", "No such rollback.");
    if (fleet !== undefined && (await resolveFleet(c, fleet)).fleetId !== row.fleetId)
      throw new AppError("NOT_FOUND", "No such rollback in this fleet.");
    return row;
  }

  /** A grant counts within the emergency the rollback belongs to (as on cases). */
  async function grantOf(c: DbClient, actor: Actor, now: Date, emergencyId: string | null) {
    if (!actor.userId) return null;
    return authorityRepository.activeGrantFor(c, actor.userId, now, { emergencyId });
  }

  /**
   * Moves the update's case through the case machine (halt / startRollback / abandonRollback /
   * markRolledBack), with its timeline and audit. A case that cannot follow is reported, never a
   * reason to fail the rollback.
   */
  async function stepCase(
    tx: DbClient,
    actor: Actor,
    caseId: string,
    action: CaseActionInput,
    now: Date,
    rollbackId: string,
  ): Promise<string | null> {
    const row = await casesRepository.find(tx, caseId);
    if (!row) return "The update's case no longer exists; it was not updated.";
    const record = UpdateCaseSchema.parse(row.record);
    const grant = await grantOf(tx, actor, now, row.emergencyId);
    const result = transitionCase(record, action, {
      now,
      actor: { userId: actor.userId ?? actor.username, role: actor.role ?? "OBSERVER", hasActiveGrant: grant !== null },
      update: parseUpdate(row.update.record),
    });
    if (!result.ok)
      return `The update's case (${caseStateLabels[record.status].toLowerCase()}) did not follow: ${result.reason}`;
    if (!(await casesRepository.updateIfVersion(tx, row.id, row.version, caseColumnsOf(result.next))))
      throw staleVersion("case");
    const events = result.effects.flatMap((e) => (e.type === "TIMELINE" ? [e.event] : []));
    await recordTimeline(tx, actor, row.fleetId, events, {
      caseId: row.id,
      emergencyId: row.emergencyId,
      rollbackId,
    });
    await recordAudit(tx, actor, {
      action: `case.${action.type}`,
      entityType: "case",
      entityId: row.id,
      before: { status: record.status, priority: priorityInForce(record) },
      after: { status: result.next.status, priority: priorityInForce(result.next), rollbackId },
    });
    return null;
  }

  /** The case's status, or null when there is no such case. */
  async function caseStatusOf(tx: DbClient, caseId: string) {
    const row = await casesRepository.find(tx, caseId);
    return row ? UpdateCaseSchema.parse(row.record).status : null;
  }

  /**
   * The linked case must be HALTED before the rollback starts: haltRelease halts the cases of the
   * advertisements it halts, but a case whose advertisement it did not reach (another package, an
   * advertisement deleted or never of an INSTALL program) is halted here directly.
   */
  async function haltLinkedCase(
    tx: DbClient,
    actor: Actor,
    caseId: string,
    reason: string,
    now: Date,
    rollbackId: string,
  ): Promise<string | null> {
    const status = await caseStatusOf(tx, caseId);
    if (status !== "DEPLOYING" && status !== "DEPLOYED") return null;
    return stepCase(tx, actor, caseId, { type: "halt", reason, alsoDisableAdvertisement: false }, now, rollbackId);
  }

  async function cleanPackages(tx: DbClient, actor: Actor, row: RollbackRow, plan: PackageCleanupPlan, now: Date) {
    const { rows } = await cleanupPlanOf(tx, row.fleetId, plan.kbNumber);
    for (const item of plan.items) {
      const p = rows.find((r) => r.packageId === item.packageId);
      if (!p) throw new AppError("CONFLICT", `Package ${item.packageId} changed meanwhile; review the clean-up again.`);
      if (item.action === "REMOVE_UPDATE") {
        if (!(await repo.removeUpdateFromPackage(tx, p.id, p.version, item.updateIdsAfter)))
          throw staleVersion("package");
        await recordAudit(tx, actor, {
          action: "package.remove_update",
          entityType: "package",
          entityId: p.packageId,
          before: { updateIds: p.updateIds, sourceVersion: p.sourceVersion },
          after: { updateIds: item.updateIdsAfter, sourceVersion: item.sourceVersionAfter, rollbackId: row.id },
        });
      } else {
        for (const ad of p.programs.flatMap((pr) => pr.advertisements)) {
          if (ad.state === "DELETED") continue;
          await repo.deleteAdvertisement(tx, ad.id);
          await recordAudit(tx, actor, {
            action: "advertisement.delete",
            entityType: "advertisement",
            entityId: ad.advertisementId,
            before: { state: ad.state },
            after: { state: "DELETED", rollbackId: row.id },
          });
        }
        if (!(await repo.deletePackage(tx, p.id, p.version, now))) throw staleVersion("package");
        await recordAudit(tx, actor, {
          action: "package.delete",
          entityType: "package",
          entityId: p.packageId,
          before: { updateIds: p.updateIds, sourceVersion: p.sourceVersion },
          after: { deletedAt: now.toISOString(), rollbackId: row.id },
        });
      }
    }
  }

  async function buildPackage(
    tx: DbClient,
    actor: Actor,
    row: RollbackRow,
    record: RollbackRecord,
    effect: Extract<RollbackEffect, { type: "BUILD_PACKAGE" }>,
  ) {
    const emergency = rollbackPriorityInForce(record) === "EMERGENCY";
    const pkg = await distributionRepository.createPackage(tx, {
      fleetId: row.fleetId,
      packageId: effect.packageId,
      name: `Rollback ${effect.kbNumber}`,
      sourceSite: effect.packageId.slice(0, 3),
      sourceVersion: 1,
      sizeKB: 1,
      sendingPriority: emergency ? "HIGH" : "MEDIUM",
      preferredSender: "NO_PREFERENCE",
      ignoreAddressSchedule: false,
      kind: "ROLLBACK",
      updateIds: [effect.kbNumber],
    });
    await distributionRepository.targetAllDistributionPoints(tx, row.fleetId, pkg.id);
    await recordAudit(tx, actor, {
      action: "package.create",
      entityType: "package",
      entityId: pkg.packageId,
      after: { packageId: pkg.packageId, name: pkg.name, kind: pkg.kind, updateIds: pkg.updateIds, rollbackId: row.id },
    });
    for (const spec of effect.checkFirst ? [effect.checkFirst, effect.plain] : [effect.plain]) {
      const program = await distributionRepository.createProgram(tx, {
        fleetId: row.fleetId,
        packageRowId: pkg.id,
        programName: spec.programName,
        commandLine: spec.commandLine,
        comment: spec.comment,
        programFlags: BigInt(spec.programFlags >>> 0),
        maxRunMinutes: spec.maxRunMinutes,
        dependentProgram: null,
        kind: spec.kind,
        checksUpdatePresent: spec.checksUpdatePresent,
      });
      await recordAudit(tx, actor, {
        action: "program.create",
        entityType: "program",
        entityId: `${pkg.packageId}/${spec.programName}`,
        after: { ...toProgram(program), rollbackId: row.id },
      });
    }
  }

  /** Option B: a collection of exactly the computers with evidence, as direct rules (never re-evaluated into others). */
  async function createAppliedCollection(
    tx: DbClient,
    actor: Actor,
    row: RollbackRow,
    effect: Extract<RollbackEffect, { type: "CREATE_APPLIED_COLLECTION" }>,
  ): Promise<number> {
    const collection = await fleetRepository.upsertCollection(tx, row.fleetId, {
      collectionId: effect.collectionId,
      name: `Rollback ${effect.kbNumber}: computers that applied it`.slice(0, 100),
      parentCollectionId: null,
      rules: [] as Prisma.InputJsonValue,
      purpose: "ROLLBACK_APPLIED",
    });
    const members = await repo.fillAppliedCollection(tx, row.fleetId, collection.id, effect.kbNumber);
    await recordAudit(tx, actor, {
      action: "collection.create",
      entityType: "collection",
      entityId: effect.collectionId,
      after: {
        purpose: "ROLLBACK_APPLIED",
        memberCount: members,
        evidence: "update_compliance INSTALLED or INSTALLED_PENDING_REBOOT",
        rollbackId: row.id,
      },
    });
    return members;
  }

  async function advertise(
    tx: DbClient,
    actor: Actor,
    row: RollbackRow,
    effect: Extract<RollbackEffect, { type: "ADVERTISE" }>,
    kbNumber: string,
  ) {
    const pkg = await distributionRepository.findPackage(tx, row.fleetId, effect.packageId);
    const program = pkg ? await repo.findProgramRow(tx, pkg.id, effect.programName) : null;
    if (!program) throw new AppError("CONFLICT", `Package ${effect.packageId} has no program "${effect.programName}".`);
    const ad = await distributionRepository.createAdvertisement(tx, {
      fleetId: row.fleetId,
      advertisementId: effect.advertisementId,
      advertisementName: `Roll back ${kbNumber}`,
      comment: `Rollback ${row.id}`.slice(0, 127),
      programRowId: program.id,
      collectionId: effect.collectionId,
      includeSubCollection: effect.includeSubCollection,
      presentTime: new Date(effect.presentTime),
      expirationTime: null,
      assignedSchedule: [{ startTime: effect.presentTime }],
      assignedScheduleEnabled: true,
      advertFlags: BigInt(effect.advertFlags >>> 0),
      remoteClientFlags: BigInt(effect.remoteClientFlags >>> 0),
      priority: effect.priority,
    });
    await recordAudit(tx, actor, {
      action: "advertisement.create",
      entityType: "advertisement",
      entityId: effect.advertisementId,
      after: { ...toAdvertisement(ad), rollbackId: row.id },
    });
  }

  /** One ROLLBACK_UNREACHABLE task per failed or unreachable computer that has no task of this rollback yet. */
  async function createOobTasks(
    tx: DbClient,
    actor: Actor,
    row: RollbackRow,
    record: RollbackRecord,
    effect: Extract<RollbackEffect, { type: "CREATE_OOB_TASKS" }>,
    computers: ReadonlyMap<number, { name: string | null; isLaptop: boolean; connectionProfile: string | null }>,
    now: Date,
  ): Promise<{ count: number; event: TimelineEventInput }> {
    const kb = record.request.kbNumber;
    const rows: NewOobTask[] = effect.tasks.map(({ resourceId, group, why }) => {
      const computer = computers.get(resourceId);
      const task: OutOfBandTask = OutOfBandTaskSchema.parse({
        kind: "ROLLBACK_UNREACHABLE",
        targetRef: { type: "COMPUTER", id: String(resourceId), label: computer?.name ?? `Resource ${resourceId}` },
        method:
          computer && (computer.isLaptop || computer.connectionProfile === "DIALUP")
            ? "BRING_TO_OFFICE"
            : "CONSOLE_LOGON",
        ownerId: null,
        state: "OPEN",
        dueAt: effect.dueAt,
        reason: `Remove ${kb} by hand (${group === "FAILED" ? "the rollback failed" : "not reached"}): ${why}.`.slice(
          0,
          2000,
        ),
        evidence: null,
      });
      return {
        id: randomUUID(),
        fleetId: row.fleetId,
        caseId: row.caseId,
        emergencyId: row.emergencyId,
        rollbackId: row.id,
        kind: task.kind,
        state: task.state,
        method: task.method,
        targetType: "COMPUTER",
        targetKey: String(resourceId),
        dueAt: effect.dueAt ? new Date(effect.dueAt) : null,
        record: jsonSafe(task),
      };
    });
    await oobRepository.insertMany(tx, rows);
    // One audit entry and one timeline event for the batch: a rollback can leave many computers behind.
    await recordAudit(tx, actor, {
      action: "oob_task.create",
      entityType: "oob_task",
      entityId: rows.length === 1 ? rows[0]!.id : null,
      after: {
        rollbackId: row.id,
        kind: "ROLLBACK_UNREACHABLE",
        tasks: rows.map((r) => ({ id: r.id, targetType: r.targetType, targetId: r.targetKey })),
      },
    });
    const first = rows[0]!;
    return {
      count: rows.length,
      event: {
        type: "OOB_TASK_CREATED",
        at: now.toISOString(),
        actorId: actor.userId,
        summary:
          rows.length === 1
            ? `Out-of-band task: ${oobTaskKindLabels.ROLLBACK_UNREACHABLE} — ${computers.get(Number(first.targetKey))?.name ?? first.targetKey}`
            : `${rows.length} out-of-band tasks: ${oobTaskKindLabels.ROLLBACK_UNREACHABLE}`,
        payload: {
          ...(rows.length === 1 ? { taskId: first.id } : {}),
          kind: "ROLLBACK_UNREACHABLE",
          targetId: rows.length === 1 ? first.targetKey : `${rows.length} targets`,
        },
      },
    };
  }

  /**
   * Closes, through the task machine (OPEN / ASSIGNED / IN_PROGRESS / FAILED → NOT_NEEDED, with the
   * compliance evidence as the note), the tasks of computers compliance now shows clean. Audited.
   */
  async function closeOobTasks(
    tx: DbClient,
    actor: Actor,
    row: RollbackRow,
    effect: Extract<RollbackEffect, { type: "CLOSE_OOB_TASKS" }>,
    now: Date,
  ): Promise<{ count: number; event: TimelineEventInput | null }> {
    const evidence = new Map(effect.tasks.map((t) => [t.taskId, t]));
    const current = await repo.tasksByIds(tx, [...evidence.keys()]);
    const writes: { id: string; version: number; state: string; record: unknown }[] = [];
    const closed: { id: string; targetId: string; from: string }[] = [];
    for (const t of current) {
      const parsed = OutOfBandTaskSchema.safeParse(t.record);
      if (!parsed.success) continue;
      const raw = t.record as { completedAt?: string | null };
      const task = { ...parsed.data, completedAt: raw?.completedAt ?? null };
      const res = transitionOobTask(task, { to: "NOT_NEEDED", note: evidence.get(t.id)!.evidence }, now);
      if (!res.ok) continue; // closed meanwhile by a person: leave it as they left it
      writes.push({ id: t.id, version: t.version, state: res.next.state, record: jsonSafe(res.next) });
      closed.push({ id: t.id, targetId: task.targetRef.id, from: task.state });
    }
    if (writes.length === 0) return { count: 0, event: null };
    if ((await repo.closeTasks(tx, writes)) !== writes.length) throw staleVersion("out-of-band task");
    await recordAudit(tx, actor, {
      action: "oob_task.update",
      entityType: "oob_task",
      entityId: closed.length === 1 ? closed[0]!.id : null,
      after: {
        rollbackId: row.id,
        state: "NOT_NEEDED",
        reason: "compliance shows the computer without the update",
        tasks: closed.map((c) => ({
          id: c.id,
          targetId: c.targetId,
          from: c.from,
          note: evidence.get(c.id)!.evidence,
        })),
      },
    });
    const one = closed.length === 1 ? closed[0]! : null;
    const summary = one
      ? `Resource ${one.targetId}: task not needed — compliance shows the update gone`
      : `${closed.length} out-of-band tasks not needed — compliance shows the update gone`;
    return {
      count: closed.length,
      event: one
        ? {
            type: "OOB_TASK_CHANGED",
            at: now.toISOString(),
            actorId: actor.userId,
            summary,
            payload: {
              taskId: one.id,
              kind: "ROLLBACK_UNREACHABLE",
              from: one.from as OutOfBandTask["state"],
              to: "NOT_NEEDED",
            },
          }
        : { type: "NOTE", at: now.toISOString(), actorId: actor.userId, summary, payload: { text: summary } },
    };
  }

  return {
    async list(
      q: ListRollbacksQuery,
    ): Promise<{ items: RollbackSummary[]; page: number; pageSize: number; total: number }> {
      const scope = await resolveFleet(db, q.fleet ?? "production");
      const [{ items, total }, policy] = await Promise.all([
        repo.page(db, { ...q, fleetId: scope.fleetId }),
        loadPolicy(db),
      ]);
      const updates = new Map(
        (await repo.updatesByIds(db, [...new Set(items.map((r) => r.updateId))])).map((u) => [u.id, u]),
      );
      const now = new Date();
      return {
        items: items.map((r) => {
          const u = updates.get(r.updateId);
          return summaryOf(r, u ?? { kbNumber: "?", bulletinId: null, title: "(update removed)" }, policy, now);
        }),
        page: q.page,
        pageSize: q.pageSize,
        total,
      };
    },

    /**
     * The rollback with what its screen needs now. Refreshed every 30 s, so it reads only what the
     * state needs: previews while they are relevant, the targeting counts (in SQL) while READY,
     * the snapshot afterwards, capped task lists.
     */
    async detail(actor: Actor, id: string, warnings?: string[], fleet?: string): Promise<RollbackDetail> {
      const row = await rowOrThrow(db, id, fleet);
      const now = new Date();
      const record = RollbackRecordSchema.parse(row.record);
      const kb = record.request.kbNumber;
      const s = record.status;
      const [updateRow, caseRow, policy, grant, timeline, cleanup, haltPreview, tasks, taskCounts, people] =
        await Promise.all([
          updatesRepository.find(db, row.updateId),
          row.caseId ? casesRepository.find(db, row.caseId) : Promise.resolve(null),
          loadPolicy(db),
          grantOf(db, actor, now, row.emergencyId),
          repo.timeline(db, row.id),
          record.cleanup || !PLANNING_STATES.includes(s) ? Promise.resolve(null) : cleanupPlanOf(db, row.fleetId, kb),
          record.halt ? Promise.resolve([]) : repo.advertisementsInstalling(db, row.fleetId, kb),
          record.deployment ? repo.oobTasks(db, row.id) : Promise.resolve([]),
          record.deployment ? repo.oobTaskCounts(db, row.id) : Promise.resolve({}),
          repo.userNames(db, peopleOf(record)),
        ]);
      if (!updateRow) throw new AppError("NOT_FOUND", "The rolled-back software update no longer exists.");
      const update = parseUpdate(updateRow.record);
      const programs = rollbackPrograms(update);
      const [assessment, targeting, laterStill, liveInstall] = await Promise.all([
        PLANNING_STATES.includes(s) ? assessmentOf(db, row.fleetId, update) : Promise.resolve(null),
        s === "READY" ? targetingOf(db, row.fleetId, record, programs) : Promise.resolve(snapshotCountsOf(record)),
        s === "READY" ? laterStillInstalledOf(db, row.fleetId, record) : Promise.resolve(null),
        s === "ALT_RECOVERY" && !record.halt
          ? repo.liveInstallAdvertisements(db, row.fleetId, kb)
          : Promise.resolve(undefined),
      ]);
      const priority = rollbackPriorityInForce(record);
      const flags = rollbackAdvertisementFlags(priority, policy);
      return {
        ...summaryOf(row, updateRow, policy, now),
        record,
        update: toUpdateRecord(updateRow),
        case: caseRow ? { id: caseRow.id, status: UpdateCaseSchema.parse(caseRow.record).status } : null,
        availableActions: actor.role
          ? availableRollbackActions(record, actor.role, grant !== null, {
              cleanupPlan: cleanup?.plan ?? null,
              programs,
              ...(s === "READY" ? { targeting, laterStillInstalled: laterStill } : {}),
              ...(liveInstall !== undefined ? { liveInstallAdvertisements: liveInstall } : {}),
              policy,
            })
          : [],
        people: Object.fromEntries(people.map((u) => [u.id, u.displayName])),
        assessment,
        haltPreview: haltPreview.map((a) => ({
          advertisementId: a.advertisementId,
          advertisementName: a.advertisementName,
          packageId: a.program.package.packageId,
          programName: a.program.programName,
          collectionId: a.collectionId,
          programDisabled: ProgramFlags.has(Number(a.program.programFlags), "DISABLED"),
          advertisementState: a.state,
        })),
        cleanupPreview: cleanup?.plan ?? null,
        programs,
        targetingCounts: targeting,
        laterUpdatesStillInstalled: laterStill,
        advertisementPreview: {
          mandatory: true,
          overSlowLinks: AdvertFlags.has(flags.advertFlags, "ONSLOWNET"),
          remoteDistributionPoints: RemoteClientFlags.has(flags.remoteClientFlags, "DOWNLOAD_FROM_REMOTE_DISPPOINT"),
        },
        oobTasks: tasks.map((t) => ({
          id: t.id,
          resourceId: Number(t.target_key),
          computerName: t.label,
          state: t.state as OutOfBandTask["state"],
          dueAt: t.due_at?.toISOString() ?? null,
        })),
        oobTaskCounts: taskCounts,
        timeline: timeline.map(toTimelineEntry),
        ...(warnings && warnings.length > 0 ? { warnings } : {}),
      };
    },

    async cleanupPreview(id: string, fleet?: string): Promise<PackageCleanupPlan> {
      const row = await rowOrThrow(db, id, fleet);
      const record = RollbackRecordSchema.parse(row.record);
      return (await cleanupPlanOf(db, row.fleetId, record.request.kbNumber)).plan;
    },

    /** What verification would find now (the groups), without acting: the console shows it before Verify. */
    async verificationPreview(
      id: string,
      q: { fleet?: string | undefined; graceHours?: number | undefined },
    ): Promise<RollbackVerificationPreview> {
      const row = await rowOrThrow(db, id, q.fleet);
      const record = RollbackRecordSchema.parse(row.record);
      const now = new Date();
      const v = await verificationOf(db, row, record, now, q.graceHours);
      if (!v) throw new AppError("CONFLICT", "The rollback is not advertised yet: there is nothing to verify.");
      const { needTask: _needTask, closeTasks: _closeTasks, ...figures } = v.result;
      return { ...figures, at: now.toISOString() };
    },

    /** Opens a rollback of an update in a fleet: one open rollback per update and fleet. */
    async open(actor: Actor, body: OpenRollbackBody): Promise<RollbackDetail> {
      if (!actor.userId || !actor.role) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      const scope = await resolveFleet(db, body.fleet);
      const now = new Date();
      const id = randomUUID();
      await writeTransaction(db, async (tx) => {
        const updateRow = await updatesRepository.find(tx, body.updateId);
        if (!updateRow)
          throw new AppError("VALIDATION_FAILED", "No such software update.", {
            details: [{ path: "body.updateId", message: "no such update" }],
          });
        const open = await repo.findOpenForUpdate(tx, scope.fleetId, body.updateId);
        if (open) {
          throw new AppError("CONFLICT", `${updateRow.kbNumber} already has an open rollback (${open.id}).`, {
            details: [{ path: "body.updateId", message: "has an open rollback" }],
          });
        }
        const update = parseUpdate(updateRow.record);
        const openCase = await casesRepository.findOpenForUpdate(tx, scope.fleetId, body.updateId);
        const caseRow = openCase ? await casesRepository.find(tx, openCase.id) : null;
        const caseRecord = caseRow ? UpdateCaseSchema.parse(caseRow.record) : null;
        const linked = caseRow && caseRecord && CASE_STATES_IN_STEP.includes(caseRecord.status) ? caseRow : null;
        const original = await originalOf(
          tx,
          scope.fleetId,
          update.kbNumber,
          linked ? caseRecord!.advertisementId : null,
        );
        const assessment = await assessmentOf(tx, scope.fleetId, update);
        const { record, effects } = openRollback(
          {
            kbNumber: update.kbNumber,
            reason: body.reason,
            initialPriority: body.initialPriority,
            assessment,
            original,
          },
          { now, actor: { userId: actor.userId!, role: actor.role! }, rollbackId: id },
        );
        await repo.create(tx, {
          id,
          fleetId: scope.fleetId,
          updateId: body.updateId,
          caseId: linked?.id ?? null,
          emergencyId: linked?.emergencyId ?? null,
          openedAt: now,
          ...columnsOf(record),
        });
        const events: TimelineEventInput[] = [];
        for (const e of effects) {
          if (e.type === "TIMELINE") events.push(e.event);
          else if (e.type === "PAGE_ERT")
            events.push({
              type: "NOTE",
              at: now.toISOString(),
              actorId: actor.userId,
              summary: `ERT paged: ${e.reason}`,
              payload: { text: e.reason },
            });
        }
        await recordTimeline(tx, actor, scope.fleetId, events, {
          caseId: linked?.id ?? null,
          emergencyId: linked?.emergencyId ?? null,
          rollbackId: id,
        });
        await recordAudit(tx, actor, {
          action: "rollback.open",
          entityType: "rollback",
          entityId: id,
          after: {
            update: update.kbNumber,
            status: record.status,
            priority: body.initialPriority,
            verdict: assessment.verdict,
            caseId: linked?.id ?? null,
          },
        });
      });
      return this.detail(actor, id);
    },

    /**
     * Runs one action of the rollback machine. The machine decides inside the transaction, from
     * the data as it is then; a refusal changes nothing and answers 409 / 403 / 400.
     */
    async act(
      actor: Actor,
      id: string,
      version: number,
      action: RollbackActionInput,
      fleet?: string,
    ): Promise<RollbackDetail> {
      if (!actor.role || !actor.userId) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      const now = new Date();
      const warnings = await writeTransaction(db, async (tx) => {
        const row = await rowOrThrow(tx, id, fleet);
        if (row.version !== version) throw staleVersion("rollback");
        const record = RollbackRecordSchema.parse(row.record);
        const kb = record.request.kbNumber;
        const grant = await grantOf(tx, actor, now, row.emergencyId);
        const policy = await loadPolicy(tx);

        const context: Omit<RollbackContext, "actor"> = { now, rollbackId: id, policy };
        let computers: ReadonlyMap<
          number,
          { name: string | null; isLaptop: boolean; connectionProfile: string | null }
        > = new Map();
        if (action.type === "cleanPackages") context.cleanupPlan = (await cleanupPlanOf(tx, row.fleetId, kb)).plan;
        if (action.type === "build") {
          const updateRow = await updatesRepository.find(tx, row.updateId);
          if (!updateRow) throw new AppError("NOT_FOUND", "The rolled-back software update no longer exists.");
          context.programs = rollbackPrograms(parseUpdate(updateRow.record));
          if (action.packageId && (await repo.packageIdTaken(tx, row.fleetId, action.packageId))) {
            throw new AppError("CONFLICT", `Package ID ${action.packageId} is taken.`, {
              details: [{ path: "body.packageId", message: "is taken" }],
            });
          }
          context.allocated = {
            packageId:
              action.packageId ??
              (await allocateSmsId(tx, row.fleetId, "package", await siteCodeOf(tx, row.fleetId, record))),
          };
        }
        if (action.type === "advertise" && record.status === "READY") {
          context.targeting = await targetingOf(tx, row.fleetId, record, null);
          context.laterStillInstalled = (await laterStillInstalledOf(tx, row.fleetId, record)) ?? [];
          const site = await siteCodeOf(tx, row.fleetId, record);
          context.allocated = {
            advertisementId: await allocateSmsId(tx, row.fleetId, "advertisement", site),
            ...(action.targeting === "APPLIED_ONLY"
              ? { collectionId: await allocateSmsId(tx, row.fleetId, "collection", site) }
              : {}),
          };
        }
        if (action.type === "verify" && record.deployment) {
          const v = await verificationOf(tx, row, record, now, action.graceHours);
          context.verification = v?.result ?? null;
          computers = v?.rows ?? new Map();
        }
        if (action.type === "close" && record.status === "ALT_RECOVERY" && !record.halt)
          context.liveInstallAdvertisements = await repo.liveInstallAdvertisements(tx, row.fleetId, kb);

        const run = (hasActiveGrant: boolean) =>
          transitionRollback(record, action, {
            ...context,
            actor: { userId: actor.userId!, role: actor.role!, hasActiveGrant },
          });
        const result = run(grant !== null);
        if (!result.ok) throw refusalError(result);
        // Acting only thanks to a grant marks the change as done under it (audit and timeline).
        const withoutGrant = grant === null ? result : run(false);
        const underGrant = grant !== null && !withoutGrant.ok && withoutGrant.code === "FORBIDDEN";
        const acting: Actor = underGrant ? { ...actor, authorityGrantId: grant.id } : actor;

        const next: RollbackRecord = structuredClone(result.next);
        const out = [...result.warnings];
        const events: TimelineEventInput[] = [];
        for (const effect of result.effects) {
          switch (effect.type) {
            case "TIMELINE":
              events.push(effect.event);
              break;
            case "PAGE_ERT":
              events.push({
                type: "NOTE",
                at: now.toISOString(),
                actorId: actor.userId,
                summary: `ERT paged: ${effect.reason}`,
                payload: { text: effect.reason },
              });
              break;
            case "HALT_RELEASE": {
              const running = await repo.advertisementsInstalling(tx, row.fleetId, effect.kbNumber);
              const { halted } = await haltRelease(tx, acting, {
                fleetId: row.fleetId,
                kbNumber: effect.kbNumber,
                alsoDisableAdvertisement: effect.alsoDisableAdvertisement,
                reason: effect.reason,
                now,
              });
              // haltRelease leaves out advertisements halted before (e.g. by an automatic rule): list them as such.
              const listed = new Set(halted.map((h) => h.advertisementId));
              const before = running
                .filter((a) => !listed.has(a.advertisementId))
                .map((a) => ({
                  advertisementId: a.advertisementId,
                  packageId: a.program.package.packageId,
                  programName: a.program.programName,
                  programWasAlreadyDisabled: ProgramFlags.has(Number(a.program.programFlags), "DISABLED"),
                  advertisementDisabled: a.state === "DISABLED",
                }));
              const caseIds = new Set(halted.flatMap((h) => h.caseIds));
              // The linked case may deploy through an advertisement the release halt did not reach.
              if (row.caseId && !caseIds.has(row.caseId)) {
                const statusBefore = await caseStatusOf(tx, row.caseId);
                const warning = await haltLinkedCase(tx, acting, row.caseId, effect.reason, now, id);
                if (warning) out.push(warning);
                else if (statusBefore === "DEPLOYING" || statusBefore === "DEPLOYED") caseIds.add(row.caseId);
              }
              next.halt = {
                ...next.halt!,
                halted: [
                  ...halted.map((h) => ({
                    advertisementId: h.advertisementId,
                    packageId: h.packageId,
                    programName: h.programName,
                    programWasAlreadyDisabled: h.programWasAlreadyDisabled,
                    advertisementDisabled: h.advertisementDisabled,
                  })),
                  ...before,
                ],
                caseIds: [...caseIds],
              };
              if (halted.length === 0)
                out.push(
                  running.length === 0
                    ? `No deployment of ${kb} was running: nothing needed halting.`
                    : `Every deployment of ${kb} was halted already.`,
                );
              break;
            }
            case "CLEAN_PACKAGES":
              await cleanPackages(tx, acting, row, effect.plan, now);
              break;
            case "BUILD_PACKAGE":
              await buildPackage(tx, acting, row, next, effect);
              break;
            case "CREATE_APPLIED_COLLECTION":
              await createAppliedCollection(tx, acting, row, effect);
              break;
            case "ADVERTISE": {
              await advertise(tx, acting, row, effect, kb);
              // What verification reads: the targets as they are now, never the collection later.
              const snapshot = await repo.snapshotTargets(tx, {
                rollbackId: id,
                fleetId: row.fleetId,
                kbNumber: kb,
                collectionId: effect.collectionId,
                includeSub: effect.includeSubCollection,
              });
              if (next.deployment)
                next.deployment = {
                  ...next.deployment,
                  targeted: snapshot.targeted,
                  withEvidence: snapshot.withEvidence,
                };
              break;
            }
            case "CREATE_OOB_TASKS": {
              const created = await createOobTasks(tx, acting, row, next, effect, computers, now);
              events.push(created.event);
              break;
            }
            case "CLOSE_OOB_TASKS": {
              const closed = await closeOobTasks(tx, acting, row, effect, now);
              if (closed.event) events.push(closed.event);
              break;
            }
            case "CASE_STEP": {
              if (!row.caseId) break;
              let caseAction: CaseActionInput;
              if (effect.action === "startRollback") {
                const warning = await haltLinkedCase(tx, acting, row.caseId, effect.reason, now, id);
                if (warning) out.push(warning);
                caseAction = { type: "startRollback", reason: effect.reason };
              } else if (effect.action === "abandonRollback") {
                // Only a case the authorisation moved to ROLLING_BACK goes back.
                if ((await caseStatusOf(tx, row.caseId)) !== "ROLLING_BACK") break;
                caseAction = { type: "abandonRollback", reason: effect.reason };
              } else caseAction = { type: "markRolledBack", evidence: effect.evidence };
              const warning = await stepCase(tx, acting, row.caseId, caseAction, now, id);
              if (warning) out.push(warning);
              break;
            }
            case "START_SLA_CLOCK":
            case "STOP_SLA_CLOCK":
              break; // the record carries the clock
          }
        }
        const checked = RollbackRecordSchema.parse(next);
        if (!(await repo.updateIfVersion(tx, id, version, columnsOf(checked)))) throw staleVersion("rollback");
        await recordTimeline(tx, acting, row.fleetId, events, {
          caseId: row.caseId,
          emergencyId: row.emergencyId,
          rollbackId: id,
        });
        await recordAudit(tx, acting, {
          action: `rollback.${action.type}`,
          entityType: "rollback",
          entityId: id,
          before: { status: record.status, priority: rollbackPriorityInForce(record) },
          after: {
            status: checked.status,
            priority: rollbackPriorityInForce(checked),
            action: jsonSafe(action),
            warnings: out,
          },
        });
        return out;
      });
      return this.detail(actor, id, warnings, fleet);
    },
  };
}
export type RollbacksService = ReturnType<typeof createRollbacksService>;
