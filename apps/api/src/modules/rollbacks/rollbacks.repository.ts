import type { Prisma } from "@firebreak/db";
import {
  APPLIED_STATES,
  type ListRollbacksQuery,
  type RollbackTargetRow,
  type TargetingFigures,
} from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

/** `('INSTALLED','INSTALLED_PENDING_REBOOT')`: compliance evidence that a computer applied an update. */
const APPLIED_SQL = `(${APPLIED_STATES.map((s) => `'${s}'`).join(",")})`;

/**
 * Members of a collection and, when asked, of its sub-collections, as a SQL fragment of computer
 * row ids (`computer_row_id`). The collection id and fleet are quoted literals.
 */
function membersSql(fleetId: string, collectionId: string, includeSub: boolean): string {
  const fleet = uuidLiteral(fleetId);
  return `WITH RECURSIVE tree AS (
      SELECT id, collection_id FROM collections WHERE fleet_id = ${fleet} AND collection_id = ${textLiteral(collectionId)}
      UNION ALL
      SELECT c.id, c.collection_id FROM collections c JOIN tree t ON c.parent_collection_id = t.collection_id AND c.fleet_id = ${fleet} WHERE ${includeSub ? "TRUE" : "FALSE"}
    ),
    members AS (SELECT DISTINCT m.computer_row_id FROM tree JOIN collection_members m ON m.collection_row_id = tree.id)`;
}

