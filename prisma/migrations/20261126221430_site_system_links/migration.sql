-- AlterTable
ALTER TABLE "site_systems" ADD COLUMN     "capacity_kbps" DOUBLE PRECISION,
ADD COLUMN     "content_link_kbps" DOUBLE PRECISION;
