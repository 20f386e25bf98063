-- Services the demo seeded: the demo loop deploys and rolls out their next version when a rollout ends.
-- Databases seeded before this column keep a static demo; nothing else is a demo service.
ALTER TABLE "Service" ADD COLUMN "demo" BOOLEAN NOT NULL DEFAULT false;
