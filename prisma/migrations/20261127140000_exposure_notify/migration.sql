-- Every committed write to what GET /api/v1/exposure/{service} shows (services, releases, rollouts, flags,
-- segments) notifies the channel "sluice_exposure_changed", whichever instance or process wrote it.
-- Each instance LISTENs (server/db/change-listener.ts) and drops its in-memory exposure documents
-- (server/services/exposure/exposure-store.ts). NOTIFY is transactional: sent at commit, never on
-- rollback; once per statement, and PostgreSQL folds identical notifications within a transaction.
CREATE FUNCTION sluice_notify_exposure_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sluice_exposure_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Service_exposure_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Service"
  FOR EACH STATEMENT EXECUTE FUNCTION sluice_notify_exposure_changed();
CREATE TRIGGER "Release_exposure_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Release"
  FOR EACH STATEMENT EXECUTE FUNCTION sluice_notify_exposure_changed();
CREATE TRIGGER "Rollout_exposure_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Rollout"
  FOR EACH STATEMENT EXECUTE FUNCTION sluice_notify_exposure_changed();
CREATE TRIGGER "Flag_exposure_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Flag"
  FOR EACH STATEMENT EXECUTE FUNCTION sluice_notify_exposure_changed();
CREATE TRIGGER "Segment_exposure_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Segment"
  FOR EACH STATEMENT EXECUTE FUNCTION sluice_notify_exposure_changed();
