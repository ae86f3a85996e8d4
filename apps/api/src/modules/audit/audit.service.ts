import type { AuditEntry, AuditFacets, AuditPage, AuditVerification, ListAuditQuery } from "@firebreak/domain";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { auditRepository } from "./audit.repository.js";
import { GENESIS_HASH, auditHash, checkChain, type ChainRow } from "./audit-chain.js";

/**
 * The one way services open a writing transaction. It takes the audit chain lock first, so every
 * writer acquires locks in the same order (chain, then rows) and two writers can never deadlock
 * on "row lock held, waiting for the chain" against "chain held, waiting for the row" — on
 * PostgreSQL that cost a 40P01 and a 500. Writes are serialised, as they are on PGlite anyway.
 */
export function writeTransaction<T>(
  db: Db,
  fn: (tx: DbClient) => Promise<T>,
  opts?: { timeout?: number; maxWait?: number },
): Promise<T> {
  return db.$transaction(async (tx) => {
    await auditRepository.lockChain(tx);
    return fn(tx);
  }, opts);
}

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one entry to the hash chain. Call it inside the transaction that makes the change,
 * so the change and its audit entry commit or roll back together.
 */
export async function recordAudit(tx: DbClient, actor: Actor, record: AuditRecord): Promise<void> {
  const prevHash = (await auditRepository.lockChainAndGetLastHash(tx)) ?? GENESIS_HASH;
  const fields = {
    at: new Date(),
    actorId: actor.userId,
    actorName: actor.username,
    actorRole: actor.role,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId ?? null,
    // Hash exactly what the database will hand back: JSON-safe values.
    before: record.before === undefined ? null : jsonSafe(record.before),
    after: record.after === undefined ? null : jsonSafe(record.after),
    requestId: actor.requestId,
    underAuthorityGrantId: actor.authorityGrantId ?? null,
  };
  await auditRepository.append(tx, { ...fields, prevHash, hash: auditHash(prevHash, fields) });
}

function toWire(row: ChainRow): AuditEntry {
  return {
    seq: row.seq.toString(),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    actorRole: row.actorRole,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
    underAuthorityGrantId: row.underAuthorityGrantId,
    hash: row.hash,
    prevHash: row.prevHash,
  };
}

export function createAuditService(db: DbClient) {
  return {
    async list(q: ListAuditQuery): Promise<AuditPage> {
      const { items, total } = await auditRepository.list(db, q);
      return { items: items.map(toWire), page: q.page, pageSize: q.pageSize, total };
    },

    facets(): Promise<AuditFacets> {
      return auditRepository.facets(db);
    },

    /** Re-computes every hash in order; reports the first entry that does not verify. */
    async verify(): Promise<AuditVerification> {
      let prev = GENESIS_HASH;
      let afterSeq: bigint | null = null;
      let checked = 0;
      for (;;) {
        const rows = await auditRepository.chainPage(db, afterSeq, 2000);
        if (rows.length === 0) break;
        const { result, lastHash } = checkChain(rows, prev);
        if (!result.ok) {
          const index = rows.findIndex((r) => r.seq === result.seq);
          return {
            ok: false,
            checked: checked + index + 1,
            firstBrokenSeq: result.seq.toString(),
            reason: result.reason,
          };
        }
        checked += rows.length;
        prev = lastHash;
        afterSeq = rows[rows.length - 1]!.seq;
      }
      return { ok: true, checked, firstBrokenSeq: null, reason: null };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
