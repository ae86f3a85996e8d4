import type { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

/**
 * Forecast rows, and the reads that build the simulator's picture of the fleet from the database:
 * one query per table (sites, site systems, boundaries, sender addresses, the target collections
 * with their members and computers, the package's DP state), never one per computer.
 */

const forecastSelect = {
  id: true,
  fleetId: true,
  caseId: true,
  advertisementId: true,
  status: true,
  runsDone: true,
  runsTotal: true,
  request: true,
  result: true,
  error: true,
  createdBy: true,
  createdAt: true,
  finishedAt: true,
  version: true,
  ownerId: true,
  heartbeatAt: true,
} as const;
export type ForecastRow = Prisma.ForecastGetPayload<{ select: typeof forecastSelect }>;

const summarySelect = { ...forecastSelect, result: false } as const;
export type ForecastSummaryRow = Omit<ForecastRow, "result">;

export interface FleetSiteRow {
  siteCode: string;
  name: string;
  type: "CENTRAL" | "PRIMARY" | "SECONDARY";
  parentSiteCode: string | null;
  utcOffsetMinutes: number;
}
export interface FleetSiteSystemRow {
  serverName: string;
  siteCode: string;
  roles: string[];
  bitsEnabled: boolean;
  contentLinkKbps: number | null;
  capacityKbps: number | null;
}
export interface FleetBoundaryRow {
  boundaryId: string;
  siteCode: string;
  kind: "IP_SUBNET" | "IP_RANGE" | "AD_SITE";
  value: string;
  connection: "LOCAL_FAST" | "REMOTE_SLOW";
  protectedDpServerNames: string[];
  linkKbps: number | null;
}
export interface FleetAddressRow {
  addressId: string;
  siteCode: string;
  destSiteCode: string;
  addressType: string;
  priorityOrder: number;
  usageSchedule: unknown;
  unavailableAsSubstitute: boolean;
  rateLimit: unknown;
  bandwidthKbps: number;
}
export interface FleetComputerRow {
  resource_id: number;
  name: string;
  site_code: string;
  os: string;
  service_pack: string | null;
  client_type: "LEGACY" | "ADVANCED";
  is_laptop: boolean;
  connection_profile: "LAN" | "WAN" | "VPN" | "DIALUP";
  boundary_id: string | null;
  is_patch_infrastructure: boolean;
  online_ratio: number | null;
}
export interface FleetCollectionRow {
  collectionId: string;
  name: string;
  parentCollectionId: string | null;
  purpose: "TARGET" | "EXCLUSION" | "ROLLBACK_APPLIED" | "TEST";
}

/** The collection and (when asked) its sub-collections, walked in SQL (cycle-safe: UNION drops repeats). */
const treeSql = (fleetId: string, collectionId: string, includeSub: boolean) => `
  WITH RECURSIVE tree AS (
    SELECT id, collection_id FROM collections WHERE fleet_id = ${uuidLiteral(fleetId)} AND collection_id = ${textLiteral(collectionId)}
    UNION
    SELECT c.id, c.collection_id FROM collections c JOIN tree t ON c.parent_collection_id = t.collection_id
    WHERE c.fleet_id = ${uuidLiteral(fleetId)} AND ${includeSub ? "true" : "false"}
  )`;

export const forecastsRepository = {
  // ── the fleet as the simulator sees it
  listSites(db: DbClient, fleetId: string): Promise<FleetSiteRow[]> {
    return db.site.findMany({
      where: { fleetId },
      orderBy: { siteCode: "asc" },
      select: { siteCode: true, name: true, type: true, parentSiteCode: true, utcOffsetMinutes: true },
    });
  },
  listSiteSystems(db: DbClient, fleetId: string): Promise<FleetSiteSystemRow[]> {
    return db.siteSystem.findMany({
      where: { fleetId },
      orderBy: { serverName: "asc" },
      select: {
        serverName: true,
        siteCode: true,
        roles: true,
        bitsEnabled: true,
        contentLinkKbps: true,
        capacityKbps: true,
      },
    });
  },
  listBoundaries(db: DbClient, fleetId: string): Promise<FleetBoundaryRow[]> {
    return db.boundary.findMany({
      where: { fleetId },
      orderBy: { boundaryId: "asc" },
      select: {
        boundaryId: true,
        siteCode: true,
        kind: true,
        value: true,
        connection: true,
        protectedDpServerNames: true,
        linkKbps: true,
      },
    });
  },
  listAddresses(db: DbClient, fleetId: string): Promise<FleetAddressRow[]> {
    return db.senderAddress.findMany({
      where: { fleetId },
      orderBy: [{ siteCode: "asc" }, { destSiteCode: "asc" }, { priorityOrder: "asc" }, { addressId: "asc" }],
      select: {
        addressId: true,
        siteCode: true,
        destSiteCode: true,
        addressType: true,
        priorityOrder: true,
        usageSchedule: true,
        unavailableAsSubstitute: true,
        rateLimit: true,
        bandwidthKbps: true,
      },
    });
  },
  listCollections(db: DbClient, fleetId: string): Promise<FleetCollectionRow[]> {
    return db.collection.findMany({
      where: { fleetId },
      orderBy: { collectionId: "asc" },
      select: { collectionId: true, name: true, parentCollectionId: true, purpose: true },
    });
  },
  /** Members of the target collection tree: which collection holds which resource id. */
  async targetMemberships(
    db: DbClient,
    fleetId: string,
    collectionId: string,
    includeSub: boolean,
  ): Promise<{ collection_id: string; resource_id: number }[]> {
    return db.$queryRawUnsafe(
      `${treeSql(fleetId, collectionId, includeSub)}
       SELECT tree.collection_id, c.resource_id FROM tree
       JOIN collection_members m ON m.collection_row_id = tree.id
       JOIN computers c ON c.id = m.computer_row_id
       ORDER BY c.resource_id`,
    );
  },
  /** The computers of the target collection tree (each once): the only ones a run simulates. */
  async targetComputers(
    db: DbClient,
    fleetId: string,
    collectionId: string,
    includeSub: boolean,
  ): Promise<FleetComputerRow[]> {
    return db.$queryRawUnsafe(
      `${treeSql(fleetId, collectionId, includeSub)}
       SELECT c.resource_id, c.name, c.site_code, c.os, c.service_pack, c.client_type::text AS client_type, c.is_laptop,
              c.connection_profile::text AS connection_profile, c.boundary_id, c.is_patch_infrastructure, c.online_ratio
       FROM computers c
       WHERE c.fleet_id = ${uuidLiteral(fleetId)}
         AND c.id IN (SELECT m.computer_row_id FROM collection_members m JOIN tree ON tree.id = m.collection_row_id)
       ORDER BY c.resource_id`,
    );
  },
  async countTargets(db: DbClient, fleetId: string, collectionId: string, includeSub: boolean): Promise<number> {
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `${treeSql(fleetId, collectionId, includeSub)}
       SELECT count(DISTINCT m.computer_row_id) AS n FROM collection_members m JOIN tree ON tree.id = m.collection_row_id`,
    );
    return Number(rows[0]?.n ?? 0);
  },
  collectionExists(db: DbClient, fleetId: string, collectionId: string) {
    return db.collection.findUnique({
      where: { fleetId_collectionId: { fleetId, collectionId } },
      select: { id: true },
    });
  },
  async siteCodes(db: DbClient, fleetId: string): Promise<Set<string>> {
    const rows = await db.site.findMany({ where: { fleetId }, select: { siteCode: true } });
    return new Set(rows.map((r) => r.siteCode));
  },
  /** The package's distribution points: what each holds and how it is delivered. */
  packageDistributions(db: DbClient, packageRowId: string) {
    return db.packageDistribution.findMany({
      where: { packageRowId },
      orderBy: [{ siteCode: "asc" }, { serverName: "asc" }],
      select: { serverName: true, siteCode: true, storedVersion: true, state: true, via: true },
    });
  },
  /**
   * The package's Courier plan: the sites whose DPs get it by parcel. Kept on the package, not in
   * package_distributions.via, which every DP status report overwrites.
   */
  async courierPlan(db: DbClient, packageRowId: string): Promise<string[]> {
    const row = await db.package.findUnique({ where: { id: packageRowId }, select: { courierSiteCodes: true } });
    return row?.courierSiteCodes ?? [];
  },
  /** Adds sites to the package's Courier plan, and marks their DPs' delivery for the DP views until the next report. */
  async addCourierSites(db: DbClient, packageRowId: string, siteCodes: string[]): Promise<string[]> {
    const before = await forecastsRepository.courierPlan(db, packageRowId);
    const after = [...new Set([...before, ...siteCodes])].sort();
    await db.package.update({ where: { id: packageRowId }, data: { courierSiteCodes: after } });
    await db.packageDistribution.updateMany({
      where: { packageRowId, siteCode: { in: siteCodes }, via: { not: "COURIER_PARCEL" } },
      data: { via: "COURIER_PARCEL" },
    });
    return after;
  },

  /** Targets (site codes) of the open Courier parcel tasks of a case, or of the fleet's tasks without a case. */
  async openParcelSites(db: DbClient, fleetId: string, caseId: string | null): Promise<Set<string>> {
    const rows = await db.outOfBandTask.findMany({
      where: { fleetId, caseId, kind: "COURIER_PARCEL", state: { notIn: ["DONE", "NOT_NEEDED", "FAILED"] } },
      select: { targetKey: true },
    });
    return new Set(rows.map((r) => r.targetKey));
  },

  // ── forecast rows
  create(db: DbClient, data: Prisma.ForecastUncheckedCreateInput) {
    return db.forecast.create({ data, select: forecastSelect });
  },
  find(db: DbClient, fleetId: string, id: string): Promise<ForecastRow | null> {
    return db.forecast.findFirst({ where: { id, fleetId }, select: forecastSelect });
  },
  list(
    db: DbClient,
    fleetId: string,
    q: { caseId?: string | undefined; advertisementId?: string | undefined; limit: number },
  ): Promise<ForecastSummaryRow[]> {
    return db.forecast.findMany({
      where: {
        fleetId,
        ...(q.caseId ? { caseId: q.caseId } : {}),
        ...(q.advertisementId ? { advertisementId: q.advertisementId } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: q.limit,
      select: summarySelect,
    });
  },
  /** The unfinished forecast of this request (one at most: the partial unique index on the request hash). */
  findUnfinishedByHash(db: DbClient, fleetId: string, requestHash: string): Promise<ForecastRow | null> {
    return db.forecast.findFirst({
      where: { fleetId, requestHash, status: { in: ["QUEUED", "RUNNING"] } },
      select: forecastSelect,
    });
  },
  /**
   * Fails the unfinished forecasts of a fleet (or one forecast) whose owner stopped writing: no
   * heartbeat since `cutoff` (a row never heartbeated counts from its creation). Those this instance
   * holds are left alone. Returns how many it settled.
   */
  async failStale(
    db: DbClient,
    q: { fleetId: string; id?: string; cutoff: Date; heldHere: string[]; error: string },
  ): Promise<number> {
    const r = await db.forecast.updateMany({
      where: {
        fleetId: q.fleetId,
        ...(q.id ? { id: q.id } : {}),
        ...(q.heldHere.length > 0 ? { NOT: { id: { in: q.heldHere } } } : {}),
        status: { in: ["QUEUED", "RUNNING"] },
        OR: [{ heartbeatAt: { lt: q.cutoff } }, { heartbeatAt: null, createdAt: { lt: q.cutoff } }],
      },
      data: { status: "FAILED", error: q.error, finishedAt: new Date() },
    });
    return r.count;
  },
  /** The finished forecasts of a case, else of its advertisement, newest first (ids and times only). */
  async listDone(
    db: DbClient,
    fleetId: string,
    caseId: string,
    advertisementId: string | null,
  ): Promise<{ id: string; createdAt: Date }[]> {
    const select = { id: true, createdAt: true } as const;
    const orderBy = [{ createdAt: "desc" as const }, { id: "asc" as const }];
    const ofCase = await db.forecast.findMany({
      where: { fleetId, status: "DONE", caseId },
      orderBy,
      select,
      take: 500,
    });
    if (ofCase.length > 0 || !advertisementId) return ofCase;
    return db.forecast.findMany({ where: { fleetId, status: "DONE", advertisementId }, orderBy, select, take: 500 });
  },
  /**
   * Claims a queued forecast for its owner: false when the row is no longer QUEUED or no longer
   * this owner's (settled as stale meanwhile), and the runner drops the job.
   */
  async claim(db: DbClient, id: string, ownerId: string): Promise<boolean> {
    const r = await db.forecast.updateMany({
      where: { id, ownerId, status: "QUEUED" },
      data: { status: "RUNNING", heartbeatAt: new Date() },
    });
    return r.count === 1;
  },
  /** The owner is alive and holds these forecasts (queued or computing). */
  async heartbeat(db: DbClient, ids: string[], ownerId: string): Promise<void> {
    if (ids.length === 0) return;
    await db.forecast.updateMany({
      where: { id: { in: ids }, ownerId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { heartbeatAt: new Date() },
    });
  },
  async updateProgress(db: DbClient, id: string, ownerId: string, runsDone: number, runsTotal: number): Promise<void> {
    await db.forecast.updateMany({
      where: { id, ownerId, status: "RUNNING", runsDone: { lte: runsDone } },
      data: { runsDone, runsTotal, heartbeatAt: new Date() },
    });
  },
  async finish(db: DbClient, id: string, result: Prisma.InputJsonValue, runsTotal: number): Promise<void> {
    await db.forecast.updateMany({
      where: { id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "DONE", result, runsDone: runsTotal, runsTotal, finishedAt: new Date(), error: null },
    });
  },
  async fail(db: DbClient, id: string, error: string): Promise<void> {
    await db.forecast.updateMany({
      where: { id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "FAILED", error, finishedAt: new Date() },
    });
  },

  /** The last variant applied from each forecast, from the audit log (who applied what, and when). */
  async appliedVariants(
    db: DbClient,
    forecastIds: string[],
  ): Promise<Map<string, { variant: string; at: Date; by: string }>> {
    if (forecastIds.length === 0) return new Map();
    const rows = await db.auditEntry.findMany({
      where: { entityType: "forecast", action: "forecast.apply", entityId: { in: forecastIds } },
      orderBy: { seq: "asc" },
      select: { entityId: true, at: true, actorName: true, after: true },
    });
    const out = new Map<string, { variant: string; at: Date; by: string }>();
    for (const r of rows) {
      const variant = (r.after as { variant?: unknown } | null)?.variant;
      if (r.entityId && typeof variant === "string") out.set(r.entityId, { variant, at: r.at, by: r.actorName });
    }
    return out;
  },
};
