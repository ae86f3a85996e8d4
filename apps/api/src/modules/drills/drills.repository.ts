import type { Prisma } from "@firebreak/db";
import type { Role } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";

const drillSelect = {
  id: true,
  scenarioId: true,
  title: true,
  state: true,
  scheduledStart: true,
  startedAt: true,
  endedAt: true,
  umpireId: true,
  sandboxFleetId: true,
  emergencyId: true,
  record: true,
  signedOffAt: true,
  version: true,
  createdAt: true,
} as const;
export type DrillRow = Prisma.DrillGetPayload<{ select: typeof drillSelect }>;

/** The columns copied from the domain record next to it (what lists filter and sort on). */
export interface DrillColumns {
  scenarioId: string;
  title: string;
  state: string;
  scheduledStart: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  umpireId: string;
  signedOffAt: Date | null;
  sandboxFleetId: string | null;
  emergencyId: string | null;
}

const STAFF_ROLES: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN", "MANAGER", "OBSERVER"];

export const drillsRepository = {
  create(db: DbClient, cols: DrillColumns, record: unknown): Promise<DrillRow> {
    return db.drill.create({
      data: { ...cols, record: record as Prisma.InputJsonValue },
      select: drillSelect,
    });
  },
  find(db: DbClient, id: string): Promise<DrillRow | null> {
    return db.drill.findUnique({ where: { id }, select: drillSelect });
  },
  findBySandbox(db: DbClient, fleetId: string): Promise<DrillRow | null> {
    return db.drill.findUnique({ where: { sandboxFleetId: fleetId }, select: drillSelect });
  },
  list(db: DbClient, take = 500): Promise<DrillRow[]> {
    return db.drill.findMany({ orderBy: [{ scheduledStart: "desc" }], take, select: drillSelect });
  },
  listInStates(db: DbClient, states: readonly string[]): Promise<DrillRow[]> {
    return db.drill.findMany({
      where: { state: { in: [...states] } },
      orderBy: [{ startedAt: "asc" }],
      select: drillSelect,
    });
  },

  /**
   * Writes the domain record's top-level keys (jsonb `||`) and the copied columns when the stored
   * version is still `version`, and bumps it. The player's `sandbox` key is left as it is, so the
   * umpire's actions and the player never overwrite each other.
   */
  async updateIfVersion(
    db: DbClient,
    id: string,
    version: number,
    cols: Omit<DrillColumns, "scenarioId" | "umpireId"> & { scenarioId: string; umpireId: string },
    drill: unknown,
  ): Promise<boolean> {
    const count = await db.$executeRaw`
      UPDATE drills SET
        record = record || ${JSON.stringify(drill)}::jsonb,
        scenario_id = ${cols.scenarioId},
        title = ${cols.title},
        state = ${cols.state},
        scheduled_start = ${cols.scheduledStart},
        started_at = ${cols.startedAt},
        ended_at = ${cols.endedAt},
        umpire_id = ${cols.umpireId}::uuid,
        signed_off_at = ${cols.signedOffAt},
        sandbox_fleet_id = ${cols.sandboxFleetId}::uuid,
        emergency_id = ${cols.emergencyId}::uuid,
        version = version + 1,
        updated_at = now()
      WHERE id = ${id}::uuid AND version = ${version}`;
    return count === 1;
  },

  /**
   * The player's bookkeeping (simulated time reached, what it follows, samples), written only by
   * the lease holder, which renews the lease with it; no version bump. False = the lease is
   * someone else's now: the caller drops what it has in memory.
   */
  async setSandbox(db: DbClient, id: string, owner: string, sandbox: unknown, leaseUntil: Date): Promise<boolean> {
    const lease = JSON.stringify({ owner, until: leaseUntil.toISOString() });
    const count = await db.$executeRaw`
      UPDATE drills SET record = jsonb_set(jsonb_set(record, '{sandbox}', ${JSON.stringify(sandbox)}::jsonb), '{lease}', ${lease}::jsonb)
      WHERE id = ${id}::uuid AND record->'lease'->>'owner' = ${owner}`;
    return count === 1;
  },

  /** Locks the drill row for the rest of the transaction (joins, so two at once acknowledge once). */
  async lock(db: DbClient, id: string): Promise<void> {
    await db.$queryRaw`SELECT id FROM drills WHERE id = ${id}::uuid FOR UPDATE`;
  },

  /** The drill whose sandbox this fleet is, if any (the sandbox write guard). */
  findStateBySandbox(db: DbClient, fleetIds: string[]) {
    return db.drill.findFirst({
      where: { sandboxFleetId: { in: fleetIds } },
      select: { id: true, title: true, state: true, endedAt: true },
    });
  },

  /** The fleet a case, emergency, out-of-band task or rollback belongs to (the sandbox write guard). */
  async fleetOfEntity(
    db: DbClient,
    kind: "case" | "emergency" | "oobTask" | "rollback",
    id: string,
  ): Promise<string | null> {
    const where = { where: { id }, select: { fleetId: true } } as const;
    const row =
      kind === "case"
        ? await db.updateCase.findUnique(where)
        : kind === "emergency"
          ? await db.emergency.findUnique(where)
          : kind === "oobTask"
            ? await db.outOfBandTask.findUnique(where)
            : await db.rollback.findUnique(where);
    return row?.fleetId ?? null;
  },

  /** The sandbox's ingest token stops working when the drill ends. */
  async revokeIngestToken(db: DbClient, tokenId: string, at: Date): Promise<void> {
    await db.ingestToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: at } });
  },

  /**
   * Resource ids of the machines an update applies to (any compliance state but NOT_APPLICABLE)
   * and of those that have it (INSTALLED / INSTALLED_PENDING_REBOOT).
   */
  async updateCoverageIds(
    db: DbClient,
    fleetId: string,
    updateId: string,
  ): Promise<{ applicable: number[]; installed: number[] }> {
    const rows = await db.updateCompliance.findMany({
      where: { fleetId, updateId, state: { not: "NOT_APPLICABLE" } },
      select: { resourceId: true, state: true },
    });
    return {
      applicable: rows.map((r) => r.resourceId),
      installed: rows
        .filter((r) => r.state === "INSTALLED" || r.state === "INSTALLED_PENDING_REBOOT")
        .map((r) => r.resourceId),
    };
  },

  /** Every halt of the sandbox's advertisements (in force or lifted), oldest first: tHalt's stop. */
  haltsOfFleet(db: DbClient, fleetId: string) {
    return db.releaseHalt.findMany({
      where: { fleetId },
      orderBy: { haltedAt: "asc" },
      select: {
        haltedAt: true,
        haltedBy: true,
        automaticRule: true,
        advertisement: { select: { advertisementId: true } },
      },
    });
  },

  /** "Program started" (10005) messages of an advertisement received after `after`: the last one and how many. */
  async startsReceivedAfter(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    after: Date,
  ): Promise<{ count: number; last: Date | null }> {
    const r = await db.statusMessage.aggregate({
      where: { fleetId, advertisementId, messageId: 10005, receivedAt: { gt: after } },
      _count: { _all: true },
      _max: { receivedAt: true },
    });
    return { count: r._count._all, last: r._max.receivedAt };
  },

  /** CORE acceptance tests of the cases of an update in the sandbox (tCoreTestPass's stop). */
  async coreTestIds(db: DbClient, fleetId: string, updateRowId: string): Promise<string[]> {
    const rows = await db.acceptanceTest.findMany({
      where: { scope: "CORE", case: { fleetId, updateId: updateRowId } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  },

  /** A passed test stored with the drill's release case (its history before T0). */
  createPassedTest(
    db: DbClient,
    data: { id: string; caseId: string; name: string; scope: string; executedAt: Date; executedBy: string },
  ) {
    return db.acceptanceTest.create({
      data: { ...data, result: "PASSED" },
      select: { id: true },
    });
  },

  /** Live packages of the sandbox (the player follows them from their creation). */
  packagesOfFleet(db: DbClient, fleetId: string) {
    return db.package.findMany({
      where: { fleetId, deletedAt: null },
      select: { packageId: true },
      orderBy: { packageId: "asc" },
    });
  },

  findUpdateByKb(db: DbClient, kbNumber: string) {
    return db.softwareUpdate.findUnique({ where: { kbNumber }, select: { id: true } });
  },
  createCatalogUpdate(db: DbClient, data: Prisma.SoftwareUpdateCreateInput) {
    return db.softwareUpdate.create({ data, select: { id: true } });
  },

  /**
   * One player per drill across API instances: a lease in the record, taken when free, expired
   * or already ours. Returns whether we hold it.
   */
  async claimLease(db: DbClient, id: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const lease = JSON.stringify({ owner, until: until.toISOString() });
    const count = await db.$executeRaw`
      UPDATE drills SET record = jsonb_set(record, '{lease}', ${lease}::jsonb)
      WHERE id = ${id}::uuid
        AND (record->'lease' IS NULL
          OR record->'lease'->>'owner' = ${owner}
          OR (record->'lease'->>'until')::timestamptz < ${now})`;
    return count === 1;
  },

  createSandboxFleet(db: DbClient, name: string) {
    return db.fleet.create({ data: { kind: "DRILL_SANDBOX", name }, select: { id: true } });
  },

  /** Staff who can umpire, take part or own a finding. */
  staff(db: DbClient) {
    return db.user.findMany({
      where: { disabled: false, role: { in: [...STAFF_ROLES] } },
      orderBy: [{ displayName: "asc" }],
      select: { id: true, username: true, displayName: true, role: true },
    });
  },
  usersByIds(db: DbClient, ids: string[]) {
    return db.user.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, username: true, displayName: true, role: true, disabled: true },
    });
  },

  /** Every timeline event of the sandbox fleet, oldest first: the metrics' source. */
  timelineOfFleet(db: DbClient, fleetId: string, take = 20_000) {
    return db.timelineEvent.findMany({
      where: { fleetId },
      orderBy: [{ at: "asc" }, { seq: "asc" }],
      take,
      select: { seq: true, at: true, type: true, actorId: true, payload: true },
    });
  },
  oobTasksOfFleet(db: DbClient, fleetId: string) {
    return db.outOfBandTask.findMany({
      where: { fleetId },
      select: { kind: true, state: true, targetType: true, targetKey: true, record: true },
    });
  },
  advertisementFlagsOfFleet(db: DbClient, fleetId: string) {
    return db.advertisement.findMany({
      where: { fleetId, state: { not: "DELETED" } },
      select: {
        advertisementId: true,
        advertFlags: true,
        remoteClientFlags: true,
        assignedSchedule: true,
        assignedScheduleEnabled: true,
      },
    });
  },
  /** Active advertisements of the sandbox with their program flags (what the player follows). */
  activeAdvertisements(db: DbClient, fleetId: string) {
    return db.advertisement.findMany({
      where: { fleetId, state: "ACTIVE" },
      select: { advertisementId: true },
      orderBy: { advertisementId: "asc" },
    });
  },
};
