-- An SLO judges one environment's traffic (staging's canaries must not spend production's budget), and
-- its page and budget freeze reach only that environment's rollouts.

-- AlterTable
ALTER TABLE "Slo" ADD COLUMN "environment" TEXT;

-- Existing SLOs counted every environment; each keeps the one that carried most of its service's traffic
-- over its window (production, wherever it is called prod or apps-prod), else production when the service
-- was released there, else the environment of its newest release, else production. slo-watch then
-- re-judges it on that environment alone at its next beat (and audits any alert or freeze it lifts).
UPDATE "Slo" AS s
SET "environment" = COALESCE(
  (SELECT rel."environment"
   FROM "MetricSample" AS ms
     JOIN "Rollout" AS r ON r."id" = ms."rolloutId"
     JOIN "Release" AS rel ON rel."id" = r."releaseId"
   WHERE r."serviceId" = s."serviceId"
     AND ms."intervalEnd" > (now() AT TIME ZONE 'UTC') - make_interval(days => s."windowDays")
   GROUP BY rel."environment"
   ORDER BY sum(ms."requests") DESC, rel."environment"
   LIMIT 1),
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
