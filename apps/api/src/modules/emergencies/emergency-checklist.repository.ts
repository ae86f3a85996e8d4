import type { Prisma } from "@firebreak/db";
import type { BoundaryConnection, ChecklistComputer, ClientType, ConnectionProfile } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

interface TargetSqlRow {
  resource_id: number;
  name: string;
  site_code: string;
  connection_profile: ConnectionProfile;
  client_type: ClientType;
  is_laptop: boolean;
  is_patch_infrastructure: boolean;
  boundary_id: string | null;
  boundary_connection: BoundaryConnection | null;
  link_kbps: number | null;
}

/** The collection and, when asked, its sub-collections (UNION, not UNION ALL: a cycle in imported data ends). */
const treeSql = (fleetId: string, collectionId: string, includeSub: boolean) => `
  WITH RECURSIVE tree AS (
    SELECT id, collection_id FROM collections
    WHERE fleet_id = ${uuidLiteral(fleetId)} AND collection_id = ${textLiteral(collectionId)}
    UNION
    SELECT c.id, c.collection_id FROM collections c JOIN tree t ON c.parent_collection_id = t.collection_id
    WHERE c.fleet_id = ${uuidLiteral(fleetId)} AND ${includeSub ? "true" : "false"}
  )`;

async function checklistComputers(db: DbClient, withSql: string, whereSql: string): Promise<ChecklistComputer[]> {
  const rows = await db.$queryRawUnsafe<TargetSqlRow[]>(
    `${withSql}
     SELECT c.resource_id, c.name, c.site_code, c.connection_profile::text AS connection_profile,
            c.client_type::text AS client_type, c.is_laptop, c.is_patch_infrastructure, c.boundary_id,
            b.connection::text AS boundary_connection, b.link_kbps
     FROM computers c
     LEFT JOIN boundaries b ON b.fleet_id = c.fleet_id AND b.boundary_id = c.boundary_id
     WHERE ${whereSql}
     ORDER BY c.resource_id`,
  );
  return rows.map((r) => ({
    resourceId: r.resource_id,
    name: r.name,
    siteCode: r.site_code,
    connectionProfile: r.connection_profile,
    boundaryConnection: r.boundary_connection,
    boundaryId: r.boundary_id,
    boundaryLinkKbps: r.link_kbps,
    isPatchInfrastructure: r.is_patch_infrastructure,
    isLaptop: r.is_laptop,
    clientType: r.client_type,
  }));
}

export const checklistRepository = {
  /** Advertisement IDs that run a program of the package (deleted ones left out). */
  async advertisementIdsForPackage(db: DbClient, fleetId: string, packageId: string): Promise<string[]> {
    const rows = await db.advertisement.findMany({
      where: { fleetId, state: { not: "DELETED" }, program: { package: { fleetId, packageId } } },
      orderBy: { advertisementId: "asc" },
      select: { advertisementId: true },
    });
    return rows.map((r) => r.advertisementId);
  },

  /**
   * The advertisement's targets with what the checklist needs, in one statement: members of the
   * collection tree joined to their boundary (connection and link). Linear in members; values are
   * inlined as literals (decision 005).
   */
  async targetComputers(
    db: DbClient,
    fleetId: string,
    collectionId: string,
    includeSub: boolean,
  ): Promise<ChecklistComputer[]> {
    return checklistComputers(
      db,
      treeSql(fleetId, collectionId, includeSub),
      `c.fleet_id = ${uuidLiteral(fleetId)}
       AND c.id IN (SELECT m.computer_row_id FROM collection_members m JOIN tree ON m.collection_row_id = tree.id)`,
    );
  },

  /** Computers by resource ID, in the same shape (the servers a checklist excluded earlier). */
  computersByResourceIds(db: DbClient, fleetId: string, resourceIds: number[]): Promise<ChecklistComputer[]> {
    if (resourceIds.length === 0) return Promise.resolve([]);
    return checklistComputers(
      db,
      "",
      `c.fleet_id = ${uuidLiteral(fleetId)}
       AND c.resource_id = ANY(ARRAY[${resourceIds.map((n) => Math.trunc(Number(n))).join(",")}]::int[])`,
    );
  },

  /** The rows of the collection tree (the target collection first). */
  async collectionTree(db: DbClient, fleetId: string, collectionId: string, includeSub: boolean) {
    const rows = await db.$queryRawUnsafe<{ id: string; collection_id: string }[]>(
      `${treeSql(fleetId, collectionId, includeSub)} SELECT id, collection_id FROM tree`,
    );
    const found = await db.collection.findMany({
      where: { id: { in: rows.map((r) => r.id) } },
      select: { id: true, collectionId: true, rules: true, memberCount: true, version: true },
    });
    return found.sort((a, b) => (a.collectionId === collectionId ? -1 : b.collectionId === collectionId ? 1 : 0));
  },

  /** Removes the computers from the collections' materialised membership; returns what was removed. */
  async removeMembers(
    db: DbClient,
    fleetId: string,
    collectionRowIds: string[],
    resourceIds: number[],
  ): Promise<{ collectionRowId: string; resourceId: number }[]> {
    if (collectionRowIds.length === 0 || resourceIds.length === 0) return [];
    const rows = await db.$queryRawUnsafe<{ collection_row_id: string; resource_id: number }[]>(
      `DELETE FROM collection_members m USING computers c
       WHERE m.computer_row_id = c.id AND c.fleet_id = ${uuidLiteral(fleetId)}
         AND c.resource_id = ANY(ARRAY[${resourceIds.map((n) => Math.trunc(Number(n))).join(",")}]::int[])
         AND m.collection_row_id IN (${collectionRowIds.map(uuidLiteral).join(",")})
       RETURNING m.collection_row_id, c.resource_id`,
    );
    return rows.map((r) => ({ collectionRowId: r.collection_row_id, resourceId: r.resource_id }));
  },

  /** After an exclusion: fewer members, direct rules for the excluded machines gone, a new version. */
  updateCollectionAfterExclusion(db: DbClient, id: string, removed: number, rules: Prisma.InputJsonValue) {
    return db.collection.update({
      where: { id },
      data: { memberCount: { decrement: removed }, rules, version: { increment: 1 } },
      select: { id: true, memberCount: true, version: true },
    });
  },
};
