-- CreateEnum
CREATE TYPE "FleetKind" AS ENUM ('PRODUCTION', 'DRILL_SANDBOX');

-- CreateEnum
CREATE TYPE "SiteType" AS ENUM ('CENTRAL', 'PRIMARY', 'SECONDARY');

-- CreateEnum
CREATE TYPE "SiteSystemRole" AS ENUM ('SITE_SERVER', 'SQL', 'COMPONENT', 'CAP', 'DP', 'MP', 'SLP', 'REPORTING', 'PROXY_MP');

-- CreateEnum
CREATE TYPE "BoundaryKind" AS ENUM ('IP_SUBNET', 'IP_RANGE', 'AD_SITE');

-- CreateEnum
CREATE TYPE "BoundaryConnection" AS ENUM ('LOCAL_FAST', 'REMOTE_SLOW');

-- CreateEnum
CREATE TYPE "AddressType" AS ENUM ('MS_LAN', 'MS_ASYNC_RAS', 'MS_ISDN_RAS', 'MS_X25_RAS', 'MS_SNA_RAS');

-- CreateEnum
CREATE TYPE "CollectionPurpose" AS ENUM ('TARGET', 'EXCLUSION', 'ROLLBACK_APPLIED', 'TEST');

-- CreateEnum
CREATE TYPE "ClientType" AS ENUM ('LEGACY', 'ADVANCED');

-- CreateEnum
CREATE TYPE "ConnectionProfile" AS ENUM ('LAN', 'WAN', 'VPN', 'DIALUP');

-- CreateEnum
CREATE TYPE "SendingPriority" AS ENUM ('HIGH', 'MEDIUM', 'LOW');

-- CreateEnum
CREATE TYPE "PreferredSender" AS ENUM ('NO_PREFERENCE', 'STANDARD', 'ASYNC_RAS', 'ISDN_RAS', 'X25_RAS', 'SNA_RAS', 'COURIER');

-- CreateEnum
CREATE TYPE "PackageKind" AS ENUM ('DEPLOY', 'ROLLBACK');

-- CreateEnum
CREATE TYPE "DpState" AS ENUM ('PENDING', 'IN_PROGRESS', 'INSTALLED', 'FAILED');

-- CreateEnum
CREATE TYPE "DpDeliveryVia" AS ENUM ('NETWORK', 'COURIER_PARCEL');

-- CreateEnum
CREATE TYPE "ProgramKind" AS ENUM ('INSTALL', 'ROLLBACK');

-- CreateEnum
CREATE TYPE "AdvertisementState" AS ENUM ('ACTIVE', 'DISABLED', 'DELETED');

-- CreateEnum
CREATE TYPE "ComplianceState" AS ENUM ('NOT_APPLICABLE', 'REQUIRED', 'INSTALLED', 'INSTALLED_PENDING_REBOOT', 'FAILED', 'ROLLED_BACK', 'UNKNOWN');

-- CreateTable
CREATE TABLE "fleets" (
    "id" UUID NOT NULL,
    "kind" "FleetKind" NOT NULL,
    "name" TEXT NOT NULL,
    "singleton_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fleets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sites" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "site_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "SiteType" NOT NULL,
    "parent_site_code" TEXT,
    "utc_offset_minutes" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "site_systems" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "site_code" TEXT NOT NULL,
    "server_name" TEXT NOT NULL,
    "roles" "SiteSystemRole"[],
    "bits_enabled" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "site_systems_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "boundaries" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "boundary_id" TEXT NOT NULL,
    "site_code" TEXT NOT NULL,
    "kind" "BoundaryKind" NOT NULL,
    "value" TEXT NOT NULL,
    "connection" "BoundaryConnection" NOT NULL,
    "protected_dp_server_names" TEXT[],
    "link_kbps" DOUBLE PRECISION,

    CONSTRAINT "boundaries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sender_addresses" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "address_id" TEXT NOT NULL,
    "site_code" TEXT NOT NULL,
    "dest_site_code" TEXT NOT NULL,
    "address_type" "AddressType" NOT NULL,
    "priority_order" INTEGER NOT NULL DEFAULT 1,
    "usage_schedule" JSONB NOT NULL,
    "unavailable_as_substitute" BOOLEAN NOT NULL DEFAULT false,
    "rate_limit" JSONB NOT NULL,
    "bandwidth_kbps" DOUBLE PRECISION NOT NULL,
    "saved_baseline" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sender_addresses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collections" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "collection_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parent_collection_id" TEXT,
    "rules" JSONB NOT NULL,
    "purpose" "CollectionPurpose" NOT NULL DEFAULT 'TARGET',
    "member_count" INTEGER NOT NULL DEFAULT 0,
    "evaluated_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "collections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collection_members" (
    "collection_row_id" UUID NOT NULL,
    "computer_row_id" UUID NOT NULL,

    CONSTRAINT "collection_members_pkey" PRIMARY KEY ("collection_row_id","computer_row_id")
);

