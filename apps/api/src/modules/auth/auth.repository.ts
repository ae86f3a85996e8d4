import type { DbClient } from "../../plugins/db.js";

const sessionUserSelect = { id: true, username: true, displayName: true, role: true, disabled: true } as const;

export const authRepository = {
  findUserForLogin(db: DbClient, username: string) {
    return db.user.findUnique({ where: { username }, select: { ...sessionUserSelect, passwordHash: true } });
  },

  createSession(
    db: DbClient,
    data: {
      tokenHash: string;
      csrfToken: string;
      userId: string;
      expiresAt: Date;
      ip: string | null;
      userAgent: string | null;
    },
  ) {
    return db.session.create({ data, select: { id: true, expiresAt: true, csrfToken: true } });
  },

  findSessionByTokenHash(db: DbClient, tokenHash: string) {
    return db.session.findUnique({
      where: { tokenHash },
      select: { id: true, csrfToken: true, expiresAt: true, lastSeenAt: true, user: { select: sessionUserSelect } },
    });
  },

  touchSession(db: DbClient, id: string, at: Date) {
    return db.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  },

  deleteSession(db: DbClient, id: string) {
    return db.session.deleteMany({ where: { id } });
  },

  deleteSessionsOfUser(db: DbClient, userId: string) {
    return db.session.deleteMany({ where: { userId } });
  },

  deleteExpiredSessions(db: DbClient, now: Date, idleCutoff: Date) {
    return db.session.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { lastSeenAt: { lt: idleCutoff } }] } });
  },

  findThrottles(db: DbClient, keys: string[]) {
    return db.loginThrottle.findMany({ where: { key: { in: keys } } });
  },

  saveThrottle(db: DbClient, row: { key: string; failures: number; windowStart: Date; lockedUntil: Date | null }) {
    return db.loginThrottle.upsert({ where: { key: row.key }, create: row, update: row });
  },

  /** Undoes one counted attempt (a sign-in that succeeded), lifting a lock it set. */
  async giveBackAttempt(db: DbClient, key: string, limit: number) {
    const row = await db.loginThrottle.findUnique({ where: { key } });
    if (!row) return;
    const failures = Math.max(0, row.failures - 1);
    await db.loginThrottle.update({
      where: { key },
      data: { failures, ...(failures < limit ? { lockedUntil: null } : {}) },
    });
  },

  /** Counters whose window and lock are long over (kept tidy by the session sweep). */
  purgeThrottles(db: DbClient, before: Date) {
    return db.loginThrottle.deleteMany({
      where: { windowStart: { lt: before }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: before } }] },
    });
  },

  clearThrottle(db: DbClient, key: string) {
    return db.loginThrottle.deleteMany({ where: { key } });
  },
};
