import type { Prisma } from "@firebreak/db";
import type { Role } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";

const emergencySelect = {
  id: true,
  fleetId: true,
  type: true,
  state: true,
  title: true,
  isDrill: true,
  declaredAt: true,
  closedAt: true,
  record: true,
  version: true,
} as const;
export type EmergencyRow = Prisma.EmergencyGetPayload<{ select: typeof emergencySelect }>;

const applicationSelect = { id: true, caseId: true, appliedBy: true, appliedAt: true, declined: true } as const;

export const emergenciesRepository = {
  create(db: DbClient, data: Prisma.EmergencyUncheckedCreateInput): Promise<EmergencyRow> {
    return db.emergency.create({ data, select: emergencySelect });
  },
  find(db: DbClient, id: string): Promise<EmergencyRow | null> {
    return db.emergency.findUnique({ where: { id }, select: emergencySelect });
  },
  list(db: DbClient, fleetId: string, state?: string): Promise<EmergencyRow[]> {
    return db.emergency.findMany({
      where: { fleetId, ...(state ? { state } : {}) },
      orderBy: { declaredAt: "desc" },
      take: 500,
      select: emergencySelect,
    });
  },
  /** Updates only when the stored version is still `version` (and bumps it); false when it moved on. */
  async updateIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.EmergencyUncheckedUpdateManyInput = {},
  ): Promise<boolean> {
    const { count } = await db.emergency.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },
  /** Emergencies among `ids` that are not closed (a case belongs to one open emergency at a time). */
  openAmong(db: DbClient, ids: string[]) {
    return db.emergency.findMany({
      where: { id: { in: ids }, state: { not: "CLOSED" } },
      select: { id: true, title: true },
    });
  },

  /** The people who can staff a war room, lead first. */
  rosterUsers(db: DbClient, roles: readonly Role[]) {
    return db.user.findMany({
      where: { role: { in: [...roles] }, disabled: false },
      orderBy: [{ displayName: "asc" }],
      select: { id: true, username: true, displayName: true, role: true },
    });
  },
  usersByIds(db: DbClient, ids: string[]) {
    return db.user.findMany({
      where: { id: { in: ids } },
      select: { id: true, username: true, displayName: true, role: true, disabled: true },
    });
  },

  listChecklistApplications(db: DbClient, emergencyId: string) {
    return db.checklistApplication.findMany({
      where: { emergencyId },
      orderBy: { appliedAt: "asc" },
      select: applicationSelect,
    });
  },
  createChecklistApplication(
    db: DbClient,
    data: {
      emergencyId: string;
      caseId: string;
      appliedBy: string;
      appliedAt: Date;
      plan: Prisma.InputJsonValue;
      declined: Prisma.InputJsonValue;
    },
  ) {
    return db.checklistApplication.create({ data, select: applicationSelect });
  },
};
