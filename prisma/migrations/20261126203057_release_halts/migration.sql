-- AlterTable
ALTER TABLE "halt_rules" ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "last_error_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_evaluated_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "release_halts" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "advertisement_row_id" UUID NOT NULL,
    "program_row_id" UUID NOT NULL,
    "halted_at" TIMESTAMPTZ(3) NOT NULL,
    "halted_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "automatic_rule" TEXT,
    "halt_rule_id" UUID,
    "disabled_program" BOOLEAN NOT NULL,
    "disabled_advertisement" BOOLEAN NOT NULL,
    "case_ids" UUID[],
    "resumed_at" TIMESTAMPTZ(3),
    "resumed_by" TEXT,
    "resume_reason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "release_halts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "release_halts_fleet_id_resumed_at_idx" ON "release_halts"("fleet_id", "resumed_at");

-- CreateIndex
CREATE INDEX "release_halts_advertisement_row_id_resumed_at_idx" ON "release_halts"("advertisement_row_id", "resumed_at");

-- CreateIndex
CREATE INDEX "release_halts_program_row_id_resumed_at_idx" ON "release_halts"("program_row_id", "resumed_at");

-- CreateIndex
CREATE INDEX "status_messages_program_started_idx" ON "status_messages"("fleet_id", "advertisement_id", "received_at") WHERE (message_id = 10005);

-- AddForeignKey
ALTER TABLE "release_halts" ADD CONSTRAINT "release_halts_advertisement_row_id_fkey" FOREIGN KEY ("advertisement_row_id") REFERENCES "advertisements"("id") ON DELETE CASCADE ON UPDATE CASCADE;