/** Computers of the fleet whose compliance shows `kb` applied: `id` (computer row), `resource_id`, `state`. */
function appliedSql(fleetId: string, kb: string, name = "applied"): string {
  return `${name} AS (
      SELECT comp.id, comp.resource_id, c.state::text AS state
      FROM update_compliance c JOIN computers comp ON comp.fleet_id = c.fleet_id AND comp.resource_id = c.resource_id
      WHERE c.fleet_id = ${uuidLiteral(fleetId)} AND c.update_id = ${textLiteral(kb)} AND c.state IN ${APPLIED_SQL}
    )`;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

const timelineSelect = {
  seq: true,
  at: true,
  type: true,
  actorName: true,
  actorRole: true,
  underAuthorityGrantId: true,
  caseId: true,
  emergencyId: true,
  payload: true,
} as const;

const rollbackSelect = {
  id: true,
  version: true,
  fleetId: true,
  updateId: true,
  caseId: true,
  emergencyId: true,
  status: true,
  priority: true,
  record: true,
  openedAt: true,
  updatedAt: true,
} as const;
export type RollbackRow = Prisma.RollbackGetPayload<{ select: typeof rollbackSelect }>;

const updateSelect = {
  id: true,
  version: true,
  createdAt: true,
  record: true,
  kbNumber: true,
  bulletinId: true,
  title: true,
  vendorSeverity: true,
} as const;

const CLOSED = ["CLOSED", "CANCELLED"];

/** The three kinds of SMS object IDs a rollback allocates: site code + five hex digits. */
export type SmsIdKind = "package" | "advertisement" | "collection";

export const rollbacksRepository = {
  // ── rollbacks
  async page(db: DbClient, q: ListRollbacksQuery & { fleetId: string }) {
    const where: Prisma.RollbackWhereInput = {
      fleetId: q.fleetId,
      ...(q.status ? { status: q.status } : q.open ? { status: { notIn: CLOSED } } : {}),
      ...(q.updateId ? { updateId: q.updateId } : {}),
      ...(q.caseId ? { caseId: q.caseId } : {}),
    };
    const [items, total] = await Promise.all([
      db.rollback.findMany({
        where,
        orderBy: [{ openedAt: "desc" }, { id: "asc" }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        select: rollbackSelect,
      }),
      db.rollback.count({ where }),
    ]);
    return { items, total };
  },
  find(db: DbClient, id: string) {
    return db.rollback.findUnique({ where: { id }, select: rollbackSelect });
  },
  findOpenForUpdate(db: DbClient, fleetId: string, updateId: string) {
    return db.rollback.findFirst({
      where: { fleetId, updateId, status: { notIn: CLOSED } },
      select: { id: true, status: true },
    });
  },
  /** The open rollback that keeps a case in step, if any (the case must not be resumed under it). */
  findOpenForCase(db: DbClient, caseId: string) {
    return db.rollback.findFirst({
      where: { caseId, status: { notIn: CLOSED } },
      select: { id: true, status: true },
    });
  },
  create(db: DbClient, data: Prisma.RollbackUncheckedCreateInput) {
    return db.rollback.create({ data, select: rollbackSelect });
  },
  async updateIfVersion(db: DbClient, id: string, version: number, data: Prisma.RollbackUncheckedUpdateManyInput) {
    const { count } = await db.rollback.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },
  /** The rollback's own timeline (indexed `rollback_id`): the newest `take` events, oldest first. */
  async timeline(db: DbClient, rollbackId: string, take = 500) {
    const newest = await db.timelineEvent.findMany({
      where: { rollbackId },
      orderBy: { seq: "desc" },
      take,
      select: timelineSelect,
    });
    return newest.reverse();
  },

  // ── software updates
  updatesByIds(db: DbClient, ids: string[]) {
    return db.softwareUpdate.findMany({ where: { id: { in: ids } }, select: updateSelect });
  },
  /**
   * The catalog the removal order is planned from: only updates released after this one (or of
   * unknown date) and those that name it as superseded — never the whole catalog.
   */
  laterCatalog(db: DbClient, kbNumber: string, releasedAt: Date) {
    return db.softwareUpdate.findMany({
      where: {
        kbNumber: { not: kbNumber },
        OR: [
          { releasedAt: { gt: releasedAt } },
          { releasedAt: null },
          { record: { path: ["supersedes"], array_contains: [kbNumber] } },
        ],
      },
      select: { record: true },
    });
  },
  /** Per later update: computers of the fleet whose compliance shows both it and `kbNumber` applied. */
  async coInstalledCounts(db: DbClient, fleetId: string, kbNumber: string, laterKbs: readonly string[]) {
    if (laterKbs.length === 0) return new Map<string, number>();
    const rows = await db.$queryRawUnsafe<{ update_id: string; n: bigint }[]>(
      `SELECT o.update_id, count(*) AS n
       FROM update_compliance o
       JOIN update_compliance m ON m.fleet_id = o.fleet_id AND m.resource_id = o.resource_id
         AND m.update_id = ${textLiteral(kbNumber)} AND m.state IN ${APPLIED_SQL}
       WHERE o.fleet_id = ${uuidLiteral(fleetId)} AND o.state IN ${APPLIED_SQL}
         AND o.update_id IN (${laterKbs.map(textLiteral).join(",")})
       GROUP BY o.update_id`,
    );
    return new Map(rows.map((r) => [r.update_id, num(r.n)]));
  },

  // ── the update's deployments
  /** Live advertisements of INSTALL programs whose package names the update: what a halt disables. */
  advertisementsInstalling(db: DbClient, fleetId: string, kbNumber: string) {
    return db.advertisement.findMany({
      where: {
        fleetId,
        state: { not: "DELETED" },
        program: { kind: "INSTALL", package: { deletedAt: null, updateIds: { has: kbNumber } } },
      },
      orderBy: [{ createdAt: "desc" }, { advertisementId: "asc" }],
      select: {
        advertisementId: true,
        advertisementName: true,
        collectionId: true,
        includeSubCollection: true,
        state: true,
        program: {
          select: { programName: true, programFlags: true, package: { select: { packageId: true } } },
        },
      },
    });
  },
  findAdvertisement(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findUnique({
      where: { fleetId_advertisementId: { fleetId, advertisementId } },
      select: {
        advertisementId: true,
        collectionId: true,
        includeSubCollection: true,
        program: { select: { programName: true, package: { select: { packageId: true } } } },
      },
    });
  },
  /** Live packages naming the update, with their advertisements: the clean-up plan's input. */
  packagesCarrying(db: DbClient, fleetId: string, kbNumber: string) {
    return db.package.findMany({
      where: { fleetId, deletedAt: null, updateIds: { has: kbNumber } },
      orderBy: { packageId: "asc" },
      select: {
        id: true,
        packageId: true,
        name: true,
        version: true,
        sourceVersion: true,
        kind: true,
        updateIds: true,
        programs: { select: { advertisements: { select: { id: true, advertisementId: true, state: true } } } },
      },
    });
  },
  /** Takes the update out of a package: new source version, as re-running the wizard did. Null when the version moved. */
  async removeUpdateFromPackage(db: DbClient, id: string, version: number, updateIds: string[]) {
    const { count } = await db.package.updateMany({
      where: { id, version, deletedAt: null },
      data: {
        updateIds,
        sourceVersion: { increment: 1 },
        sourceDate: new Date(),
        version: { increment: 1 },
      },
    });
    return count === 1;
  },
  /** Deletes a package (it keeps its row, marked deleted, for the audit trail and old status). */
  async deletePackage(db: DbClient, id: string, version: number, at: Date) {
    const { count } = await db.package.updateMany({
      where: { id, version, deletedAt: null },
      data: { deletedAt: at, version: { increment: 1 } },
    });
    return count === 1;
  },
  /** Deletes an advertisement: state DELETED, so clients stop seeing it and its status history stays. */
  async deleteAdvertisement(db: DbClient, id: string) {
    const { count } = await db.advertisement.updateMany({
      where: { id, state: { not: "DELETED" } },
      data: { state: "DELETED", version: { increment: 1 } },
    });
    return count === 1;
  },
  findProgramRow(db: DbClient, packageRowId: string, programName: string) {
    return db.program.findUnique({
      where: { packageRowId_programName: { packageRowId, programName } },
      select: { id: true },
    });
  },

  // ── targeting: counted in SQL, never by loading the computers (a fleet has 100k of them)
  /** Options A and B: the original collection's members, those with evidence, and evidence outside it. */
  async targetingFigures(
    db: DbClient,
    fleetId: string,
    kbNumber: string,
    original: { collectionId: string; includeSubCollection: boolean } | null,
  ): Promise<TargetingFigures> {
    const members = original
      ? membersSql(fleetId, original.collectionId, original.includeSubCollection)
      : "WITH members AS (SELECT NULL::uuid AS computer_row_id WHERE FALSE)";
    const [row] = await db.$queryRawUnsafe<Record<string, bigint | null>[]>(
      `${members}, ${appliedSql(fleetId, kbNumber)}
       SELECT
         (SELECT count(*) FROM members) AS members,
         (SELECT count(*) FROM members JOIN applied a ON a.id = members.computer_row_id) AS members_with_evidence,
         (SELECT count(*) FROM applied WHERE state = 'INSTALLED') AS installed,
         (SELECT count(*) FROM applied WHERE state <> 'INSTALLED') AS pending_reboot,
         (SELECT count(*) FROM applied a WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.computer_row_id = a.id)) AS outside`,
    );
    return {
      members: num(row?.members),
      membersWithEvidence: num(row?.members_with_evidence),
      installed: num(row?.installed),
      pendingReboot: num(row?.pending_reboot),
      evidenceOutsideCollection: num(row?.outside),
    };
  },
  /**
   * Order-sensitive rollbacks: per later update, the computers each option targets that have both
   * it and `kbNumber` applied (option A: members of the collection; option B: all with evidence).
   */
  async laterStillInstalled(
    db: DbClient,
    fleetId: string,
    kbNumber: string,
    laterKbs: readonly string[],
    original: { collectionId: string; includeSubCollection: boolean } | null,
  ) {
    if (laterKbs.length === 0) return [];
    const members = original
      ? membersSql(fleetId, original.collectionId, original.includeSubCollection)
      : "WITH members AS (SELECT NULL::uuid AS computer_row_id WHERE FALSE)";
    const rows = await db.$queryRawUnsafe<{ update_id: string; applied_only: bigint; same_collection: bigint }[]>(
      `${members}, ${appliedSql(fleetId, kbNumber)}
       SELECT o.update_id,
              count(*) AS applied_only,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM members m WHERE m.computer_row_id = a.id)) AS same_collection
       FROM applied a
       JOIN update_compliance o ON o.fleet_id = ${uuidLiteral(fleetId)} AND o.resource_id = a.resource_id
         AND o.state IN ${APPLIED_SQL} AND o.update_id IN (${laterKbs.map(textLiteral).join(",")})
       GROUP BY o.update_id`,
    );
    const byKb = new Map(rows.map((r) => [r.update_id, r]));
    return laterKbs.map((kb) => ({
      kbNumber: kb,
      sameCollection: num(byKb.get(kb)?.same_collection),
      appliedOnly: num(byKb.get(kb)?.applied_only),
    }));
  },
  /** Live advertisements of an INSTALL program whose package carries the update (what a halt stops). */
  liveInstallAdvertisements(db: DbClient, fleetId: string, kbNumber: string) {
    return db.advertisement.count({
      where: {
        fleetId,
        state: { not: "DELETED" },
        program: { kind: "INSTALL", package: { deletedAt: null, updateIds: { has: kbNumber } } },
      },
    });
  },

  /**
   * Option B's collection: exactly the computers with evidence, as direct membership rules, written
   * in SQL from the compliance rows (no id list leaves the database).
   */
  async fillAppliedCollection(db: DbClient, fleetId: string, collectionRowId: string, kbNumber: string) {
    const coll = uuidLiteral(collectionRowId);
    await db.collectionMember.deleteMany({ where: { collectionRowId } });
    const count = await db.$executeRawUnsafe(
      `WITH ${appliedSql(fleetId, kbNumber)}
       INSERT INTO collection_members (collection_row_id, computer_row_id) SELECT ${coll}, id FROM applied`,
    );
    await db.$executeRawUnsafe(
      `UPDATE collections SET
         rules = COALESCE((SELECT jsonb_agg(jsonb_build_object('type', 'DIRECT', 'resourceId', comp.resource_id) ORDER BY comp.resource_id)
                           FROM collection_members m JOIN computers comp ON comp.id = m.computer_row_id
                           WHERE m.collection_row_id = ${coll}), '[]'::jsonb),
         member_count = ${Number(count)}, evaluated_at = now()
       WHERE id = ${coll}`,
    );
    return Number(count);
  },

  // ── the targets snapshot (rollback_targets)
  /**
   * The computers the rollback advertisement targets, as they are when it is advertised, each with
   * whether compliance showed the update applied then. Written in SQL; returns the counts.
   */
  async snapshotTargets(
    db: DbClient,
    input: { rollbackId: string; fleetId: string; kbNumber: string; collectionId: string; includeSub: boolean },
  ): Promise<{ targeted: number; withEvidence: number }> {
    await db.rollbackTarget.deleteMany({ where: { rollbackId: input.rollbackId } });
    await db.$executeRawUnsafe(
      `${membersSql(input.fleetId, input.collectionId, input.includeSub)}, ${appliedSql(input.fleetId, input.kbNumber)}
       INSERT INTO rollback_targets (rollback_id, fleet_id, resource_id, had_update)
       SELECT ${uuidLiteral(input.rollbackId)}, ${uuidLiteral(input.fleetId)}, comp.resource_id,
              EXISTS (SELECT 1 FROM applied a WHERE a.id = comp.id)
       FROM members JOIN computers comp ON comp.id = members.computer_row_id`,
    );
    return this.snapshotCounts(db, input.rollbackId);
  },
  async snapshotCounts(db: DbClient, rollbackId: string): Promise<{ targeted: number; withEvidence: number }> {
    const [targeted, withEvidence] = await Promise.all([
      db.rollbackTarget.count({ where: { rollbackId } }),
      db.rollbackTarget.count({ where: { rollbackId, hadUpdate: true } }),
    ]);
    return { targeted, withEvidence };
  },
  /**
   * Every targeted computer with what verification reads: compliance of the update, the client's
   * status for the rollback advertisement, when it was last seen, and its rollback task — one join.
   */
  async verificationRows(
    db: DbClient,
    input: { rollbackId: string; kbNumber: string; advertisementId: string },
  ): Promise<(RollbackTargetRow & { name: string | null; isLaptop: boolean; connectionProfile: string | null })[]> {
    const rows = await db.$queryRawUnsafe<
      {
        resource_id: number;
        had_update: boolean;
        compliance_state: string | null;
        state_time: Date | null;
        last_state: string | null;
        last_status_time: Date | null;
        last_exit_code: bigint | number | null;
        last_seen_at: Date | null;
        name: string | null;
        is_laptop: boolean | null;
        connection_profile: string | null;
        task_id: string | null;
        task_state: string | null;
      }[]
    >(
      `SELECT t.resource_id, t.had_update,
              c.state::text AS compliance_state, c.state_time,
              s.last_state, s.last_status_time, s.last_exit_code,
              comp.last_seen_at, comp.name, comp.is_laptop, comp.connection_profile::text AS connection_profile,
              o.id::text AS task_id, o.state AS task_state
       FROM rollback_targets t
       LEFT JOIN update_compliance c
         ON c.fleet_id = t.fleet_id AND c.update_id = ${textLiteral(input.kbNumber)} AND c.resource_id = t.resource_id
       LEFT JOIN client_advert_status s
         ON s.fleet_id = t.fleet_id AND s.advertisement_id = ${textLiteral(input.advertisementId)} AND s.resource_id = t.resource_id
       LEFT JOIN computers comp ON comp.fleet_id = t.fleet_id AND comp.resource_id = t.resource_id
       LEFT JOIN LATERAL (
         SELECT id, state FROM out_of_band_tasks x
         WHERE x.rollback_id = t.rollback_id AND x.target_key = t.resource_id::text
         ORDER BY x.created_at LIMIT 1
       ) o ON TRUE
       WHERE t.rollback_id = ${uuidLiteral(input.rollbackId)}
       ORDER BY t.resource_id`,
    );
    return rows.map((r) => ({
      resourceId: r.resource_id,
      hadUpdate: r.had_update,
      complianceState: r.compliance_state,
      complianceTime: r.state_time,
      clientState: r.last_state,
      clientStatusTime: r.last_status_time,
      exitCode: r.last_exit_code === null ? null : Number(r.last_exit_code),
      lastSeenAt: r.last_seen_at,
      taskId: r.task_id,
      taskState: r.task_state,
      name: r.name,
      isLaptop: r.is_laptop ?? false,
      connectionProfile: r.connection_profile,
    }));
  },

  // ── out-of-band tasks of the rollback
  /** The rollback's tasks, open ones first, at most `take`. */
  oobTasks(db: DbClient, rollbackId: string, take = 200) {
    return db.$queryRawUnsafe<
      { id: string; target_key: string; state: string; due_at: Date | null; label: string | null }[]
    >(
      `SELECT id::text AS id, target_key, state, due_at, record->'targetRef'->>'label' AS label
       FROM out_of_band_tasks WHERE rollback_id = ${uuidLiteral(rollbackId)}
       ORDER BY (state IN ('DONE', 'NOT_NEEDED')), due_at NULLS LAST, target_key
       LIMIT ${Math.max(1, Math.floor(take))}`,
    );
  },
  async oobTaskCounts(db: DbClient, rollbackId: string): Promise<Record<string, number>> {
    const rows = await db.outOfBandTask.groupBy({ by: ["state"], where: { rollbackId }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.state, r._count._all]));
  },
  /** The tasks to close, with their record and version (ids in chunks: never one huge IN list). */
  async tasksByIds(db: DbClient, ids: readonly string[]) {
    const out: { id: string; version: number; record: Prisma.JsonValue; state: string }[] = [];
    for (let i = 0; i < ids.length; i += 2_000) {
      out.push(
        ...(await db.outOfBandTask.findMany({
          where: { id: { in: ids.slice(i, i + 2_000) } },
          select: { id: true, version: true, record: true, state: true },
        })),
      );
    }
    return out;
  },
  /** Writes closed tasks in chunks, each only at the version read; returns how many were written. */
  async closeTasks(db: DbClient, rows: { id: string; version: number; state: string; record: unknown }[]) {
    let count = 0;
    for (let i = 0; i < rows.length; i += 1_000) {
      const values = rows
        .slice(i, i + 1_000)
        .map(
          (r) =>
            `(${uuidLiteral(r.id)}, ${Number(r.version)}, ${textLiteral(r.state)}, ${textLiteral(JSON.stringify(r.record))}::jsonb)`,
        );
      count += await db.$executeRawUnsafe(
        `UPDATE out_of_band_tasks t SET state = v.state, record = v.record, version = t.version + 1, updated_at = now()
         FROM (VALUES ${values.join(",\n")}) AS v(id, version, state, record)
         WHERE t.id = v.id AND t.version = v.version`,
      );
    }
    return count;
  },

  // ── people named in a record
  userNames(db: DbClient, ids: readonly string[]) {
    const uuids = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
    if (uuids.length === 0) return Promise.resolve([]);
    return db.user.findMany({ where: { id: { in: uuids } }, select: { id: true, displayName: true } });
  },

  // ── SMS IDs for new objects
  async centralSiteCode(db: DbClient, fleetId: string): Promise<string | null> {
    const site = await db.site.findFirst({
      where: { fleetId, type: "CENTRAL" },
      orderBy: { siteCode: "asc" },
      select: { siteCode: true },
    });
    return site?.siteCode ?? null;
  },
  /** The highest five-hex-digit suffix in use under `siteCode` for this kind (deleted objects included). */
  async maxSmsIdSuffix(db: DbClient, fleetId: string, kind: SmsIdKind, siteCode: string): Promise<number> {
    const ids =
      kind === "package"
        ? (
            await db.package.findMany({
              where: { fleetId, packageId: { startsWith: siteCode } },
              select: { packageId: true },
            })
          ).map((r) => r.packageId)
        : kind === "advertisement"
          ? (
              await db.advertisement.findMany({
                where: { fleetId, advertisementId: { startsWith: siteCode } },
                select: { advertisementId: true },
              })
            ).map((r) => r.advertisementId)
          : (
              await db.collection.findMany({
                where: { fleetId, collectionId: { startsWith: siteCode } },
                select: { collectionId: true },
              })
            ).map((r) => r.collectionId);
    let max = 0;
    for (const id of ids) {
      const suffix = id.slice(siteCode.length);
      if (/^[0-9A-F]{5}$/.test(suffix)) max = Math.max(max, parseInt(suffix, 16));
    }
    return max;
  },
  packageIdTaken(db: DbClient, fleetId: string, packageId: string) {
    return db.package.findUnique({ where: { fleetId_packageId: { fleetId, packageId } }, select: { id: true } });
  },
};
