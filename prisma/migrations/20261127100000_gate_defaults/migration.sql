-- CreateTable
CREATE TABLE "GateDefaults" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT,
    "gates" JSONB NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GateDefaults_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GateDefaults_serviceId_key" ON "GateDefaults"("serviceId");

-- At most one global row (serviceId null); Prisma's schema language cannot say this.
CREATE UNIQUE INDEX "GateDefaults_global_key" ON "GateDefaults"((1)) WHERE "serviceId" IS NULL;

-- AddForeignKey
ALTER TABLE "GateDefaults" ADD CONSTRAINT "GateDefaults_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
