-- The engine counts a holding step's samples on every beat, and loads them when they change, by
-- rollout and "interval end after the step started". With the interval end second in the key that is a
-- range scan of the step's own rows instead of the rollout's whole history. The same uniqueness.
DROP INDEX "MetricSample_rolloutId_cohort_intervalEnd_key";
CREATE UNIQUE INDEX "MetricSample_rolloutId_intervalEnd_cohort_key" ON "MetricSample"("rolloutId", "intervalEnd", "cohort");
