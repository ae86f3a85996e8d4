import type { DbClient } from "../../plugins/db.js";
import type { Prisma } from "@firebreak/db";

export const ingestTokenRepository = {
  findActiveByHash(db: DbClient, tokenHash: string) {
    return db.ingestToken.findFirst({
      where: { tokenHash, revokedAt: null },
      select: { id: true, name: true, fleetId: true, siteCodes: true },
    });
  },
  create(
    db: DbClient,
    data: { fleetId: string; name: string; tokenHash: string; siteCodes: string[]; createdBy: string },
  ) {
    return db.ingestToken.create({ data, select: { id: true, name: true, siteCodes: true } });
  },
};

export interface ClientStatusRow {
  advertisementId: string;
  resourceId: number;
  lastState: string;
  lastStatusMessageId: number;
  lastStatusTime: Date;
  lastExitCode: bigint | null;
  lastAcceptanceMessageId: number | null;
  lastAcceptanceTime: Date | null;
}

const q = (v: string) => `'${v.replace(/'/g, "''")}'`;

export const ingestRepository = {
  findBatch(db: DbClient, fleetId: string, batchId: string) {
    return db.ingestBatch.findUnique({
      where: { fleetId_batchId: { fleetId, batchId } },
      select: { response: true, kind: true, contentHash: true },
    });
  },
  /** Claims the batch id first: a concurrent duplicate fails on the primary key and rolls back. */
  claimBatch(
    db: DbClient,
    data: {
      fleetId: string;
      batchId: string;
      kind: string;
      tokenId: string;
      contentHash: string;
      response: Prisma.InputJsonValue;
    },
  ) {
    return db.ingestBatch.create({ data, select: { batchId: true } });
  },
  setBatchResponse(db: DbClient, fleetId: string, batchId: string, response: Prisma.InputJsonValue) {
    return db.ingestBatch.update({ where: { fleetId_batchId: { fleetId, batchId } }, data: { response } });
  },

  async existingAdvertisementIds(db: DbClient, fleetId: string, ids: string[]): Promise<Set<string>> {
    const rows = await db.advertisement.findMany({
      where: { fleetId, advertisementId: { in: ids } },
      select: { advertisementId: true },
    });
    return new Set(rows.map((r) => r.advertisementId));
  },
  /** The site each known computer belongs to: a forwarder may only report for its own sites' machines. */
  async computerSites(db: DbClient, fleetId: string, ids: number[]): Promise<Map<number, string>> {
    const rows = await db.$queryRawUnsafe<{ resource_id: number; site_code: string }[]>(
      `SELECT resource_id, site_code FROM computers WHERE fleet_id = $1::uuid AND resource_id = ANY($2::int[])`,
      fleetId,
      ids,
    );
    return new Map(rows.map((r) => [r.resource_id, r.site_code]));
  },
  /** The site of each site system named. */
  async siteSystemSites(db: DbClient, fleetId: string, serverNames: string[]): Promise<Map<string, string>> {
    const rows = await db.siteSystem.findMany({
      where: { fleetId, serverName: { in: serverNames } },
      select: { serverName: true, siteCode: true },
    });
    return new Map(rows.map((r) => [r.serverName, r.siteCode]));
  },

  /** Append-only store of every message as received; one multi-row INSERT per chunk. */
  async insertStatusMessages(
    db: DbClient,
    fleetId: string,
    batchId: string,
    rows: {
      messageId: number;
      machineName: string;
      resourceId: number;
      siteCode: string;
      advertisementId: string;
      time: string;
      exitCode?: number | undefined;
    }[],
  ) {
    for (let i = 0; i < rows.length; i += 2000) {
      const values = rows
        .slice(i, i + 2000)
        .map(
          (m) =>
            `('${fleetId}',${q(batchId)},${m.messageId},${q(m.machineName)},${m.resourceId},${q(m.siteCode)},${q(m.advertisementId)},${q(m.time)}::timestamptz,${m.exitCode ?? "NULL"})`,
        )
        .join(",");
      await db.$executeRawUnsafe(
        `INSERT INTO status_messages (fleet_id,batch_id,message_id,machine_name,resource_id,site_code,advertisement_id,time,exit_code) VALUES ${values}`,
      );
    }
  },

  async clientStatuses(
    db: DbClient,
    fleetId: string,
    keys: { advertisementId: string; resourceId: number }[],
  ): Promise<ClientStatusRow[]> {
    if (keys.length === 0) return [];
    const rows = await db.$queryRawUnsafe<
      {
        advertisement_id: string;
        resource_id: number;
        last_state: string;
        last_status_message_id: number;
        last_status_time: Date;
        last_exit_code: bigint | null;
        last_acceptance_message_id: number | null;
        last_acceptance_time: Date | null;
      }[]
    >(
      `SELECT s.advertisement_id, s.resource_id, s.last_state, s.last_status_message_id, s.last_status_time, s.last_exit_code, s.last_acceptance_message_id, s.last_acceptance_time
       FROM client_advert_status s JOIN unnest($2::text[], $3::int[]) AS k(a, r) ON s.advertisement_id = k.a AND s.resource_id = k.r
       WHERE s.fleet_id = $1::uuid`,
      fleetId,
      keys.map((k) => k.advertisementId),
      keys.map((k) => k.resourceId),
    );
    return rows.map((r) => ({
      advertisementId: r.advertisement_id,
      resourceId: r.resource_id,
      lastState: r.last_state,
      lastStatusMessageId: r.last_status_message_id,
      lastStatusTime: r.last_status_time,
      lastExitCode: r.last_exit_code,
      lastAcceptanceMessageId: r.last_acceptance_message_id,
      lastAcceptanceTime: r.last_acceptance_time,
    }));
  },

  async upsertClientStatuses(db: DbClient, fleetId: string, rows: ClientStatusRow[]) {
    const iso = (d: Date | null) => (d ? `${q(d.toISOString())}::timestamptz` : "NULL");
    for (let i = 0; i < rows.length; i += 2000) {
      const values = rows
        .slice(i, i + 2000)
        .map(
          (r) =>
            `('${fleetId}',${q(r.advertisementId)},${r.resourceId},${q(r.lastState)},${r.lastStatusMessageId},${iso(r.lastStatusTime)},${r.lastExitCode ?? "NULL"},${r.lastAcceptanceMessageId ?? "NULL"},${iso(r.lastAcceptanceTime)})`,
        )
        .join(",");
      await db.$executeRawUnsafe(`
        INSERT INTO client_advert_status (fleet_id,advertisement_id,resource_id,last_state,last_status_message_id,last_status_time,last_exit_code,last_acceptance_message_id,last_acceptance_time)
        VALUES ${values}
        ON CONFLICT (fleet_id,advertisement_id,resource_id) DO UPDATE SET last_state = EXCLUDED.last_state,
          last_status_message_id = EXCLUDED.last_status_message_id, last_status_time = EXCLUDED.last_status_time,
          last_exit_code = EXCLUDED.last_exit_code, last_acceptance_message_id = EXCLUDED.last_acceptance_message_id,
          last_acceptance_time = EXCLUDED.last_acceptance_time`);
    }
  },

  async packageRowIds(db: DbClient, fleetId: string, packageIds: string[]): Promise<Map<string, string>> {
    const rows = await db.package.findMany({
      where: { fleetId, packageId: { in: packageIds }, deletedAt: null },
      select: { id: true, packageId: true },
    });
    return new Map(rows.map((r) => [r.packageId, r.id]));
  },

  /** A distribution point's copy of a package; a newer report wins, an older one changes nothing. */
  async upsertDistributions(
    db: DbClient,
    rows: {
      packageRowId: string;
      serverName: string;
      siteCode: string;
      storedVersion: number;
      state: string;
      via: string;
      time: string;
    }[],
  ) {
    let changed = 0;
    for (let i = 0; i < rows.length; i += 2000) {
      const values = rows
        .slice(i, i + 2000)
        .map(
          (r) =>
            `('${r.packageRowId}'::uuid,${q(r.serverName)},${q(r.siteCode)},${r.storedVersion},${q(r.state)}::"DpState",${q(r.via)}::"DpDeliveryVia",${q(r.time)}::timestamptz)`,
        )
        .join(",");
      changed += await db.$executeRawUnsafe(`
        INSERT INTO package_distributions (package_row_id,server_name,site_code,stored_version,state,via,updated_at) VALUES ${values}
        ON CONFLICT (package_row_id,server_name) DO UPDATE SET site_code = EXCLUDED.site_code, stored_version = EXCLUDED.stored_version,
          state = EXCLUDED.state, via = EXCLUDED.via, updated_at = EXCLUDED.updated_at
        WHERE package_distributions.updated_at <= EXCLUDED.updated_at`);
    }
    return changed;
  },

  /** Newer evidence wins; an older row never overwrites a newer state. Returns rows changed. */
  async upsertCompliance(
    db: DbClient,
    fleetId: string,
    rows: { resourceId: number; updateId: string; state: string; time: string }[],
  ) {
    let changed = 0;
    for (let i = 0; i < rows.length; i += 2000) {
      const values = rows
        .slice(i, i + 2000)
        .map(
          (r) =>
            `('${fleetId}',${r.resourceId},${q(r.updateId)},${q(r.state)}::"ComplianceState",${q(r.time)}::timestamptz,'STATUS')`,
        )
        .join(",");
      changed += await db.$executeRawUnsafe(`
        INSERT INTO update_compliance (fleet_id,resource_id,update_id,state,state_time,source) VALUES ${values}
        ON CONFLICT (fleet_id,update_id,resource_id) DO UPDATE SET state = EXCLUDED.state, state_time = EXCLUDED.state_time
        WHERE update_compliance.state_time < EXCLUDED.state_time`);
    }
    return changed;
  },
};
