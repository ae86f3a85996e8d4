-- AlterTable
ALTER TABLE "computers" ALTER COLUMN "online_ratio" DROP NOT NULL,
ALTER COLUMN "online_ratio" DROP DEFAULT;

-- AlterTable
ALTER TABLE "forecasts" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3),
ADD COLUMN     "owner_id" TEXT,
ADD COLUMN     "request_hash" TEXT;

-- AlterTable
ALTER TABLE "packages" ADD COLUMN     "courier_site_codes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE UNIQUE INDEX "forecasts_unfinished_request_key" ON "forecasts"("fleet_id", "request_hash") WHERE (status IN ('QUEUED', 'RUNNING'));

-- Courier plans applied before this migration were only in package_distributions.via.
UPDATE "packages" p SET "courier_site_codes" = d.sites
FROM (
  SELECT "package_row_id", array_agg(DISTINCT "site_code" ORDER BY "site_code") AS sites
  FROM "package_distributions" WHERE "via" = 'COURIER_PARCEL' GROUP BY "package_row_id"
) d
WHERE d."package_row_id" = p."id";
