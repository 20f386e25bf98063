import {
  type AlertSeverity,
  type BurnAlert,
  describeFiring,
  describeRule,
  evaluateBurnAlerts,
  type WindowCounts,
} from "./alert-rules";
import { type ErrorBudget, errorBudget, formatShare, type GoodBadCounts } from "./burn-rate";
import { describeObjective, type SloDefinition } from "./slo-definition";

/** An SLO as stored: its definition, its service's name, the environment it judges, and its id. */
export interface SloSubject extends SloDefinition {
  id: string;
  service: string;
  environment: string;
}

/** Requests and bad requests per alert window, and over the SLO's whole window. */
export interface SloCounts {
  windows: WindowCounts;
  sloWindow: GoodBadCounts;
}

export interface SloAssessment {
  alert: BurnAlert;
  budget: ErrorBudget;
}

/** `alerting`: the severity already raised, which an empty short window does not clear. */
export function assessSlo(
  slo: SloDefinition,
  counts: SloCounts,
  alerting: AlertSeverity | null,
): SloAssessment {
  return {
    alert: evaluateBurnAlerts(counts.windows, slo.objective, alerting),
    budget: errorBudget(counts.sloWindow, slo.objective),
  };
}

/** What is remembered between evaluations (epoch ms). */
export interface SloState {
  alertSeverity: AlertSeverity | null;
  /** When the alert reached its current severity. */
  alertSince: number | null;
  /** Set while the budget is spent; the service is frozen meanwhile. */
  budgetExhaustedSince: number | null;
}

export interface SloChange {
  action:
    | "slo.alert-raised"
    | "slo.alert-eased"
    | "slo.alert-cleared"
    | "slo.budget-exhausted"
    | "slo.budget-restored";
  reason: string;
}

export interface SloPlan {
  next: SloState;
  /** One audit event each; empty when nothing changed. */
  changes: SloChange[];
  /** Set while the SLO pages: roll the service's rollouts back, once per burn (the key is stable). */
  kill: { reason: string; idempotencyKey: string } | null;
}

const RANK: Record<AlertSeverity, number> = { ticket: 1, page: 2 };
const rank = (s: AlertSeverity | null) => (s ? RANK[s] : 0);

function label(slo: SloSubject): string {
  return `SLO ${slo.service}/${slo.name} in ${slo.environment} (${describeObjective(slo)})`;
}

function describeBudget(slo: SloSubject, budget: ErrorBudget): string {
  return (
    `${budget.bad} bad of ${budget.total} requests in ${slo.windowDays}d against ` +
    `${Number(budget.allowedBad.toFixed(1))} allowed, remaining ${formatShare(budget.remaining)}`
  );
}

/**
 * Compares an SLO's fresh assessment with what was remembered and says what to record and do: alert
 * changes, the start or end of an error-budget freeze, and while it pages, a kill of the service's
 * rollouts whose idempotency key stays the same for the whole burn.
 */
export function planSloActions(
  slo: SloSubject,
  state: SloState,
  assessment: SloAssessment,
  now: number,
): SloPlan {
  const { alert, budget } = assessment;
  const changes: SloChange[] = [];
  const next: SloState = { ...state };

  if (alert.severity !== state.alertSeverity) {
    next.alertSeverity = alert.severity;
    next.alertSince = alert.severity ? now : null;
    if (alert.severity === null) {
      const was = state.alertSeverity as AlertSeverity;
      const numbers = alert.rules
        .filter((r) => r.severity === was)
        .map(describeRule)
        .join("; ");
      changes.push({
        action: "slo.alert-cleared",
        reason: `${label(slo)} no longer alerts (was ${was}): ${numbers}`,
      });
    } else {
      const raised = rank(alert.severity) > rank(state.alertSeverity);
      changes.push({
        action: raised ? "slo.alert-raised" : "slo.alert-eased",
        reason: `${label(slo)} ${raised ? "raised" : "eased"} to ${alert.severity}: ${describeFiring(alert, alert.severity)}`,
      });
    }
  }

  if (budget.exhausted && state.budgetExhaustedSince === null) {
    next.budgetExhaustedSince = now;
    changes.push({
      action: "slo.budget-exhausted",
      reason: `${label(slo)} error budget exhausted (${describeBudget(slo, budget)}): starts, advances, approvals and resumes of ${slo.service} in ${slo.environment} are frozen`,
    });
  } else if (!budget.exhausted && state.budgetExhaustedSince !== null) {
    next.budgetExhaustedSince = null;
    changes.push({
      action: "slo.budget-restored",
      reason: `${label(slo)} error budget no longer exhausted (${describeBudget(slo, budget)}): freeze of ${slo.service} in ${slo.environment} lifted`,
    });
  }

  const kill =
    next.alertSeverity === "page" && next.alertSince !== null
      ? {
          reason: `${label(slo)} is burning its error budget fast: ${describeFiring(alert, "page")}`,
          idempotencyKey: `slo-page:${slo.id}:${next.alertSince}`,
        }
      : null;
  return { next, changes, kill };
}
