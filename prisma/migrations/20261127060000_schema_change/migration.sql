-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "schemaChange" JSONB;

