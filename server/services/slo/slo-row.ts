import type { AlertSeverity, SloKind, SloState, SloSubject } from "../../domain/slo";

/** The Slo columns the SLO services read. */
export const sloSelect = {
  id: true,
  serviceId: true,
  environment: true,
  name: true,
  kind: true,
  objective: true,
  windowDays: true,
  latencyThresholdMs: true,
  alertSeverity: true,
  alertSince: true,
  budgetExhaustedSince: true,
  service: { select: { name: true } },
} as const;

export interface SloRow {
  id: string;
  serviceId: string;
  environment: string;
  name: string;
  kind: string;
  objective: number;
  windowDays: number;
  latencyThresholdMs: number | null;
  alertSeverity: string | null;
  alertSince: Date | null;
  budgetExhaustedSince: Date | null;
  service: { name: string };
}

export function toSloSubject(row: SloRow): SloSubject {
  return {
    id: row.id,
    service: row.service.name,
    environment: row.environment,
    name: row.name,
    kind: row.kind as SloKind,
    objective: row.objective,
    windowDays: row.windowDays,
    latencyThresholdMs: row.latencyThresholdMs,
  };
}

export function toSloState(row: SloRow): SloState {
  return {
    alertSeverity: row.alertSeverity as AlertSeverity | null,
    alertSince: row.alertSince?.getTime() ?? null,
    budgetExhaustedSince: row.budgetExhaustedSince?.getTime() ?? null,
  };
}
