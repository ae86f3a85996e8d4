import type { DbClient } from "../../plugins/db.js";
import type { Prisma } from "@firebreak/db";
import type { ListComputersQuery } from "@firebreak/domain";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

const siteSelect = {
  id: true,
  version: true,
  siteCode: true,
  name: true,
  type: true,
  parentSiteCode: true,
  utcOffsetMinutes: true,
} as const;
const addressSelect = {
  id: true,
  version: true,
  addressId: true,
  siteCode: true,
  destSiteCode: true,
  addressType: true,
  priorityOrder: true,
  usageSchedule: true,
  unavailableAsSubstitute: true,
  rateLimit: true,
  bandwidthKbps: true,
  savedBaseline: true,
  updatedAt: true,
} as const;
const collectionSelect = {
  id: true,
  version: true,
  collectionId: true,
  name: true,
  parentCollectionId: true,
  rules: true,
  purpose: true,
  memberCount: true,
  evaluatedAt: true,
} as const;

export type SiteRow = Prisma.SiteGetPayload<{ select: typeof siteSelect }>;
export type SenderAddressRow = Prisma.SenderAddressGetPayload<{ select: typeof addressSelect }>;
export interface ComputerRow {
  id: string;
  resourceId: number;
  name: string;
  siteCode: string;
  os: string;
  servicePack: string | null;
  clientType: "LEGACY" | "ADVANCED";
  isLaptop: boolean;
  connectionProfile: "LAN" | "WAN" | "VPN" | "DIALUP";
  boundaryId: string | null;
  isPatchInfrastructure: boolean;
  lastSeenAt: Date | null;
  /** Null when the import did not measure it. */
  onlineRatio: number | null;
}

const computerSortColumns: Record<ListComputersQuery["sort"], string> = {
  name: "c.name",
  resourceId: "c.resource_id",
  siteCode: "c.site_code",
  connectionProfile: "c.connection_profile",
  lastSeenAt: "c.last_seen_at",
  os: "c.os",
};

interface ComputerSqlRow {
  id: string;
  resource_id: number;
  name: string;
  site_code: string;
  os: string;
  service_pack: string | null;
  client_type: ComputerRow["clientType"];
  is_laptop: boolean;
  connection_profile: ComputerRow["connectionProfile"];
  boundary_id: string | null;
  is_patch_infrastructure: boolean;
  last_seen_at: Date | null;
  online_ratio: number | null;
}

const computerFromSql = (r: ComputerSqlRow): ComputerRow => ({
  id: r.id,
  resourceId: r.resource_id,
  name: r.name,
  siteCode: r.site_code,
  os: r.os,
  servicePack: r.service_pack,
  clientType: r.client_type,
  isLaptop: r.is_laptop,
  connectionProfile: r.connection_profile,
  boundaryId: r.boundary_id,
  isPatchInfrastructure: r.is_patch_infrastructure,
  lastSeenAt: r.last_seen_at,
  onlineRatio: r.online_ratio,
});
export type CollectionRow = Prisma.CollectionGetPayload<{ select: typeof collectionSelect }>;

