import type { DbClient } from "../../plugins/db.js";
import type { Prisma } from "@firebreak/db";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

const programSelect = {
  id: true,
  version: true,
  programName: true,
  commandLine: true,
  comment: true,
  programFlags: true,
  maxRunMinutes: true,
  kind: true,
  checksUpdatePresent: true,
  updatedAt: true,
  package: { select: { packageId: true } },
} as const;

const packageSelect = {
  id: true,
  version: true,
  packageId: true,
  name: true,
  pkgVersion: true,
  manufacturer: true,
  language: true,
  sourceSite: true,
  sourceVersion: true,
  sourceDate: true,
  sizeKB: true,
  sendingPriority: true,
  preferredSender: true,
  ignoreAddressSchedule: true,
  kind: true,
  updateIds: true,
} as const;

const advertisementSelect = {
  id: true,
  version: true,
  advertisementId: true,
  advertisementName: true,
  comment: true,
  collectionId: true,
  includeSubCollection: true,
  presentTime: true,
  expirationTime: true,
  assignedSchedule: true,
  assignedScheduleEnabled: true,
  advertFlags: true,
  remoteClientFlags: true,
  priority: true,
  state: true,
  updatedAt: true,
  program: { select: { programName: true, programFlags: true, package: { select: { packageId: true } } } },
} as const;

export type ProgramRow = Prisma.ProgramGetPayload<{ select: typeof programSelect }>;
export type PackageRow = Prisma.PackageGetPayload<{ select: typeof packageSelect }>;
export type AdvertisementRow = Prisma.AdvertisementGetPayload<{ select: typeof advertisementSelect }>;

