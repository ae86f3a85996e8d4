import {
  AppError,
  ProgramFlags,
  advertisementView,
  isAppError,
  withProgramDisabled,
  type AdvertisementRecord,
  type AdvertisementStatusSummary,
  type ClientState,
  type CreateAdvertisementBody,
  type PackageDetail,
  type PackageRecord,
  type Package,
  type Program,
  type ProgramRecord,
  type UpdateAdvertisementBody,
  type UpdatePackageBody,
  type UpdateProgramBody,
  type ScheduleToken,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import { haltsRepository } from "../halts/halts.repository.js";
import {
  distributionRepository as repo,
  type AdvertisementRow,
  type PackageRow,
  type ProgramRow,
} from "./distribution.repository.js";

export const toProgram = (p: ProgramRow): ProgramRecord => {
  const programFlags = Number(p.programFlags);
  return {
    id: p.id,
    version: p.version,
    packageId: p.package.packageId,
    programName: p.programName,
    commandLine: p.commandLine,
    comment: p.comment,
    programFlags,
    maxRunMinutes: p.maxRunMinutes,
    kind: p.kind,
    checksUpdatePresent: p.checksUpdatePresent,
    disabled: ProgramFlags.has(programFlags, "DISABLED"),
    updatedAt: p.updatedAt.toISOString(),
  };
};

const toPackage = (p: PackageRow, dp: { total: number; current: number } | undefined): PackageRecord => ({
  ...p,
  sourceDate: p.sourceDate.toISOString(),
  dpCount: dp?.total ?? 0,
  dpCurrentCount: dp?.current ?? 0,
});

export const toAdvertisement = (a: AdvertisementRow): AdvertisementRecord => {
  const advertFlags = Number(a.advertFlags);
  const remoteClientFlags = Number(a.remoteClientFlags);
  const assignedSchedule = a.assignedSchedule as ScheduleToken[];
  const view = advertisementView({
    advertFlags,
    remoteClientFlags,
    assignedSchedule,
    assignedScheduleEnabled: a.assignedScheduleEnabled,
  });
  return {
    id: a.id,
    version: a.version,
    advertisementId: a.advertisementId,
    advertisementName: a.advertisementName,
    comment: a.comment,
    packageId: a.program.package.packageId,
    programName: a.program.programName,
    collectionId: a.collectionId,
    includeSubCollection: a.includeSubCollection,
    presentTime: a.presentTime.toISOString(),
    expirationTime: a.expirationTime?.toISOString() ?? null,
    assignedSchedule,
    assignedScheduleEnabled: a.assignedScheduleEnabled,
    advertFlags: view.advertFlags,
    remoteClientFlags: view.remoteClientFlags,
    priority: a.priority as 1 | 2 | 3,
    state: a.state,
    mandatory: view.mandatory,
    mandatoryOverSlowLinks: view.mandatoryOverSlowLinks,
    allowUsersToRunIndependently: view.allowUsersToRunIndependently,
    localDpMode: view.localDpMode,
    noLocalDpMode: view.noLocalDpMode,
    forcesDialUpClients: view.forcesDialUpClients,
    forcesSlowBoundaryClients: view.forcesSlowBoundaryClients,
    programDisabled: ProgramFlags.has(Number(a.program.programFlags), "DISABLED"),
    updatedAt: a.updatedAt.toISOString(),
  };
};

async function packageOrThrow(db: DbClient, scope: FleetScope, packageId: string) {
  const p = await repo.findPackage(db, scope.fleetId, packageId);
  if (!p) throw new AppError("NOT_FOUND", `No package ${packageId}.`);
  return p;
}

async function programOrThrow(
  db: DbClient,
  scope: FleetScope,
  packageId: string,
  programName: string,
  path = "programName",
) {
  const pkg = await repo.findPackage(db, scope.fleetId, packageId);
  if (!pkg)
    throw new AppError("NOT_FOUND", `No package ${packageId}.`, {
      details: [{ path: "packageId", message: "no such package" }],
    });
  const program = await repo.findProgram(db, pkg.id, programName);
  if (!program)
    throw new AppError("NOT_FOUND", `Package ${packageId} has no program "${programName}".`, {
      details: [{ path, message: "no such program in this package" }],
    });
  return { pkg, program };
}

/** Unique-constraint violations surface as 409 with the field that clashed. */
function rethrowUnique(err: unknown, message: string, path: string): never {
  if (
    !isAppError(err) &&
    typeof err === "object" &&
    err &&
    "code" in err &&
    (err as { code: string }).code === "P2002"
  ) {
    throw new AppError("CONFLICT", message, { details: [{ path, message: "is taken" }] });
  }
  throw err;
}

/**
 * A halt is lifted only by its resume (the case's resume action, or the advertisement's resume when
 * no case stands behind it; ERT lead or emergency authority), never by re-enabling the program or
 * the advertisement underneath it. `programRowId`: a halt of any advertisement of the program;
 * `advertisementRowId`: a halt of that advertisement.
 */
async function refuseWhileHalted(
  tx: DbClient,
  scope: FleetScope,
  ref: { advertisementId?: string; packageId?: string; advertisementRowId?: string; programRowId?: string },
) {
  const halted = await repo.haltingCase(tx, scope.fleetId, ref);
  if (halted) {
    throw new AppError(
      "CONFLICT",
      `This release is halted by case ${halted.id} (${halted.status}). Resume it from the case, which needs the ERT lead or emergency authority.`,
      {
        details: [{ path: "body", message: "the release is halted" }],
      },
    );
  }
  const halts = ref.advertisementRowId
    ? await haltsRepository.haltsInForceOfAdvertisement(tx, ref.advertisementRowId)
    : ref.programRowId
      ? await haltsRepository.haltsInForceOfProgram(tx, ref.programRowId)
      : [];
  const halt = halts[0];
  if (halt) {
    const ad = halt.advertisement.advertisementId;
    throw new AppError(
      "CONFLICT",
      `This release is halted (advertisement ${ad}, since ${halt.haltedAt.toISOString()}${halt.automaticRule ? `, by an automatic halt rule` : ""}). Resume the deployment of ${ad} from its deployment monitor, which needs the ERT lead or emergency authority.`,
      { details: [{ path: "body", message: "the release is halted" }] },
    );
  }
}

export function createDistributionService(db: Db) {
  async function advertisementRefsOrThrow(tx: DbClient, scope: FleetScope, body: CreateAdvertisementBody) {
    const { program } = await programOrThrow(tx, scope, body.packageId, body.programName, "body.programName");
    if (!(await repo.collectionExists(tx, scope.fleetId, body.collectionId))) {
      throw new AppError("VALIDATION_FAILED", `No collection ${body.collectionId}.`, {
        details: [{ path: "body.collectionId", message: "no such collection" }],
      });
    }
    return program;
  }

  const advertData = (body: CreateAdvertisementBody) => ({
    advertisementName: body.advertisementName,
    comment: body.comment ?? null,
    collectionId: body.collectionId,
    includeSubCollection: body.includeSubCollection,
    presentTime: new Date(body.presentTime),
    expirationTime: body.expirationTime ? new Date(body.expirationTime) : null,
    assignedSchedule: body.assignedSchedule as Prisma.InputJsonValue,
    assignedScheduleEnabled: body.assignedScheduleEnabled,
    advertFlags: BigInt(body.advertFlags >>> 0),
    remoteClientFlags: BigInt(body.remoteClientFlags >>> 0),
    priority: body.priority,
  });

  return {
    // ── packages
    async listPackages(scope: FleetScope): Promise<PackageRecord[]> {
      const [rows, dp] = await Promise.all([repo.listPackages(db, scope.fleetId), repo.dpCounts(db, scope.fleetId)]);
      return rows.map((p) => toPackage(p, dp.get(p.id)));
    },

    async getPackage(scope: FleetScope, packageId: string): Promise<PackageDetail> {
      const p = await packageOrThrow(db, scope, packageId);
      const [programs, distributions, dp] = await Promise.all([
        repo.listPrograms(db, p.id),
        repo.listDistributions(db, p.id),
        repo.dpCounts(db, scope.fleetId),
      ]);
      return {
        ...toPackage(p, dp.get(p.id)),
        programs: programs.map(toProgram),
        distributions: distributions.map((d) => ({
          packageId: p.packageId,
          siteCode: d.siteCode,
          serverName: d.serverName,
          storedVersion: d.storedVersion,
          state: d.state,
          via: d.via,
          updatedAt: d.updatedAt.toISOString(),
          current: d.state === "INSTALLED" && d.storedVersion === p.sourceVersion,
        })),
      };
    },

    async createPackage(actor: Actor, scope: FleetScope, body: Package): Promise<PackageDetail> {
      const created = await writeTransaction(db, async (tx) => {
        const p = await repo
          .createPackage(tx, {
            fleetId: scope.fleetId,
            packageId: body.packageId,
            name: body.name,
            pkgVersion: body.version ?? null,
            manufacturer: body.manufacturer ?? null,
            language: body.language ?? null,
            sourceSite: body.sourceSite ?? null,
            sourceVersion: body.sourceVersion,
            sizeKB: body.sizeKB,
            sendingPriority: body.sendingPriority,
            preferredSender: body.preferredSender,
            ignoreAddressSchedule: body.ignoreAddressSchedule,
            kind: body.kind,
            updateIds: body.updateIds,
          })
          .catch((err: unknown) => rethrowUnique(err, `Package ID ${body.packageId} is taken.`, "body.packageId"));
        await repo.targetAllDistributionPoints(tx, scope.fleetId, p.id);
        await recordAudit(tx, actor, {
          action: "package.create",
          entityType: "package",
          entityId: p.packageId,
          after: toPackage(p, undefined),
        });
        return p;
      });
      return this.getPackage(scope, created.packageId);
    },

    async updatePackage(
      actor: Actor,
      scope: FleetScope,
      packageId: string,
      version: number,
      body: UpdatePackageBody,
    ): Promise<PackageDetail> {
      await writeTransaction(db, async (tx) => {
        const before = await packageOrThrow(tx, scope, packageId);
        if (before.version !== version) throw staleVersion("package");
        const after = await repo.updatePackageIfVersion(tx, before.id, version, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.sendingPriority ? { sendingPriority: body.sendingPriority } : {}),
          ...(body.preferredSender ? { preferredSender: body.preferredSender } : {}),
          ...(body.ignoreAddressSchedule !== undefined ? { ignoreAddressSchedule: body.ignoreAddressSchedule } : {}),
          ...(body.sizeKB !== undefined ? { sizeKB: body.sizeKB } : {}),
          ...(body.updateIds ? { updateIds: body.updateIds } : {}),
          // Updating the source bumps the version; distribution points then fetch the change (domain.md §5.6).
          ...(body.refreshSource ? { sourceVersion: { increment: 1 }, sourceDate: new Date() } : {}),
        });
        if (!after) throw staleVersion("package");
        await recordAudit(tx, actor, {
          action: "package.update",
          entityType: "package",
          entityId: packageId,
          before: toPackage(before, undefined),
          after: toPackage(after, undefined),
        });
      });
      return this.getPackage(scope, packageId);
    },

    // ── programs
    async createProgram(actor: Actor, scope: FleetScope, packageId: string, body: Program): Promise<ProgramRecord> {
      if (body.packageId !== packageId) {
        throw new AppError(
          "VALIDATION_FAILED",
          `This program belongs to package ${packageId}, not ${body.packageId}.`,
          { details: [{ path: "body.packageId", message: `must be ${packageId}` }] },
        );
      }
      return writeTransaction(db, async (tx) => {
        const pkg = await packageOrThrow(tx, scope, packageId);
        const program = await repo
          .createProgram(tx, {
            fleetId: scope.fleetId,
            packageRowId: pkg.id,
            programName: body.programName,
            commandLine: body.commandLine,
            comment: body.comment ?? null,
            programFlags: BigInt(body.programFlags >>> 0),
            maxRunMinutes: body.maxRunMinutes,
            dependentProgram: body.dependentProgram ?? null,
            kind: body.kind,
            checksUpdatePresent: body.checksUpdatePresent,
          })
          .catch((err: unknown) =>
            rethrowUnique(err, `Package ${packageId} already has a program "${body.programName}".`, "body.programName"),
          );
        const record = toProgram(program);
        await recordAudit(tx, actor, {
          action: "program.create",
          entityType: "program",
          entityId: `${packageId}/${body.programName}`,
          after: record,
        });
        return record;
      });
    },

    async getProgram(scope: FleetScope, packageId: string, programName: string): Promise<ProgramRecord> {
      return toProgram((await programOrThrow(db, scope, packageId, programName)).program);
    },

    async updateProgram(
      actor: Actor,
      scope: FleetScope,
      packageId: string,
      programName: string,
      version: number,
      body: UpdateProgramBody,
    ): Promise<ProgramRecord> {
      return writeTransaction(db, async (tx) => {
        const { program: before } = await programOrThrow(tx, scope, packageId, programName);
        if (before.version !== version) throw staleVersion("program");
        let flags = body.programFlags ?? Number(before.programFlags);
        if (body.disabled !== undefined) flags = withProgramDisabled(flags, body.disabled);
        if (ProgramFlags.has(Number(before.programFlags), "DISABLED") && !ProgramFlags.has(flags, "DISABLED")) {
          await refuseWhileHalted(tx, scope, { packageId, programRowId: before.id });
        }
        const after = await repo.updateProgramIfVersion(tx, before.id, version, {
          ...(body.commandLine !== undefined ? { commandLine: body.commandLine } : {}),
          ...(body.comment !== undefined ? { comment: body.comment } : {}),
          ...(body.maxRunMinutes !== undefined ? { maxRunMinutes: body.maxRunMinutes } : {}),
          programFlags: BigInt(flags >>> 0),
        });
        if (!after) throw staleVersion("program");
        const record = toProgram(after);
        const disabledChanged = toProgram(before).disabled !== record.disabled;
        await recordAudit(tx, actor, {
          action: disabledChanged ? (record.disabled ? "program.disable" : "program.enable") : "program.update",
          entityType: "program",
          entityId: `${packageId}/${programName}`,
          before: toProgram(before),
          after: record,
        });
        return record;
      });
    },

    // ── advertisements
    async listAdvertisements(scope: FleetScope): Promise<AdvertisementRecord[]> {
      return (await repo.listAdvertisements(db, scope.fleetId)).map(toAdvertisement);
    },

    async getAdvertisement(scope: FleetScope, advertisementId: string): Promise<AdvertisementRecord> {
      const a = await repo.findAdvertisement(db, scope.fleetId, advertisementId);
      if (!a) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
      return toAdvertisement(a);
    },

    async createAdvertisement(
      actor: Actor,
      scope: FleetScope,
      body: CreateAdvertisementBody,
    ): Promise<AdvertisementRecord> {
      return writeTransaction(db, async (tx) => {
        if (await repo.advertisementIdTaken(tx, scope.fleetId, body.advertisementId)) {
          throw new AppError("CONFLICT", `Advertisement ID ${body.advertisementId} is taken.`, {
            details: [{ path: "body.advertisementId", message: "is taken" }],
          });
        }
        const program = await advertisementRefsOrThrow(tx, scope, body);
        const row = await repo.createAdvertisement(tx, {
          fleetId: scope.fleetId,
          advertisementId: body.advertisementId,
          programRowId: program.id,
          ...advertData(body),
        });
        const record = toAdvertisement(row);
        await recordAudit(tx, actor, {
          action: "advertisement.create",
          entityType: "advertisement",
          entityId: body.advertisementId,
          after: record,
        });
        return record;
      });
    },

    async updateAdvertisement(
      actor: Actor,
      scope: FleetScope,
      advertisementId: string,
      version: number,
      body: UpdateAdvertisementBody,
    ): Promise<AdvertisementRecord> {
      if (body.advertisementId !== advertisementId) {
        throw new AppError("VALIDATION_FAILED", "The advertisement ID cannot change.", {
          details: [{ path: "body.advertisementId", message: `must be ${advertisementId}` }],
        });
      }
      return writeTransaction(db, async (tx) => {
        const before = await repo.findAdvertisement(tx, scope.fleetId, advertisementId);
        if (!before) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
        if (before.version !== version) throw staleVersion("advertisement");
        const program = await advertisementRefsOrThrow(tx, scope, body);
        if (before.state === "DISABLED" && body.state === "ACTIVE")
          await refuseWhileHalted(tx, scope, { advertisementId, advertisementRowId: before.id });
        const after = await repo.updateAdvertisementIfVersion(tx, before.id, version, {
          programRowId: program.id,
          ...advertData(body),
          ...(body.state ? { state: body.state } : {}),
        });
        if (!after) throw staleVersion("advertisement");
        const record = toAdvertisement(after);
        await recordAudit(tx, actor, {
          action: "advertisement.update",
          entityType: "advertisement",
          entityId: advertisementId,
          before: toAdvertisement(before),
          after: record,
        });
        return record;
      });
    },

    async advertisementStatus(scope: FleetScope, advertisementId: string): Promise<AdvertisementStatusSummary> {
      const a = await repo.findAdvertisement(db, scope.fleetId, advertisementId);
      if (!a) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
      const rows = await repo.statusCounts(db, scope.fleetId, advertisementId, a.collectionId, a.includeSubCollection);
      const byState: Partial<Record<ClientState, number>> = {};
      let targeted = 0;
      let noStatus = 0;
      for (const r of rows) {
        targeted += r.count;
        if (r.state === null) noStatus += r.count;
        else byState[r.state as ClientState] = r.count;
      }
      const succeeded = byState.SUCCEEDED ?? 0;
      return {
        advertisementId,
        targeted,
        byState: byState as Record<ClientState, number>,
        noStatus,
        succeeded,
        failed: byState.FAILED ?? 0,
        compliancePct: targeted === 0 ? 0 : Math.round((succeeded / targeted) * 10_000) / 100,
      };
    },
  };
}
export type DistributionService = ReturnType<typeof createDistributionService>;