export const fleetRepository = {
  fleetExists(db: DbClient, fleetId: string) {
    return db.fleet.findUnique({ where: { id: fleetId }, select: { id: true, kind: true } });
  },

  // ── sites
  listSites(db: DbClient, fleetId: string) {
    return db.site.findMany({ where: { fleetId }, orderBy: { siteCode: "asc" }, select: siteSelect });
  },
  findSite(db: DbClient, fleetId: string, siteCode: string) {
    return db.site.findUnique({ where: { fleetId_siteCode: { fleetId, siteCode } }, select: siteSelect });
  },
  async computerCountsBySite(db: DbClient, fleetId: string): Promise<Map<string, number>> {
    const rows = await db.computer.groupBy({ by: ["siteCode"], where: { fleetId }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.siteCode, r._count._all]));
  },
  createSite(
    db: DbClient,
    fleetId: string,
    data: {
      siteCode: string;
      name: string;
      type: SiteRow["type"];
      parentSiteCode: string | null;
      utcOffsetMinutes?: number;
    },
  ) {
    return db.site.create({ data: { fleetId, ...data }, select: siteSelect });
  },
  async updateSiteIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: { name?: string; utcOffsetMinutes?: number },
  ) {
    const { count } = await db.site.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.site.findUnique({ where: { id }, select: siteSelect }) : null;
  },
  upsertSite(
    db: DbClient,
    fleetId: string,
    data: {
      siteCode: string;
      name: string;
      type: SiteRow["type"];
      parentSiteCode: string | null;
      utcOffsetMinutes?: number;
    },
  ) {
    return db.site.upsert({
      where: { fleetId_siteCode: { fleetId, siteCode: data.siteCode } },
      create: { fleetId, ...data },
      update: { ...data, version: { increment: 1 } },
      select: { id: true },
    });
  },

  listSiteSystems(db: DbClient, fleetId: string) {
    return db.siteSystem.findMany({ where: { fleetId }, orderBy: [{ siteCode: "asc" }, { serverName: "asc" }] });
  },
  upsertSiteSystem(
    db: DbClient,
    fleetId: string,
    data: {
      serverName: string;
      siteCode: string;
      roles: Prisma.SiteSystemCreateInput["roles"];
      bitsEnabled?: boolean;
      /** Omitted (undefined): a new row stores null, an existing row keeps its value. */
      contentLinkKbps?: number;
      capacityKbps?: number;
    },
  ) {
    return db.siteSystem.upsert({
      where: { fleetId_serverName: { fleetId, serverName: data.serverName } },
      create: { fleetId, ...data } as Prisma.SiteSystemUncheckedCreateInput,
      // Prisma leaves undefined fields untouched, so a re-import that omits the links keeps them.
      update: data as Prisma.SiteSystemUncheckedUpdateInput,
      select: { id: true },
    });
  },

  listBoundaries(db: DbClient, fleetId: string) {
    return db.boundary.findMany({ where: { fleetId }, orderBy: { boundaryId: "asc" } });
  },
  upsertBoundary(db: DbClient, fleetId: string, data: Omit<Prisma.BoundaryUncheckedCreateInput, "fleetId" | "id">) {
    return db.boundary.upsert({
      where: { fleetId_boundaryId: { fleetId, boundaryId: data.boundaryId } },
      create: { fleetId, ...data },
      update: data,
      select: { id: true },
    });
  },

  // ── sender addresses
  listAddresses(db: DbClient, fleetId: string) {
    return db.senderAddress.findMany({
      where: { fleetId },
      orderBy: [{ siteCode: "asc" }, { destSiteCode: "asc" }, { priorityOrder: "asc" }],
      select: addressSelect,
    });
  },
  findAddress(db: DbClient, fleetId: string, addressId: string) {
    return db.senderAddress.findUnique({ where: { fleetId_addressId: { fleetId, addressId } }, select: addressSelect });
  },
  async updateAddressIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.SenderAddressUncheckedUpdateInput,
  ) {
    const { count } = await db.senderAddress.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } } as Prisma.SenderAddressUncheckedUpdateManyInput,
    });
    return count === 1 ? db.senderAddress.findUnique({ where: { id }, select: addressSelect }) : null;
  },
  upsertAddress(db: DbClient, fleetId: string, data: Omit<Prisma.SenderAddressUncheckedCreateInput, "fleetId" | "id">) {
    return db.senderAddress.upsert({
      where: { fleetId_addressId: { fleetId, addressId: data.addressId } },
      create: { fleetId, ...data },
      update: { ...data, version: { increment: 1 } },
      select: { id: true },
    });
  },

  // ── computers
  async pageComputers(db: DbClient, fleetId: string, q: ListComputersQuery) {
    const where = [`c.fleet_id = ${uuidLiteral(fleetId)}`];
    if (q.search) where.push(`c.name ILIKE ${textLiteral(`%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)}`);
    if (q.siteCode) where.push(`c.site_code = ${textLiteral(q.siteCode)}`);
    if (q.connectionProfile) where.push(`c.connection_profile = ${textLiteral(q.connectionProfile)}`);
    if (q.clientType) where.push(`c.client_type = ${textLiteral(q.clientType)}`);
    if (q.isLaptop !== undefined) where.push(`c.is_laptop = ${q.isLaptop}`);
    if (q.isPatchInfrastructure !== undefined) where.push(`c.is_patch_infrastructure = ${q.isPatchInfrastructure}`);
    if (q.collectionId) {
      where.push(`EXISTS (SELECT 1 FROM collection_members m JOIN collections col ON col.id = m.collection_row_id
        WHERE m.computer_row_id = c.id AND col.fleet_id = ${uuidLiteral(fleetId)} AND col.collection_id = ${textLiteral(q.collectionId)})`);
    }
    const column = computerSortColumns[q.sort];
    const order = q.order === "desc" ? "DESC" : "ASC";
    const whereSql = where.join(" AND ");
    // The page walks the (fleet, sort column) index and stops after LIMIT rows; the total is a
    // separate count. A window count(*) OVER () in the same statement forces the whole sorted set.
    const [rows, counted] = await Promise.all([
      db.$queryRawUnsafe<ComputerSqlRow[]>(
        `SELECT c.id, c.resource_id, c.name, c.site_code, c.os, c.service_pack, c.client_type::text AS client_type, c.is_laptop,
                c.connection_profile::text AS connection_profile, c.boundary_id, c.is_patch_infrastructure, c.last_seen_at, c.online_ratio
         FROM computers c WHERE ${whereSql}
         ORDER BY ${column} ${order} NULLS LAST, c.resource_id ASC
         OFFSET ${(q.page - 1) * q.pageSize} LIMIT ${q.pageSize}`,
      ),
      db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM computers c WHERE ${whereSql}`),
    ]);
    const total = Number(counted[0]!.n);
    return { items: rows.map(computerFromSql), total };
  },
  /** Bulk upsert in one statement per chunk: INSERT … ON CONFLICT keeps imports of 100k computers fast. */
  async upsertComputers(db: DbClient, fleetId: string, rows: Omit<Prisma.ComputerCreateManyInput, "fleetId" | "id">[]) {
    if (rows.length === 0) return 0;
    const values = rows.map(
      (r) =>
        `(gen_random_uuid(), '${fleetId}', ${Number(r.resourceId)}, ${lit(r.name)}, ${lit(r.siteCode)}, ${lit(r.os)}, ${r.servicePack == null ? "NULL" : lit(r.servicePack)}, '${r.clientType}', ${r.isLaptop ? "true" : "false"}, '${r.connectionProfile}', ${r.boundaryId == null ? "NULL" : lit(r.boundaryId)}, ${r.isPatchInfrastructure ? "true" : "false"}, ${r.lastSeenAt ? lit(new Date(r.lastSeenAt).toISOString()) + "::timestamptz" : "NULL"}, ${r.onlineRatio == null ? "NULL" : Number(r.onlineRatio)})`,
    );
    return db.$executeRawUnsafe(`
      INSERT INTO computers (id, fleet_id, resource_id, name, site_code, os, service_pack, client_type, is_laptop, connection_profile, boundary_id, is_patch_infrastructure, last_seen_at, online_ratio)
      VALUES ${values.join(",")}
      ON CONFLICT (fleet_id, resource_id) DO UPDATE SET name = EXCLUDED.name, site_code = EXCLUDED.site_code, os = EXCLUDED.os,
        service_pack = EXCLUDED.service_pack, client_type = EXCLUDED.client_type, is_laptop = EXCLUDED.is_laptop,
        connection_profile = EXCLUDED.connection_profile, boundary_id = EXCLUDED.boundary_id,
        is_patch_infrastructure = EXCLUDED.is_patch_infrastructure, last_seen_at = EXCLUDED.last_seen_at,
        online_ratio = COALESCE(EXCLUDED.online_ratio, computers.online_ratio)`);
  },

  // ── compliance
  async complianceCounts(db: DbClient, fleetId: string) {
    const rows = await db.$queryRawUnsafe<{ update_id: string; state: string; n: bigint }[]>(
      `SELECT update_id, state, count(*) AS n FROM update_compliance WHERE fleet_id = ${uuidLiteral(fleetId)} GROUP BY update_id, state`,
    );
    rows.sort((a, b) => (a.update_id < b.update_id ? -1 : a.update_id > b.update_id ? 1 : 0));
    return rows.map((r) => ({ updateId: r.update_id, state: r.state, count: Number(r.n) }));
  },

  // ── collections
  listCollections(db: DbClient, fleetId: string) {
    return db.collection.findMany({ where: { fleetId }, orderBy: { collectionId: "asc" }, select: collectionSelect });
  },
  findCollection(db: DbClient, fleetId: string, collectionId: string) {
    return db.collection.findUnique({
      where: { fleetId_collectionId: { fleetId, collectionId } },
      select: collectionSelect,
    });
  },
  upsertCollection(
    db: DbClient,
    fleetId: string,
    data: {
      collectionId: string;
      name: string;
      parentCollectionId: string | null;
      rules: Prisma.InputJsonValue;
      purpose: CollectionRow["purpose"];
    },
  ) {
    return db.collection.upsert({
      where: { fleetId_collectionId: { fleetId, collectionId: data.collectionId } },
      create: { fleetId, ...data },
      update: { ...data, version: { increment: 1 } },
      select: { id: true },
    });
  },
  /** Replaces a collection's materialised membership with the computers whose resource ids are given. */
  async replaceMembers(db: DbClient, fleetId: string, collectionRowId: string, resourceIds: number[]) {
    await db.collectionMember.deleteMany({ where: { collectionRowId } });
    let count = 0;
    for (let i = 0; i < resourceIds.length; i += 20_000) {
      const chunk = resourceIds.slice(i, i + 20_000);
      count += await db.$executeRawUnsafe(
        `INSERT INTO collection_members (collection_row_id, computer_row_id)
         SELECT '${collectionRowId}', id FROM computers WHERE fleet_id = '${fleetId}' AND resource_id = ANY(ARRAY[${chunk.map(Number).join(",")}]::int[])`,
      );
    }
    await db.collection.update({
      where: { id: collectionRowId },
      data: { memberCount: count, evaluatedAt: new Date() },
    });
    return count;
  },
  /** Members of a collection and, when asked, of its sub-collections. */
  async memberResourceIds(db: DbClient, fleetId: string, collectionId: string, includeSub: boolean): Promise<number[]> {
    const rows = await db.$queryRawUnsafe<{ resource_id: number }[]>(
      `WITH RECURSIVE tree AS (
         SELECT id, collection_id FROM collections WHERE fleet_id = $1 AND collection_id = $2
         UNION ALL
         SELECT c.id, c.collection_id FROM collections c JOIN tree t ON c.parent_collection_id = t.collection_id AND c.fleet_id = $1 WHERE $3
       )
       SELECT DISTINCT comp.resource_id FROM tree JOIN collection_members m ON m.collection_row_id = tree.id JOIN computers comp ON comp.id = m.computer_row_id`,
      fleetId,
      collectionId,
      includeSub,
    );
    return rows.map((r) => r.resource_id);
  },
};

/** A SQL string literal; values come from zod-validated input, quoting keeps them inert. */
function lit(value: string): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}
