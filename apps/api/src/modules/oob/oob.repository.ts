import { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

const taskSelect = {
  id: true,
  version: true,
  fleetId: true,
  caseId: true,
  emergencyId: true,
  kind: true,
  state: true,
  method: true,
  targetType: true,
  targetKey: true,
  ownerId: true,
  dueAt: true,
  record: true,
  createdAt: true,
  updatedAt: true,
  rollbackId: true,
} as const;
export type OobTaskRow = Prisma.OutOfBandTaskGetPayload<{ select: typeof taskSelect }>;

export interface NewOobTask {
  id: string;
  fleetId: string;
  caseId: string | null;
  emergencyId: string | null;
  kind: string;
  state: string;
  method: string;
  targetType: string;
  targetKey: string;
  dueAt: Date | null;
  record: unknown;
  /** The rollback whose verification created it. */
  rollbackId?: string | null;
}

export interface OobTaskFilter {
  fleetId: string;
  emergencyId?: string;
  caseId?: string;
  states?: string[];
  kinds?: string[];
  ownerId?: string;
}

const whereOf = (f: OobTaskFilter): Prisma.OutOfBandTaskWhereInput => ({
  fleetId: f.fleetId,
  ...(f.emergencyId ? { emergencyId: f.emergencyId } : {}),
  ...(f.caseId ? { caseId: f.caseId } : {}),
  ...(f.states?.length ? { state: { in: f.states } } : {}),
  ...(f.kinds?.length ? { kind: { in: f.kinds } } : {}),
  ...(f.ownerId ? { ownerId: f.ownerId } : {}),
});

export const oobRepository = {
  async page(db: DbClient, f: OobTaskFilter, page: number, pageSize: number) {
    const where = whereOf(f);
    const [items, total] = await Promise.all([
      db.outOfBandTask.findMany({
        where,
        orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        select: taskSelect,
      }),
      db.outOfBandTask.count({ where }),
    ]);
    return { items, total };
  },
  find(db: DbClient, id: string): Promise<OobTaskRow | null> {
    return db.outOfBandTask.findUnique({ where: { id }, select: taskSelect });
  },
  async updateIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.OutOfBandTaskUncheckedUpdateManyInput,
  ): Promise<OobTaskRow | null> {
    const { count } = await db.outOfBandTask.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1 ? db.outOfBandTask.findUnique({ where: { id }, select: taskSelect }) : null;
  },
  /**
   * Inserts new tasks in chunks of literal VALUES (decision 005): a checklist at 100k computers can
   * create tens of thousands of slow-link tasks, and a bound-parameter createMany of 33k rows took
   * 45 s on PGlite.
   */
  async insertMany(db: DbClient, rows: NewOobTask[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < rows.length; i += 2_000) {
      const values = rows
        .slice(i, i + 2_000)
        .map((r) =>
          [
            uuidLiteral(r.id),
            uuidLiteral(r.fleetId),
            r.caseId ? uuidLiteral(r.caseId) : "NULL",
            r.emergencyId ? uuidLiteral(r.emergencyId) : "NULL",
            textLiteral(r.kind),
            textLiteral(r.state),
            textLiteral(r.method),
            textLiteral(r.targetType),
            textLiteral(r.targetKey),
            r.dueAt ? `${textLiteral(r.dueAt.toISOString())}::timestamptz` : "NULL",
            `${textLiteral(JSON.stringify(r.record))}::jsonb`,
            r.rollbackId ? uuidLiteral(r.rollbackId) : "NULL",
          ].join(", "),
        );
      count += await db.$executeRawUnsafe(
        `INSERT INTO out_of_band_tasks
           (id, fleet_id, case_id, emergency_id, kind, state, method, target_type, target_key, due_at, record, rollback_id, updated_at)
         VALUES ${values.map((v) => `(${v}, now())`).join(",\n")}`,
      );
    }
    return count;
  },

  /** The keys of the tasks a case has (any state): a checklist re-applied never doubles them. */
  keysForCase(db: DbClient, caseId: string) {
    return db.outOfBandTask.findMany({
      where: { caseId },
      select: { kind: true, targetType: true, targetKey: true },
    });
  },
  /** Sender addresses of the fleet with a restore still to do. */
  async addressesWithOpenRestore(db: DbClient, fleetId: string): Promise<Set<string>> {
    const rows = await db.outOfBandTask.findMany({
      where: { fleetId, kind: "SENDER_RESTORE", state: { notIn: ["DONE", "NOT_NEEDED"] } },
      select: { targetKey: true },
    });
    return new Set(rows.map((r) => r.targetKey));
  },
  restoreTasksForEmergency(db: DbClient, emergencyId: string) {
    return db.outOfBandTask.findMany({
      where: { emergencyId, kind: "SENDER_RESTORE" },
      select: { record: true },
    });
  },
  async countsByState(db: DbClient, emergencyId: string): Promise<Map<string, number>> {
    const rows = await db.outOfBandTask.groupBy({
      by: ["state"],
      where: { emergencyId },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.state, r._count._all]));
  },

  ownerNames(db: DbClient, ids: string[]) {
    return db.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } });
  },
  findOwner(db: DbClient, id: string) {
    return db.user.findUnique({ where: { id }, select: { id: true, displayName: true, role: true, disabled: true } });
  },

  /** Puts an address's saved settings back and clears the saved copy; null when its version moved on. */
  async restoreAddress(
    db: DbClient,
    addressRowId: string,
    version: number,
    baseline: { usageSchedule: unknown; rateLimit: unknown },
  ): Promise<boolean> {
    const { count } = await db.senderAddress.updateMany({
      where: { id: addressRowId, version },
      data: {
        usageSchedule: baseline.usageSchedule as Prisma.InputJsonValue,
        rateLimit: baseline.rateLimit as Prisma.InputJsonValue,
        savedBaseline: Prisma.DbNull,
        version: { increment: 1 },
      },
    });
    return count === 1;
  },
};
