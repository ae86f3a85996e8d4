-- CreateTable
CREATE TABLE "software_updates" (
    "id" UUID NOT NULL,
    "kb_number" TEXT NOT NULL,
    "bulletin_id" TEXT,
    "title" TEXT NOT NULL,
    "classification" TEXT NOT NULL,
    "vendor_severity" TEXT NOT NULL,
    "released_at" TIMESTAMPTZ(3),
    "record" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "software_updates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "update_cases" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "update_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "priority" TEXT,
    "sla_since" TIMESTAMPTZ(3),
    "sla_stopped_at" TIMESTAMPTZ(3),
    "emergency_id" UUID,
    "record" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "update_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "priority_policies" (
    "id" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT,

    CONSTRAINT "priority_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "acceptance_tests" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "result" TEXT NOT NULL DEFAULT 'PENDING',
    "executed_at" TIMESTAMPTZ(3),
    "executed_by" TEXT,
    "notes" TEXT,
    "skip_reason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "acceptance_tests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emergencies" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "is_drill" BOOLEAN NOT NULL DEFAULT false,
    "declared_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "record" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "emergencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "authority_grants" (
    "id" UUID NOT NULL,
    "emergency_id" UUID,
    "grantee_id" UUID NOT NULL,
    "granted_by_id" UUID NOT NULL,
    "justification" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "authority_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "timeline_events" (
    "seq" BIGSERIAL NOT NULL,
    "fleet_id" UUID NOT NULL,
    "emergency_id" UUID,
    "case_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "actor_role" TEXT,
    "under_authority_grant_id" UUID,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "timeline_events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "out_of_band_tasks" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "case_id" UUID,
    "emergency_id" UUID,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_key" TEXT NOT NULL,
    "owner_id" UUID,
    "due_at" TIMESTAMPTZ(3),
    "record" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "out_of_band_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checklist_applications" (
    "id" UUID NOT NULL,
    "emergency_id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "applied_by" TEXT NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "plan" JSONB NOT NULL,
    "declined" JSONB NOT NULL,

    CONSTRAINT "checklist_applications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "software_updates_kb_number_key" ON "software_updates"("kb_number");

-- CreateIndex
CREATE INDEX "update_cases_fleet_id_status_idx" ON "update_cases"("fleet_id", "status");

-- CreateIndex
CREATE INDEX "update_cases_emergency_id_idx" ON "update_cases"("emergency_id");

-- CreateIndex
CREATE INDEX "acceptance_tests_case_id_idx" ON "acceptance_tests"("case_id");

-- CreateIndex
CREATE INDEX "emergencies_fleet_id_state_idx" ON "emergencies"("fleet_id", "state");

-- CreateIndex
CREATE INDEX "authority_grants_grantee_id_expires_at_idx" ON "authority_grants"("grantee_id", "expires_at");

-- CreateIndex
CREATE INDEX "timeline_events_emergency_id_at_idx" ON "timeline_events"("emergency_id", "at");

-- CreateIndex
CREATE INDEX "timeline_events_case_id_at_idx" ON "timeline_events"("case_id", "at");

-- CreateIndex
CREATE INDEX "out_of_band_tasks_fleet_id_state_idx" ON "out_of_band_tasks"("fleet_id", "state");

-- CreateIndex
CREATE INDEX "out_of_band_tasks_emergency_id_idx" ON "out_of_band_tasks"("emergency_id");

-- CreateIndex
CREATE INDEX "out_of_band_tasks_case_id_idx" ON "out_of_band_tasks"("case_id");

-- CreateIndex
CREATE INDEX "checklist_applications_emergency_id_idx" ON "checklist_applications"("emergency_id");

-- AddForeignKey
ALTER TABLE "update_cases" ADD CONSTRAINT "update_cases_update_id_fkey" FOREIGN KEY ("update_id") REFERENCES "software_updates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "acceptance_tests" ADD CONSTRAINT "acceptance_tests_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "update_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "authority_grants" ADD CONSTRAINT "authority_grants_emergency_id_fkey" FOREIGN KEY ("emergency_id") REFERENCES "emergencies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: the release-priority table of domain.md §4.1 (Table 2 of the SMS 2003 book), editable later.
INSERT INTO "priority_policies" ("id", "policy", "version", "updated_at", "updated_by") VALUES ('default', '{"EMERGENCY":{"targetHours":24,"maxHours":336,"preferredVehicle":"INDIVIDUAL_UPDATE","requiresMandatoryAdvert":true,"requiresOnSlowNet":true},"HIGH":{"targetHours":720,"maxHours":1440,"preferredVehicle":"INDIVIDUAL_UPDATE","requiresMandatoryAdvert":false,"requiresOnSlowNet":false},"MEDIUM":{"targetHours":2880,"maxHours":4320,"preferredVehicle":"SP_OR_ROLLUP_IF_AVAILABLE","requiresMandatoryAdvert":false,"requiresOnSlowNet":false},"LOW":{"targetHours":8760,"maxHours":8760,"preferredVehicle":"SP_OR_ROLLUP_IF_AVAILABLE","requiresMandatoryAdvert":false,"requiresOnSlowNet":false}}', 1, CURRENT_TIMESTAMP, 'migration');
