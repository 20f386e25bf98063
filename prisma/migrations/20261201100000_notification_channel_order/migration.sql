-- A channel's deliveries go one at a time, oldest first: claiming looks up whether an older one of the
-- same channel is still pending.

-- CreateIndex
CREATE INDEX "NotificationDelivery_channelId_status_id_idx" ON "NotificationDelivery"("channelId", "status", "id");