-- CreateTable
CREATE TABLE "computers" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "site_code" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "service_pack" TEXT,
    "client_type" "ClientType" NOT NULL,
    "is_laptop" BOOLEAN NOT NULL,
    "connection_profile" "ConnectionProfile" NOT NULL,
    "boundary_id" TEXT,
    "is_patch_infrastructure" BOOLEAN NOT NULL DEFAULT false,
    "last_seen_at" TIMESTAMPTZ(3),
    "online_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0.9,

    CONSTRAINT "computers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "packages" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "package_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "pkg_version" TEXT,
    "manufacturer" TEXT,
    "language" TEXT,
    "source_site" TEXT,
    "source_version" INTEGER NOT NULL DEFAULT 1,
    "source_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "size_kb" INTEGER NOT NULL,
    "sending_priority" "SendingPriority" NOT NULL DEFAULT 'MEDIUM',
    "preferred_sender" "PreferredSender" NOT NULL DEFAULT 'NO_PREFERENCE',
    "ignore_address_schedule" BOOLEAN NOT NULL DEFAULT false,
    "kind" "PackageKind" NOT NULL DEFAULT 'DEPLOY',
    "update_ids" TEXT[],
    "deleted_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "packages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "package_distributions" (
    "package_row_id" UUID NOT NULL,
    "server_name" TEXT NOT NULL,
    "site_code" TEXT NOT NULL,
    "stored_version" INTEGER NOT NULL DEFAULT 0,
    "state" "DpState" NOT NULL DEFAULT 'PENDING',
    "via" "DpDeliveryVia" NOT NULL DEFAULT 'NETWORK',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_distributions_pkey" PRIMARY KEY ("package_row_id","server_name")
);

