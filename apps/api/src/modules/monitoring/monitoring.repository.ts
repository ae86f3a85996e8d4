import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

// Deployment monitoring reads only. The roll-ups GROUP BY in SQL and inline validated literals
// (lib/sql.ts): on PGlite a parameterised GROUP BY over 100k+ rows ran twice as slow.

/** Curve rows come in fixed 15-minute buckets; the service merges them into the bucket it picks. */
export const BASE_BUCKET_SECONDS = 900;

export interface TargetScope {
  fleetId: string;
  /** Row ids of the advertisement's collection and, when it includes them, its sub-collections. */
  collectionRowIds: string[];
}

export interface AdvertStateRow {
  siteCode: string;
  connectionProfile: string;
  /** null: no status for this advertisement yet. */
  state: string | null;
  /** Only for FAILED rows; null otherwise or when the failure carried no exit code. */
  exitCode: number | null;
  count: number;
}

export interface UpdateStateRow {
  siteCode: string;
  connectionProfile: string;
  state: string;
  count: number;
}

export interface CurveRow {
  /** Start of a 15-minute bucket, seconds since the epoch. */
  bucketStart: number;
  count: number;
}

/** The targeted computers (fleet-scoped) as a sub-select with the columns the roll-ups need. */
function targetsSql(t: TargetScope, columns: string): string {
  const fleet = uuidLiteral(t.fleetId);
  if (t.collectionRowIds.length === 1) {
    return `SELECT ${columns} FROM collection_members m JOIN computers c ON c.id = m.computer_row_id
            WHERE m.collection_row_id = ${uuidLiteral(t.collectionRowIds[0]!)} AND c.fleet_id = ${fleet}`;
  }
  // A computer in two sub-collections is one target: IN de-duplicates.
  return `SELECT ${columns} FROM computers c
          WHERE c.fleet_id = ${fleet} AND c.id IN (SELECT m.computer_row_id FROM collection_members m
            WHERE m.collection_row_id IN (${t.collectionRowIds.map(uuidLiteral).join(",")}))`;
}

const statusJoin = (fleetId: string, advertisementId: string, alias = "t") =>
  `s.fleet_id = ${uuidLiteral(fleetId)} AND s.advertisement_id = ${textLiteral(advertisementId)} AND s.resource_id = ${alias}.resource_id`;

