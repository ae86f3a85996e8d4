-- CreateTable
CREATE TABLE "halt_rules" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "advertisement_row_id" UUID NOT NULL,
    "record" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "fired_at" TIMESTAMPTZ(3),
    "firing" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "halt_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollbacks" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "update_id" UUID NOT NULL,
    "case_id" UUID,
    "emergency_id" UUID,
    "status" TEXT NOT NULL,
    "priority" TEXT,
    "record" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rollbacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forecasts" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "case_id" UUID,
    "advertisement_id" TEXT,
    "status" TEXT NOT NULL,
    "runs_done" INTEGER NOT NULL DEFAULT 0,
    "runs_total" INTEGER NOT NULL,
    "request" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "forecasts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drills" (
    "id" UUID NOT NULL,
    "scenario_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "scheduled_start" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "umpire_id" UUID NOT NULL,
    "sandbox_fleet_id" UUID,
    "emergency_id" UUID,
    "record" JSONB NOT NULL,
    "signed_off_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "drills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "halt_rules_advertisement_row_id_key" ON "halt_rules"("advertisement_row_id");

-- CreateIndex
CREATE INDEX "halt_rules_fleet_id_idx" ON "halt_rules"("fleet_id");

-- CreateIndex
CREATE INDEX "rollbacks_fleet_id_status_idx" ON "rollbacks"("fleet_id", "status");

-- CreateIndex
CREATE INDEX "rollbacks_update_id_idx" ON "rollbacks"("update_id");

-- CreateIndex
CREATE INDEX "forecasts_fleet_id_created_at_idx" ON "forecasts"("fleet_id", "created_at");

-- CreateIndex
CREATE INDEX "forecasts_case_id_idx" ON "forecasts"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "drills_sandbox_fleet_id_key" ON "drills"("sandbox_fleet_id");

-- CreateIndex
CREATE INDEX "drills_state_idx" ON "drills"("state");

-- AddForeignKey
ALTER TABLE "halt_rules" ADD CONSTRAINT "halt_rules_advertisement_row_id_fkey" FOREIGN KEY ("advertisement_row_id") REFERENCES "advertisements"("id") ON DELETE CASCADE ON UPDATE CASCADE;
