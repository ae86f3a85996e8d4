import type { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";

const select = {
  id: true,
  version: true,
  createdAt: true,
  record: true,
  kbNumber: true,
  bulletinId: true,
  title: true,
  vendorSeverity: true,
} as const;
export type UpdateRow = Prisma.SoftwareUpdateGetPayload<{ select: typeof select }>;

export const updatesRepository = {
  list(db: DbClient) {
    return db.softwareUpdate.findMany({ orderBy: [{ releasedAt: "desc" }, { kbNumber: "asc" }], select });
  },
  find(db: DbClient, id: string) {
    return db.softwareUpdate.findUnique({ where: { id }, select });
  },
  findByKb(db: DbClient, kbNumber: string) {
    return db.softwareUpdate.findUnique({ where: { kbNumber }, select });
  },
  create(db: DbClient, data: Prisma.SoftwareUpdateCreateInput) {
    return db.softwareUpdate.create({ data, select });
  },
  /** Replaces a row when its version is still `version` (and bumps it); null when it moved on. */
  async replaceIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.SoftwareUpdateUpdateManyMutationInput,
  ) {
    const { count } = await db.softwareUpdate.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.softwareUpdate.findUnique({ where: { id }, select }) : null;
  },
};
