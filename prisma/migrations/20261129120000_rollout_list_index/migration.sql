-- GET /api/v1/rollouts pages newest first by (createdAt, id): with this index each page is a short
-- range scan, however long the history grows.
CREATE INDEX "Rollout_createdAt_id_idx" ON "Rollout"("createdAt", "id");