export const distributionRepository = {
  // ── packages
  listPackages(db: DbClient, fleetId: string) {
    return db.package.findMany({
      where: { fleetId, deletedAt: null },
      orderBy: { packageId: "asc" },
      select: packageSelect,
    });
  },
  findPackage(db: DbClient, fleetId: string, packageId: string) {
    return db.package.findFirst({ where: { fleetId, packageId, deletedAt: null }, select: packageSelect });
  },
  async dpCounts(db: DbClient, fleetId: string): Promise<Map<string, { total: number; current: number }>> {
    const rows = await db.$queryRaw<{ package_row_id: string; total: bigint; current: bigint }[]>`
      SELECT d.package_row_id, count(*) AS total,
             count(*) FILTER (WHERE d.state = 'INSTALLED' AND d.stored_version = p.source_version) AS current
      FROM package_distributions d JOIN packages p ON p.id = d.package_row_id
      WHERE p.fleet_id = ${fleetId}::uuid GROUP BY d.package_row_id`;
    return new Map(rows.map((r) => [r.package_row_id, { total: Number(r.total), current: Number(r.current) }]));
  },
  listDistributions(db: DbClient, packageRowId: string) {
    return db.packageDistribution.findMany({
      where: { packageRowId },
      orderBy: [{ siteCode: "asc" }, { serverName: "asc" }],
    });
  },
  createPackage(db: DbClient, data: Prisma.PackageUncheckedCreateInput) {
    return db.package.create({ data, select: packageSelect });
  },
  async updatePackageIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.PackageUncheckedUpdateManyInput,
  ) {
    const { count } = await db.package.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.package.findUnique({ where: { id }, select: packageSelect }) : null;
  },
  /** Every distribution point of the fleet gets a row for the package, waiting for content. Its time is the
   *  epoch: no report has arrived yet, so any report is newer. */
  async targetAllDistributionPoints(db: DbClient, fleetId: string, packageRowId: string) {
    return db.$executeRaw`
      INSERT INTO package_distributions (package_row_id, server_name, site_code, stored_version, state, via, updated_at)
      SELECT ${packageRowId}::uuid, s.server_name, s.site_code, 0, 'PENDING', 'NETWORK', to_timestamp(0)
      FROM site_systems s WHERE s.fleet_id = ${fleetId}::uuid AND 'DP' = ANY(s.roles)
      ON CONFLICT DO NOTHING`;
  },

  // ── programs
  listPrograms(db: DbClient, packageRowId: string) {
    return db.program.findMany({ where: { packageRowId }, orderBy: { programName: "asc" }, select: programSelect });
  },
  findProgram(db: DbClient, packageRowId: string, programName: string) {
    return db.program.findUnique({
      where: { packageRowId_programName: { packageRowId, programName } },
      select: programSelect,
    });
  },
  createProgram(db: DbClient, data: Prisma.ProgramUncheckedCreateInput) {
    return db.program.create({ data, select: programSelect });
  },
  async updateProgramIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.ProgramUncheckedUpdateManyInput,
  ) {
    const { count } = await db.program.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.program.findUnique({ where: { id }, select: programSelect }) : null;
  },

  // ── advertisements
  listAdvertisements(db: DbClient, fleetId: string) {
    return db.advertisement.findMany({
      where: { fleetId, state: { not: "DELETED" } },
      orderBy: { advertisementId: "asc" },
      select: advertisementSelect,
    });
  },
  findAdvertisement(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findFirst({
      where: { fleetId, advertisementId, state: { not: "DELETED" } },
      select: advertisementSelect,
    });
  },
  advertisementIdTaken(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findUnique({
      where: { fleetId_advertisementId: { fleetId, advertisementId } },
      select: { id: true },
    });
  },
  createAdvertisement(db: DbClient, data: Prisma.AdvertisementUncheckedCreateInput) {
    return db.advertisement.create({ data, select: advertisementSelect });
  },
  async updateAdvertisementIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.AdvertisementUncheckedUpdateManyInput,
  ) {
    const { count } = await db.advertisement.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.advertisement.findUnique({ where: { id }, select: advertisementSelect }) : null;
  },

  /** Client states of the advertisement's targeted computers (sub-collections included when asked). */
  async statusCounts(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    collectionId: string,
    includeSub: boolean,
  ) {
    const all = await db.collection.findMany({
      where: { fleetId },
      select: { id: true, collectionId: true, parentCollectionId: true },
    });
    const root = all.find((c) => c.collectionId === collectionId);
    if (!root) return [];
    const rowIds = [root.id];
    if (includeSub) {
      // Walk the sub-collection tree (a visited set guards against a cycle in imported data).
      const seen = new Set([root.collectionId]);
      for (let i = 0; i < rowIds.length; i++) {
        const parent = all.find((c) => c.id === rowIds[i])!.collectionId;
        for (const child of all) {
          if (child.parentCollectionId === parent && !seen.has(child.collectionId)) {
            seen.add(child.collectionId);
            rowIds.push(child.id);
          }
        }
      }
    }
    const members =
      rowIds.length === 1
        ? `SELECT m.computer_row_id FROM collection_members m WHERE m.collection_row_id = ${uuidLiteral(rowIds[0]!)}`
        : `SELECT DISTINCT m.computer_row_id FROM collection_members m WHERE m.collection_row_id IN (${rowIds.map(uuidLiteral).join(",")})`;
    const rows = await db.$queryRawUnsafe<{ last_state: string | null; n: bigint }[]>(
      `SELECT s.last_state, count(*) AS n FROM (${members}) t
       JOIN computers c ON c.id = t.computer_row_id
       LEFT JOIN client_advert_status s ON s.fleet_id = ${uuidLiteral(fleetId)} AND s.advertisement_id = ${textLiteral(advertisementId)} AND s.resource_id = c.resource_id
       GROUP BY s.last_state`,
    );
    return rows.map((r) => ({ state: r.last_state, count: Number(r.n) }));
  },

  /** A halted (or rolling-back) case whose release uses this advertisement or package, if any. */
  async haltingCase(db: DbClient, fleetId: string, ref: { advertisementId?: string; packageId?: string }) {
    const conditions = [
      ...(ref.advertisementId ? [`record->>'advertisementId' = ${textLiteral(ref.advertisementId)}`] : []),
      ...(ref.packageId ? [`record->>'packageId' = ${textLiteral(ref.packageId)}`] : []),
    ];
    if (conditions.length === 0) return null;
    const rows = await db.$queryRawUnsafe<{ id: string; status: string }[]>(
      `SELECT id, status FROM update_cases WHERE fleet_id = ${uuidLiteral(fleetId)} AND status IN ('HALTED', 'ROLLING_BACK') AND (${conditions.join(" OR ")}) LIMIT 1`,
    );
    return rows[0] ?? null;
  },

  collectionExists(db: DbClient, fleetId: string, collectionId: string) {
    return db.collection.findUnique({
      where: { fleetId_collectionId: { fleetId, collectionId } },
      select: { id: true },
    });
  },
};
