import { AppError, SoftwareUpdateSchema, type SoftwareUpdate, type SoftwareUpdateRecord } from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { updatesRepository, type UpdateRow } from "./updates.repository.js";

export const toUpdateRecord = (u: UpdateRow): SoftwareUpdateRecord => ({
  id: u.id,
  version: u.version,
  createdAt: u.createdAt.toISOString(),
  record: SoftwareUpdateSchema.parse(u.record),
});

export function createUpdatesService(db: Db) {
  return {
    async list(): Promise<SoftwareUpdateRecord[]> {
      return (await updatesRepository.list(db)).map(toUpdateRecord);
    },
    async get(id: string): Promise<SoftwareUpdateRecord> {
      const u = await updatesRepository.find(db, id);
      if (!u) throw new AppError("NOT_FOUND", "No such software update.");
      return toUpdateRecord(u);
    },
    /**
     * Records a new update (Identify, I-1). A vendor severity is stored as given; it never sets a
     * priority. A KB only a drill scenario put in the catalogue (drills.service
     * `ensureCatalogUpdate`, flagged `drillScenario`) is taken over by the person's record.
     */
    async create(actor: Actor, body: SoftwareUpdate): Promise<SoftwareUpdateRecord> {
      return writeTransaction(db, async (tx) => {
        const columns = {
          kbNumber: body.kbNumber,
          bulletinId: body.bulletinId ?? null,
          title: body.title,
          classification: body.classification,
          vendorSeverity: body.vendorSeverity,
          releasedAt: body.releasedAt ? new Date(body.releasedAt) : null,
          record: jsonSafe(body) as Prisma.InputJsonValue,
        };
        const existing = await updatesRepository.findByKb(tx, body.kbNumber);
        const fromDrill = (existing?.record as { drillScenario?: unknown } | null)?.drillScenario;
        if (existing && fromDrill) {
          const row = await updatesRepository.replaceIfVersion(tx, existing.id, existing.version, columns);
          if (!row)
            throw new AppError(
              "PRECONDITION_FAILED",
              `${body.kbNumber} changed meanwhile. Reload and record it again.`,
            );
          const record = toUpdateRecord(row);
          await recordAudit(tx, actor, {
            action: "software_update.take_over",
            entityType: "software_update",
            entityId: row.id,
            before: { drillScenario: fromDrill },
            after: record.record,
          });
          return record;
        }
        if (existing) {
          throw new AppError("CONFLICT", `${body.kbNumber} is recorded already.`, {
            details: [{ path: "body.kbNumber", message: "is recorded already" }],
          });
        }
        const row = await updatesRepository.create(tx, columns);
        const record = toUpdateRecord(row);
        await recordAudit(tx, actor, {
          action: "software_update.create",
          entityType: "software_update",
          entityId: row.id,
          after: record.record,
        });
        return record;
      });
    },
  };
}
