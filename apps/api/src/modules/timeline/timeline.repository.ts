import type { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";

export interface TimelineRow {
  seq: bigint;
  at: Date;
  type: string;
  actorName: string;
  actorRole: string | null;
  underAuthorityGrantId: string | null;
  caseId: string | null;
  emergencyId: string | null;
  payload: Prisma.JsonValue;
}

const select = {
  seq: true,
  at: true,
  type: true,
  actorName: true,
  actorRole: true,
  underAuthorityGrantId: true,
  caseId: true,
  emergencyId: true,
  payload: true,
} as const;

export const timelineRepository = {
  append(db: DbClient, data: Prisma.TimelineEventUncheckedCreateInput) {
    return db.timelineEvent.create({ data, select: { seq: true } });
  },
  listForCase(db: DbClient, caseId: string, take = 500): Promise<TimelineRow[]> {
    return db.timelineEvent.findMany({ where: { caseId }, orderBy: { seq: "asc" }, take, select });
  },
  /** The newest `take` events of an emergency and its cases, oldest first. */
  async listForEmergency(db: DbClient, emergencyId: string, caseIds: string[], take = 1000): Promise<TimelineRow[]> {
    const newest = await db.timelineEvent.findMany({
      where: { OR: [{ emergencyId }, ...(caseIds.length ? [{ caseId: { in: caseIds } }] : [])] },
      orderBy: { seq: "desc" },
      take,
      select,
    });
    return newest.reverse();
  },
};
