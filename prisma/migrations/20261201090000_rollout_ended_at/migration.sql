-- When a rollout ended, so the overview lists what ended lately by that time and not by updatedAt, which
-- later writes (a schema contract phase, a controller's weight report) move on.

-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN "endedAt" TIMESTAMP(3);

-- Backfill from the audit history's one ending event per rollout, else (no history) its last change.
UPDATE "Rollout" r SET "endedAt" = coalesce(
  (SELECT max(e."at") FROM "AuditEvent" e
    WHERE e."targetType" = 'rollout' AND e."targetId" = r."id"
      AND e."action" IN ('rollout.completed', 'rollout.rolled-back', 'rollout.aborted')),
  r."updatedAt")
WHERE r."state" IN ('completed', 'rolled_back', 'aborted');

-- CreateIndex
CREATE INDEX "Rollout_endedAt_id_idx" ON "Rollout"("endedAt", "id");
