-- AlterTable
ALTER TABLE "out_of_band_tasks" ADD COLUMN     "rollback_id" UUID;

-- AlterTable
ALTER TABLE "timeline_events" ADD COLUMN     "rollback_id" UUID;

-- CreateTable
CREATE TABLE "rollback_targets" (
    "rollback_id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "had_update" BOOLEAN NOT NULL,

    CONSTRAINT "rollback_targets_pkey" PRIMARY KEY ("rollback_id","resource_id")
);

-- CreateIndex
CREATE INDEX "out_of_band_tasks_rollback_id_target_key_idx" ON "out_of_band_tasks"("rollback_id", "target_key");

-- CreateIndex
CREATE INDEX "timeline_events_rollback_id_seq_idx" ON "timeline_events"("rollback_id", "seq");

-- Backfill (by hand): events and tasks written before these columns named their rollback in the
-- event payload and in the rollback record's oobTaskIds.
UPDATE "timeline_events" SET "rollback_id" = ("payload"->>'rollbackId')::uuid
WHERE "rollback_id" IS NULL AND ("payload"->>'rollbackId') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

UPDATE "out_of_band_tasks" t SET "rollback_id" = r."id"
FROM "rollbacks" r
WHERE t."rollback_id" IS NULL AND jsonb_typeof(r."record"->'oobTaskIds') = 'array' AND (r."record"->'oobTaskIds') ? t."id"::text;