export const monitoringRepository = {
  findAdvertisement(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findFirst({
      where: { fleetId, advertisementId, state: { not: "DELETED" } },
      select: { advertisementId: true, collectionId: true, includeSubCollection: true },
    });
  },

  listCollections(db: DbClient, fleetId: string) {
    return db.collection.findMany({
      where: { fleetId },
      select: { id: true, collectionId: true, parentCollectionId: true },
    });
  },

  /** Targeted computers by site × link class × client state (× exit code for FAILED): one GROUP BY. */
  async advertisementStateCounts(db: DbClient, t: TargetScope, advertisementId: string): Promise<AdvertStateRow[]> {
    const rows = await db.$queryRawUnsafe<
      { site_code: string; profile: string; state: string | null; exit_code: bigint | null; n: bigint }[]
    >(
      `SELECT t.site_code, t.connection_profile::text AS profile, s.last_state AS state,
              CASE WHEN s.last_state = 'FAILED' THEN s.last_exit_code END AS exit_code, count(*) AS n
       FROM (${targetsSql(t, "c.resource_id, c.site_code, c.connection_profile")}) t
       LEFT JOIN client_advert_status s ON ${statusJoin(t.fleetId, advertisementId)}
       GROUP BY 1, 2, 3, 4`,
    );
    return rows.map((r) => ({
      siteCode: r.site_code,
      connectionProfile: r.profile,
      state: r.state,
      exitCode: r.exit_code === null ? null : Number(r.exit_code),
      count: Number(r.n),
    }));
  },

  /** Targeted computers with no status at all for the advertisement, longest unseen first. */
  async neverReportedSample(db: DbClient, t: TargetScope, advertisementId: string, limit: number) {
    const rows = await db.$queryRawUnsafe<
      { resource_id: number; name: string; site_code: string; profile: string; last_seen_at: Date | null }[]
    >(
      `SELECT t.resource_id, t.name, t.site_code, t.connection_profile::text AS profile, t.last_seen_at
       FROM (${targetsSql(t, "c.resource_id, c.name, c.site_code, c.connection_profile, c.last_seen_at")}) t
       WHERE NOT EXISTS (SELECT 1 FROM client_advert_status s WHERE ${statusJoin(t.fleetId, advertisementId)})
       ORDER BY t.last_seen_at ASC NULLS FIRST, t.name
       LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    return rows.map((r) => ({
      resourceId: r.resource_id,
      name: r.name,
      siteCode: r.site_code,
      connectionProfile: r.profile,
      lastSeenAt: r.last_seen_at,
    }));
  },

  /**
   * First success (10008/10009) per targeted computer, from the stored messages, counted per
   * 15-minute bucket. min() per computer: a re-sent or repeated success counts once.
   */
  async advertisementFirstSuccesses(db: DbClient, t: TargetScope, advertisementId: string): Promise<CurveRow[]> {
    const rows = await db.$queryRawUnsafe<{ b: bigint; n: bigint }[]>(
      `SELECT floor(extract(epoch FROM f.t) / ${BASE_BUCKET_SECONDS})::bigint AS b, count(*) AS n
       FROM (SELECT min(sm.time) AS t FROM status_messages sm
             WHERE sm.fleet_id = ${uuidLiteral(t.fleetId)} AND sm.advertisement_id = ${textLiteral(advertisementId)}
               AND sm.message_id IN (10008, 10009)
               AND sm.resource_id IN (${targetsSql(t, "c.resource_id")})
             GROUP BY sm.resource_id) f
       GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ bucketStart: Number(r.b) * BASE_BUCKET_SECONDS, count: Number(r.n) }));
  },

  /** Compliance rows of one update by site × link class × state (computers of the fleet only). */
  async updateStateCounts(db: DbClient, fleetId: string, updateId: string): Promise<UpdateStateRow[]> {
    const rows = await db.$queryRawUnsafe<{ site_code: string; profile: string; state: string; n: bigint }[]>(
      `SELECT c.site_code, c.connection_profile::text AS profile, u.state::text AS state, count(*) AS n
       FROM update_compliance u JOIN computers c ON c.fleet_id = u.fleet_id AND c.resource_id = u.resource_id
       WHERE u.fleet_id = ${uuidLiteral(fleetId)} AND u.update_id = ${textLiteral(updateId)}
       GROUP BY 1, 2, 3`,
    );
    return rows.map((r) => ({
      siteCode: r.site_code,
      connectionProfile: r.profile,
      state: r.state,
      count: Number(r.n),
    }));
  },

  /** Installed rows of one update by the 15-minute bucket of their state time. */
  async updateInstalledTimes(db: DbClient, fleetId: string, updateId: string): Promise<CurveRow[]> {
    const rows = await db.$queryRawUnsafe<{ b: bigint; n: bigint }[]>(
      `SELECT floor(extract(epoch FROM u.state_time) / ${BASE_BUCKET_SECONDS})::bigint AS b, count(*) AS n
       FROM update_compliance u JOIN computers c ON c.fleet_id = u.fleet_id AND c.resource_id = u.resource_id
       WHERE u.fleet_id = ${uuidLiteral(fleetId)} AND u.update_id = ${textLiteral(updateId)}
         AND u.state IN ('INSTALLED', 'INSTALLED_PENDING_REBOOT')
       GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ bucketStart: Number(r.b) * BASE_BUCKET_SECONDS, count: Number(r.n) }));
  },

  /** Whether any live package of the fleet names the update (an update with no compliance rows yet). */
  async packageNamesUpdate(db: DbClient, fleetId: string, updateId: string): Promise<boolean> {
    const row = await db.package.findFirst({
      where: { fleetId, deletedAt: null, updateIds: { has: updateId } },
      select: { id: true },
    });
    return row !== null;
  },

  // ── change markers for the live stream: cheap enough to run every second per advertisement

  /**
   * Messages stored after `afterSeq`: the newest sequence number among them and how many are for
   * this advertisement. Only `seq > afterSeq` is indexable, so the cost is the rows since the
   * last look, not the advertisement's history.
   */
  async statusSince(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    afterSeq: bigint,
  ): Promise<{ highWater: bigint | null; forAdvertisement: number }> {
    const rows = await db.$queryRawUnsafe<{ hi: bigint | null; n: bigint }[]>(
      `SELECT max(seq) AS hi,
              count(*) FILTER (WHERE fleet_id = ${uuidLiteral(fleetId)} AND advertisement_id = ${textLiteral(advertisementId)}) AS n
       FROM status_messages WHERE seq > ${BigInt(afterSeq).toString()}`,
    );
    const r = rows[0];
    return { highWater: r?.hi == null ? null : BigInt(r.hi), forAdvertisement: Number(r?.n ?? 0) };
  },

  /**
   * The advertisement's stored message count and the newest sequence number, read in one statement
   * (one snapshot), so that together they say exactly which rows have been accounted for. The count
   * walks the (fleet, advertisement, time) index: the reconciling check, run seldom.
   */
  async statusTotals(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
  ): Promise<{ count: number; highWater: bigint }> {
    const rows = await db.$queryRawUnsafe<{ n: bigint; hi: bigint | null }[]>(
      `SELECT (SELECT count(*) FROM status_messages
               WHERE fleet_id = ${uuidLiteral(fleetId)} AND advertisement_id = ${textLiteral(advertisementId)}) AS n,
              (SELECT max(seq) FROM status_messages) AS hi`,
    );
    return { count: Number(rows[0]?.n ?? 0), highWater: BigInt(rows[0]?.hi ?? 0) };
  },

  /** A session that is still there (logout, disabling and role changes delete it) and not expired. */
  findLiveSession(db: DbClient, sessionId: string) {
    return db.session.findFirst({
      where: { id: sessionId, expiresAt: { gt: new Date() } },
      select: { user: { select: { role: true, disabled: true } } },
    });
  },
};
