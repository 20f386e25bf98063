-- A controller's revision that comes back after another (a revert to an earlier Flagger checksum) is a
-- new rollout: a rollout is identified by its place in the controller ref's history, not by its revision.

-- DropIndex
DROP INDEX "Rollout_controller_controllerRef_controllerRevision_key";

-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "controllerGeneration" INTEGER;

-- Existing controller rollouts (one per revision so far) are numbered 1, 2, 3, ... in creation order.
UPDATE "Rollout" AS r
SET "controllerGeneration" = numbered.generation
FROM (
  SELECT "id", ROW_NUMBER() OVER (
    PARTITION BY "controller", "controllerRef" ORDER BY "createdAt", "id"
  )::INTEGER AS generation
  FROM "Rollout"
  WHERE "controller" IS NOT NULL
) AS numbered
WHERE r."id" = numbered."id";

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_controller_controllerRef_controllerGeneration_key" ON "Rollout"("controller", "controllerRef", "controllerGeneration");
