import type { DbClient } from "../../plugins/db.js";
import type { Prisma } from "@firebreak/db";
import type { ListAuditQuery } from "@firebreak/domain";
import type { ChainRow, ChainedFields } from "./audit-chain.js";

// Any 64-bit key: serialises appends across every API instance so the chain never forks.
const AUDIT_CHAIN_LOCK = 7_273_001;

const chainSelect = {
  seq: true,
  at: true,
  actorId: true,
  actorName: true,
  actorRole: true,
  action: true,
  entityType: true,
  entityId: true,
  before: true,
  after: true,
  requestId: true,
  underAuthorityGrantId: true,
  prevHash: true,
  hash: true,
} as const;

export const auditRepository = {
  /** Takes the chain lock for the rest of the caller's transaction (re-entrant). */
  async lockChain(tx: DbClient): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
  },

  /** Must run inside the caller's transaction; holds the chain lock until it commits. */
  async lockChainAndGetLastHash(tx: DbClient): Promise<string | null> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
    const last = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
    return last?.hash ?? null;
  },

  async append(tx: DbClient, entry: ChainedFields & { prevHash: string; hash: string }): Promise<void> {
    await tx.auditEntry.create({
      data: {
        ...entry,
        before: (entry.before ?? undefined) as Prisma.InputJsonValue | undefined,
        after: (entry.after ?? undefined) as Prisma.InputJsonValue | undefined,
      },
      select: { seq: true },
    });
  },

  async list(db: DbClient, q: ListAuditQuery) {
    const where: Prisma.AuditEntryWhereInput = {
      ...(q.actor ? { actorName: q.actor } : {}),
      ...(q.entityType ? { entityType: q.entityType } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.action ? (q.action.endsWith(".") ? { action: { startsWith: q.action } } : { action: q.action }) : {}),
      ...(q.from || q.to
        ? { at: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) } }
        : {}),
    };
    const [items, total] = await Promise.all([
      db.auditEntry.findMany({
        where,
        orderBy: { seq: "desc" },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        select: chainSelect,
      }),
      db.auditEntry.count({ where }),
    ]);
    return { items, total };
  },

  async facets(db: DbClient) {
    const [actions, entityTypes, actors] = await Promise.all([
      db.auditEntry.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
      db.auditEntry.findMany({
        distinct: ["entityType"],
        select: { entityType: true },
        orderBy: { entityType: "asc" },
      }),
      db.auditEntry.findMany({ distinct: ["actorName"], select: { actorName: true }, orderBy: { actorName: "asc" } }),
    ]);
    return {
      actions: actions.map((a) => a.action),
      entityTypes: entityTypes.map((e) => e.entityType),
      actors: actors.map((a) => a.actorName),
    };
  },

  /** Reads the chain in seq order, a page at a time. */
  async chainPage(db: DbClient, afterSeq: bigint | null, take: number): Promise<ChainRow[]> {
    return db.auditEntry.findMany({
      where: afterSeq === null ? {} : { seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take,
      select: chainSelect,
    });
  },
};
