import type { PersonalDataReader } from "../domain/audit";
import type { RolloutSnapshot } from "../domain/rollout";
import type { registerDeploy } from "../services/deploys/register-deploy";
import type { loadActiveFreezes } from "../services/freezes/load-freeze-state";
import type { declareIncident } from "../services/incidents/declare-incident";
import { incidentFor } from "../services/incidents/list-incidents";
import type { RolloutView } from "../services/rollouts/rollout-view";
import type { CommandOutcome } from "../services/rollouts/run-rollout-command";

/**
 * The public JSON of /api/v1, separate from what the services select so the API contract changes only
 * on purpose. Times are ISO 8601 strings.
 */
type Release = Awaited<ReturnType<typeof registerDeploy>>["release"];
type Incident = Awaited<ReturnType<typeof declareIncident>>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function rolloutJson(r: RolloutView) {
  return {
    id: r.id,
    service: r.service.name,
    environment: r.release.environment,
    release: r.release.version,
    mechanism: r.mechanism,
    state: r.state,
    phase: r.phase,
    currentStep: r.currentStep,
    steps: r.steps,
    exposurePercent: r.exposurePercent,
    lastKnownGoodPercent: r.lastKnownGoodPercent,
    stepStartedAt: r.stepStartedAt,
    holdUntil: r.holdUntil,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    endedAt: r.endedAt,
  };
}

function snapshotJson(s: RolloutSnapshot) {
  return {
    id: s.id,
    service: s.serviceId,
    state: s.state,
    phase: s.phase,
    currentStep: s.currentStep,
    exposurePercent: s.exposurePercent,
    lastKnownGoodPercent: s.lastKnownGoodPercent,
    stepStartedAt: iso(s.stepStartedAt),
    holdUntil: iso(s.holdUntil),
    version: s.version,
  };
}

export function outcomeJson(o: CommandOutcome) {
  return {
    rollout: snapshotJson(o.rollout),
    changed: o.changed,
    repeated: o.repeated,
    events: o.events.map(({ rolloutId: _rolloutId, ...event }) => ({ ...event, at: iso(event.at) })),
  };
}

export function releaseJson(service: string, r: Release, created: boolean) {
  return {
    id: r.id,
    service,
    environment: r.environment,
    version: r.version,
    artifact: r.artifact,
    deployedAt: r.deployedAt,
    created,
  };
}

export function incidentJson(incident: Incident, reader: PersonalDataReader) {
  const i = incidentFor(reader, incident);
  return {
    id: i.id,
    externalId: i.externalId,
    title: i.title,
    severity: i.severity,
    services: i.services,
    active: i.resolvedAt === null,
    declaredAt: i.declaredAt,
    declaredBy: i.declaredBy,
    resolvedAt: i.resolvedAt,
    resolvedBy: i.resolvedBy,
  };
}

export function freezesJson(f: Awaited<ReturnType<typeof loadActiveFreezes>>, reader: PersonalDataReader) {
  return { incidents: f.incidents.map((i) => incidentJson(i, reader)), exhaustedBudgets: f.exhaustedBudgets };
}
