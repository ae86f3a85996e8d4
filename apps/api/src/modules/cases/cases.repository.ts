import type { Prisma } from "@firebreak/db";
import type { ListCasesQuery } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";

const caseSelect = {
  id: true,
  version: true,
  fleetId: true,
  updateId: true,
  status: true,
  phase: true,
  priority: true,
  slaSince: true,
  slaStoppedAt: true,
  emergencyId: true,
  record: true,
  openedAt: true,
  updatedAt: true,
  update: {
    select: {
      id: true,
      kbNumber: true,
      bulletinId: true,
      title: true,
      vendorSeverity: true,
      record: true,
      version: true,
      createdAt: true,
    },
  },
  tests: {
    select: {
      id: true,
      name: true,
      scope: true,
      result: true,
      executedAt: true,
      executedBy: true,
      notes: true,
      skipReason: true,
      version: true,
    },
    orderBy: { createdAt: "asc" as const },
  },
} as const;
export type CaseRow = Prisma.UpdateCaseGetPayload<{ select: typeof caseSelect }>;

const CLOSED_STATES = ["CLOSED", "NOT_RELEVANT"];

export const casesRepository = {
  async page(db: DbClient, q: ListCasesQuery & { fleetId: string }) {
    const where: Prisma.UpdateCaseWhereInput = {
      fleetId: q.fleetId,
      ...(q.phase ? { phase: q.phase } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
      ...(q.emergencyId ? { emergencyId: q.emergencyId } : {}),
      ...(q.open ? { status: { notIn: CLOSED_STATES } } : {}),
    };
    const [items, total] = await Promise.all([
      db.updateCase.findMany({
        where,
        orderBy: [{ openedAt: "desc" }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        select: caseSelect,
      }),
      db.updateCase.count({ where }),
    ]);
    return { items, total };
  },
  find(db: DbClient, id: string) {
    return db.updateCase.findUnique({ where: { id }, select: caseSelect });
  },
  listByIds(db: DbClient, ids: string[]) {
    return db.updateCase.findMany({ where: { id: { in: ids } }, select: caseSelect, orderBy: { openedAt: "asc" } });
  },
  findOpenForUpdate(db: DbClient, fleetId: string, updateId: string) {
    return db.updateCase.findFirst({
      where: { fleetId, updateId, status: { notIn: CLOSED_STATES } },
      select: { id: true },
    });
  },
  create(db: DbClient, data: Prisma.UpdateCaseUncheckedCreateInput) {
    return db.updateCase.create({ data, select: caseSelect });
  },
  async updateIfVersion(db: DbClient, id: string, version: number, data: Prisma.UpdateCaseUncheckedUpdateManyInput) {
    const { count } = await db.updateCase.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },
  setEmergency(db: DbClient, ids: string[], emergencyId: string | null) {
    return db.updateCase.updateMany({ where: { id: { in: ids } }, data: { emergencyId } });
  },

  createTest(db: DbClient, data: { caseId: string; name: string; scope: string }) {
    return db.acceptanceTest.create({ data, select: { id: true } });
  },
  findTest(db: DbClient, caseId: string, testId: string) {
    return db.acceptanceTest.findFirst({ where: { id: testId, caseId } });
  },
  async updateTestIfVersion(
    db: DbClient,
    id: string,
    version: number,
    data: Prisma.AcceptanceTestUncheckedUpdateManyInput,
  ) {
    const { count } = await db.acceptanceTest.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },

  /** Advertisement flag words and target compliance for the deployment gates. */
  findAdvertisement(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findFirst({
      where: { fleetId, advertisementId, state: { not: "DELETED" } },
      select: {
        id: true,
        advertFlags: true,
        remoteClientFlags: true,
        assignedSchedule: true,
        assignedScheduleEnabled: true,
        collectionId: true,
        includeSubCollection: true,
        programRowId: true,
        state: true,
      },
    });
  },
  async succeededResourceIds(db: DbClient, fleetId: string, advertisementId: string): Promise<number[]> {
    const rows = await db.clientAdvertStatus.findMany({
      where: { fleetId, advertisementId, lastState: "SUCCEEDED" },
      select: { resourceId: true },
    });
    return rows.map((r) => r.resourceId);
  },
  oobTasksForCase(db: DbClient, caseId: string) {
    return db.outOfBandTask.findMany({ where: { caseId }, select: { record: true } });
  },
};
