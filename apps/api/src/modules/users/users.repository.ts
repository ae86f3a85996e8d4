import type { DbClient } from "../../plugins/db.js";
import type { Role } from "@firebreak/domain";

export const userSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  disabled: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;

export const usersRepository = {
  list(db: DbClient) {
    return db.user.findMany({ orderBy: { username: "asc" }, select: userSelect });
  },

  findById(db: DbClient, id: string) {
    return db.user.findUnique({ where: { id }, select: userSelect });
  },

  findByUsername(db: DbClient, username: string) {
    return db.user.findUnique({ where: { username }, select: userSelect });
  },

  create(db: DbClient, data: { username: string; displayName: string; role: Role; passwordHash: string }) {
    return db.user.create({ data, select: userSelect });
  },

  /** Updates only when the stored version is still `version`; returns null when it moved on. */
  async updateIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: { displayName?: string; role?: Role; disabled?: boolean; passwordHash?: string },
  ) {
    const { count } = await db.user.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.user.findUnique({ where: { id }, select: userSelect }) : null;
  },
};
