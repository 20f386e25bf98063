-- slo-watch stores each SLO's judgement (budget and burn rates) at every beat, so the SLOs page reads it
-- instead of summing every SLO's window of samples again for every viewer.

-- AlterTable
ALTER TABLE "Slo" ADD COLUMN "assessedAt" TIMESTAMP(3),
ADD COLUMN "assessment" JSONB;
