import type { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";

const grantSelect = {
  id: true,
  emergencyId: true,
  granteeId: true,
  grantedById: true,
  justification: true,
  startsAt: true,
  expiresAt: true,
  revokedAt: true,
  revokedById: true,
  createdAt: true,
} as const;
export type GrantRow = Prisma.AuthorityGrantGetPayload<{ select: typeof grantSelect }>;

export interface GrantScope {
  /** The emergency the action belongs to (a case's emergency, or the emergency itself). */
  emergencyId: string | null;
  /** Set when declaring a new emergency in this fleet. */
  declaringInFleet?: string;
}

/** Key space of the per-grant advisory locks (two-int form, apart from the audit chain's lock). */
const GRANT_LOCK_SPACE = 727_301;

export const authorityRepository = {
  /**
   * The grant in force for a user at `now` for one emergency (the newest when several overlap).
   * A grant is authority for the emergency it was given in, while that emergency is open — never
   * for another emergency, a case outside it, or after it closed. Declaring a new emergency may
   * use a grant of another open emergency of the same fleet (the core ERT acting for the lead).
   */
  activeGrantFor(db: DbClient, userId: string, now: Date, scope: GrantScope) {
    if (!scope.emergencyId && !scope.declaringInFleet) return Promise.resolve(null);
    return db.authorityGrant.findFirst({
      where: {
        granteeId: userId,
        revokedAt: null,
        startsAt: { lte: now },
        expiresAt: { gt: now },
        ...(scope.emergencyId
          ? { emergencyId: scope.emergencyId, emergency: { state: { not: "CLOSED" } } }
          : { emergency: { state: { not: "CLOSED" }, fleetId: scope.declaringInFleet!, isDrill: false } }),
      },
      orderBy: { expiresAt: "desc" },
      select: { id: true, emergencyId: true, expiresAt: true },
    });
  },

  /** Closing an emergency ends the authority granted in it. */
  revokeForEmergency(db: DbClient, emergencyId: string, now: Date, revokedById: string | null) {
    return db.authorityGrant.updateMany({
      where: { emergencyId, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now, revokedById },
    });
  },

  /**
   * Every grant in force at `now` (the war-room roster), given in an emergency of `fleetId` when
   * set: a grant of a drill's sandbox emergency never shows on a production roster (decision 007).
   */
  activeGrantsAt(db: DbClient, now: Date, fleetId?: string) {
    return db.authorityGrant.findMany({
      where: {
        revokedAt: null,
        startsAt: { lte: now },
        expiresAt: { gt: now },
        ...(fleetId ? { emergency: { fleetId } } : {}),
      },
      orderBy: { expiresAt: "asc" },
      select: { id: true, granteeId: true, expiresAt: true },
    });
  },

  listForEmergency(db: DbClient, emergencyId: string): Promise<GrantRow[]> {
    return db.authorityGrant.findMany({ where: { emergencyId }, orderBy: { createdAt: "asc" }, select: grantSelect });
  },

  find(db: DbClient, id: string): Promise<GrantRow | null> {
    return db.authorityGrant.findUnique({ where: { id }, select: grantSelect });
  },

  create(
    db: DbClient,
    data: {
      emergencyId: string;
      granteeId: string;
      grantedById: string;
      justification: string;
      startsAt: Date;
      expiresAt: Date;
    },
  ): Promise<GrantRow> {
    return db.authorityGrant.create({ data, select: grantSelect });
  },

  /** Revokes a grant that is not revoked yet; null when someone else revoked it first. */
  async revoke(db: DbClient, id: string, revokedById: string, at: Date): Promise<GrantRow | null> {
    const { count } = await db.authorityGrant.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at, revokedById },
    });
    return count === 1 ? db.authorityGrant.findUnique({ where: { id }, select: grantSelect }) : null;
  },

  /** Serialises writers that note the expiry of one grant, until the caller's transaction ends. */
  async lockGrant(tx: DbClient, grantId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${GRANT_LOCK_SPACE}::int, hashtext(${grantId}))`;
  },

  /** Grants whose expiry the emergency's timeline has recorded already. */
  async expiryRecordedGrantIds(db: DbClient, emergencyId: string): Promise<Set<string>> {
    const rows = await db.timelineEvent.findMany({
      where: { emergencyId, type: "AUTHORITY_EXPIRED" },
      select: { payload: true },
    });
    const ids = new Set<string>();
    for (const r of rows) {
      const grantId = (r.payload as { grantId?: unknown } | null)?.grantId;
      if (typeof grantId === "string") ids.add(grantId);
    }
    return ids;
  },
};
