-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "controller" TEXT,
ADD COLUMN     "controllerRef" TEXT,
ADD COLUMN     "controllerRevision" TEXT,
ADD COLUMN     "controllerWeight" DOUBLE PRECISION;

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_controller_controllerRef_controllerRevision_key" ON "Rollout"("controller", "controllerRef", "controllerRevision");
