-- AlterTable
ALTER TABLE "ingest_batches" ADD COLUMN     "content_hash" TEXT NOT NULL DEFAULT '';
