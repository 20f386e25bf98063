-- An SLO judges one environment's traffic (staging's canaries must not spend production's budget), and
-- its page and budget freeze reach only that environment's rollouts.

-- AlterTable
ALTER TABLE "Slo" ADD COLUMN "environment" TEXT;

-- Existing SLOs counted every environment; they keep production when the service has releases there,
-- else the environment of its newest release, else production.
UPDATE "Slo" AS s
SET "environment" = COALESCE(
  (SELECT 'production' FROM "Release" AS r
   WHERE r."serviceId" = s."serviceId" AND r."environment" = 'production' LIMIT 1),
  (SELECT r."environment" FROM "Release" AS r
   WHERE r."serviceId" = s."serviceId" ORDER BY r."deployedAt" DESC, r."id" DESC LIMIT 1),
  'production'
);

ALTER TABLE "Slo" ALTER COLUMN "environment" SET NOT NULL;

-- DropIndex
DROP INDEX "Slo_serviceId_name_key";

-- CreateIndex
CREATE UNIQUE INDEX "Slo_serviceId_environment_name_key" ON "Slo"("serviceId", "environment", "name");
