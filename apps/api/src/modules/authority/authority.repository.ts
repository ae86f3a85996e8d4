import type { DbClient } from "../../plugins/db.js";

export const authorityRepository = {
  /** The grant in force for a user at `now`, if any (the newest one when several overlap). */
  activeGrantFor(db: DbClient, userId: string, now: Date) {
    return db.authorityGrant.findFirst({
      where: { granteeId: userId, revokedAt: null, startsAt: { lte: now }, expiresAt: { gt: now } },
      orderBy: { expiresAt: "desc" },
      select: { id: true, emergencyId: true, expiresAt: true },
    });
  },
};
