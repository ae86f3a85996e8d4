import type { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";

const ID = "default";

export const policyRepository = {
  get(db: DbClient) {
    return db.priorityPolicy.findUnique({ where: { id: ID } });
  },
  async updateIfVersion(db: DbClient, version: number, policy: Prisma.InputJsonValue, updatedBy: string) {
    const { count } = await db.priorityPolicy.updateMany({
      where: { id: ID, version },
      data: { policy, updatedBy, version: { increment: 1 } },
    });
    return count === 1 ? db.priorityPolicy.findUnique({ where: { id: ID } }) : null;
  },
};
