-- A service's whole traffic per environment and interval, with or without a rollout: SLOs keep watching
-- after every rollout of the service has ended.

-- CreateTable
CREATE TABLE "ServiceSample" (
    "id" BIGSERIAL NOT NULL,
    "serviceId" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "intervalEnd" TIMESTAMP(3) NOT NULL,
    "intervalSeconds" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "latencyBoundsMs" DOUBLE PRECISION[],
    "latencyCounts" INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServiceSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ServiceSample_serviceId_environment_intervalEnd_key" ON "ServiceSample"("serviceId", "environment", "intervalEnd");

-- AddForeignKey
ALTER TABLE "ServiceSample" ADD CONSTRAINT "ServiceSample_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
