-- SLO windows sum a service environment's samples over up to 90 days. Its rows are interleaved with every
-- other service's in the table (each interval writes them all), so reading them through the plain index
-- fetched tens of thousands of scattered pages per SLO: 0.5 s each with 100 services (npm run
-- bench:slo). The unique index now carries the columns summed, so the sums are index-only scans (~25×).

-- DropIndex
DROP INDEX "ServiceSample_serviceId_environment_intervalEnd_key";

-- CreateIndex
CREATE UNIQUE INDEX "ServiceSample_serviceId_environment_intervalEnd_key" ON "ServiceSample"("serviceId", "environment", "intervalEnd")
  INCLUDE ("intervalSeconds", "requests", "errors", "latencyBoundsMs", "latencyCounts");