-- CreateTable
CREATE TABLE "programs" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "package_row_id" UUID NOT NULL,
    "program_name" TEXT NOT NULL,
    "command_line" TEXT NOT NULL,
    "comment" TEXT,
    "program_flags" BIGINT NOT NULL,
    "max_run_minutes" INTEGER,
    "dependent_program" TEXT,
    "kind" "ProgramKind" NOT NULL DEFAULT 'INSTALL',
    "checks_update_present" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "programs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "advertisements" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "advertisement_id" TEXT NOT NULL,
    "advertisement_name" TEXT NOT NULL,
    "comment" TEXT,
    "program_row_id" UUID NOT NULL,
    "collection_id" TEXT NOT NULL,
    "include_sub_collection" BOOLEAN NOT NULL DEFAULT true,
    "present_time" TIMESTAMPTZ(3) NOT NULL,
    "expiration_time" TIMESTAMPTZ(3),
    "assigned_schedule" JSONB NOT NULL,
    "assigned_schedule_enabled" BOOLEAN NOT NULL DEFAULT false,
    "advert_flags" BIGINT NOT NULL,
    "remote_client_flags" BIGINT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 2,
    "state" "AdvertisementState" NOT NULL DEFAULT 'ACTIVE',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "advertisements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_tokens" (
    "id" UUID NOT NULL,
    "fleet_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "site_codes" TEXT[],
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "ingest_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_batches" (
    "fleet_id" UUID NOT NULL,
    "batch_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "token_id" UUID NOT NULL,
    "response" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_batches_pkey" PRIMARY KEY ("fleet_id","batch_id")
);

-- CreateTable
CREATE TABLE "status_messages" (
    "seq" BIGSERIAL NOT NULL,
    "fleet_id" UUID NOT NULL,
    "batch_id" TEXT NOT NULL,
    "message_id" INTEGER NOT NULL,
    "machine_name" TEXT NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "site_code" TEXT NOT NULL,
    "advertisement_id" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "exit_code" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "status_messages_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "client_advert_status" (
    "fleet_id" UUID NOT NULL,
    "advertisement_id" TEXT NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "last_state" TEXT NOT NULL,
    "last_status_message_id" INTEGER NOT NULL,
    "last_status_time" TIMESTAMPTZ(3) NOT NULL,
    "last_exit_code" BIGINT,
    "last_acceptance_message_id" INTEGER,
    "last_acceptance_time" TIMESTAMPTZ(3),

    CONSTRAINT "client_advert_status_pkey" PRIMARY KEY ("fleet_id","advertisement_id","resource_id")
);

-- CreateTable
CREATE TABLE "update_compliance" (
    "fleet_id" UUID NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "update_id" TEXT NOT NULL,
    "state" "ComplianceState" NOT NULL,
    "state_time" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'STATUS',

    CONSTRAINT "update_compliance_pkey" PRIMARY KEY ("fleet_id","update_id","resource_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "fleets_singleton_key_key" ON "fleets"("singleton_key");

-- CreateIndex
CREATE UNIQUE INDEX "sites_fleet_id_site_code_key" ON "sites"("fleet_id", "site_code");

-- CreateIndex
CREATE INDEX "site_systems_fleet_id_site_code_idx" ON "site_systems"("fleet_id", "site_code");

-- CreateIndex
CREATE UNIQUE INDEX "site_systems_fleet_id_server_name_key" ON "site_systems"("fleet_id", "server_name");

-- CreateIndex
CREATE UNIQUE INDEX "boundaries_fleet_id_boundary_id_key" ON "boundaries"("fleet_id", "boundary_id");

-- CreateIndex
CREATE INDEX "sender_addresses_fleet_id_site_code_dest_site_code_idx" ON "sender_addresses"("fleet_id", "site_code", "dest_site_code");

-- CreateIndex
CREATE UNIQUE INDEX "sender_addresses_fleet_id_address_id_key" ON "sender_addresses"("fleet_id", "address_id");

-- CreateIndex
CREATE UNIQUE INDEX "collections_fleet_id_collection_id_key" ON "collections"("fleet_id", "collection_id");

-- CreateIndex
CREATE INDEX "collection_members_computer_row_id_idx" ON "collection_members"("computer_row_id");

-- CreateIndex
CREATE INDEX "computers_fleet_id_site_code_idx" ON "computers"("fleet_id", "site_code");

-- CreateIndex
CREATE INDEX "computers_fleet_id_connection_profile_idx" ON "computers"("fleet_id", "connection_profile");

-- CreateIndex
CREATE UNIQUE INDEX "computers_fleet_id_resource_id_key" ON "computers"("fleet_id", "resource_id");

-- CreateIndex
CREATE UNIQUE INDEX "computers_fleet_id_name_key" ON "computers"("fleet_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "packages_fleet_id_package_id_key" ON "packages"("fleet_id", "package_id");

-- CreateIndex
CREATE UNIQUE INDEX "programs_package_row_id_program_name_key" ON "programs"("package_row_id", "program_name");

-- CreateIndex
CREATE UNIQUE INDEX "advertisements_fleet_id_advertisement_id_key" ON "advertisements"("fleet_id", "advertisement_id");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_tokens_token_hash_key" ON "ingest_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "status_messages_fleet_id_advertisement_id_time_idx" ON "status_messages"("fleet_id", "advertisement_id", "time");

-- CreateIndex
CREATE INDEX "client_advert_status_fleet_id_advertisement_id_last_state_idx" ON "client_advert_status"("fleet_id", "advertisement_id", "last_state");

-- CreateIndex
CREATE INDEX "update_compliance_fleet_id_resource_id_idx" ON "update_compliance"("fleet_id", "resource_id");

-- AddForeignKey
ALTER TABLE "sites" ADD CONSTRAINT "sites_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_systems" ADD CONSTRAINT "site_systems_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "boundaries" ADD CONSTRAINT "boundaries_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sender_addresses" ADD CONSTRAINT "sender_addresses_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collections" ADD CONSTRAINT "collections_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collection_members" ADD CONSTRAINT "collection_members_collection_row_id_fkey" FOREIGN KEY ("collection_row_id") REFERENCES "collections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collection_members" ADD CONSTRAINT "collection_members_computer_row_id_fkey" FOREIGN KEY ("computer_row_id") REFERENCES "computers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "computers" ADD CONSTRAINT "computers_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "packages" ADD CONSTRAINT "packages_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "package_distributions" ADD CONSTRAINT "package_distributions_package_row_id_fkey" FOREIGN KEY ("package_row_id") REFERENCES "packages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programs" ADD CONSTRAINT "programs_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programs" ADD CONSTRAINT "programs_package_row_id_fkey" FOREIGN KEY ("package_row_id") REFERENCES "packages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "advertisements" ADD CONSTRAINT "advertisements_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "advertisements" ADD CONSTRAINT "advertisements_program_row_id_fkey" FOREIGN KEY ("program_row_id") REFERENCES "programs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_tokens" ADD CONSTRAINT "ingest_tokens_fleet_id_fkey" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the one production fleet, with a fixed id so every instance agrees on it.
INSERT INTO "fleets" ("id", "kind", "name", "singleton_key") VALUES ('00000000-0000-4000-8000-000000000001', 'PRODUCTION', 'Production', 'production');
