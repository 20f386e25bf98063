import { asJson } from "../../db/json";
import {
  type BurnAlert,
  type ErrorBudget,
  planSloActions,
  type SloChange,
  type SloState,
  type SloSubject,
} from "../../domain/slo";
import { eachLimited } from "../../each-limited";
import { type CommandActor, systemActor } from "../actors";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { requireServiceId } from "../require-service";
import { killActiveRollouts } from "../rollouts/kill-rollouts";
import { assessStoredSlo } from "./assess-stored-slo";
import type { LongWindowSums } from "./long-window-sums";
import { type SloRow, sloSelect, toSloState, toSloSubject } from "./slo-row";

const SERVICES_AT_ONCE = 4;

export interface SloEvaluation {
  slo: SloSubject;
  /** The state after this evaluation. */
  state: SloState;
  alert: BurnAlert;
  budget: ErrorBudget;
  /** What this evaluation recorded (alert and freeze changes), each with its audit event. */
  changes: SloChange[];
  /** Rollouts this evaluation rolled back because the SLO pages. */
  rolledBack: string[];
}

/**
 * Judges the SLOs of one service (or all) on the samples of the last windows: records alert changes and
 * error-budget freezes, and while an SLO pages rolls the service's rollouts back through the kill
 * switch, with a key that makes repeats during the same burn change nothing. One SLO failing does not
 * keep the others from being judged; the failures are thrown together at the end.
 */
export async function evaluateSlos(
  ctx: ServiceContext,
  scope: { service: string } | { all: true },
  longSums?: LongWindowSums,
): Promise<SloEvaluation[]> {
  longSums?.sweep(ctx.now().getTime());
  const actor = systemActor("slo-watch");
  const rows = await ctx.db.slo.findMany({
    where: "service" in scope ? { service: { name: scope.service } } : {},
    select: sloSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if ("service" in scope && rows.length === 0) await requireServiceId(ctx.db, scope.service);
  const evaluations: (SloEvaluation | undefined)[] = new Array(rows.length);
  const failures: unknown[] = [];
  // Each SLO mostly waits on PostgreSQL summing its windows, so several services are judged at once; one
  // service's SLOs go in turn, as two pages of one service must not race to kill the same rollouts.
  const byService = new Map<string, { row: SloRow; index: number }[]>();
  rows.forEach((row, index) => {
    byService.set(row.serviceId, [...(byService.get(row.serviceId) ?? []), { row, index }]);
  });
  await eachLimited([...byService.values()], SERVICES_AT_ONCE, async (slos) => {
    for (const { row, index } of slos) {
      try {
        evaluations[index] = await evaluateSlo(ctx, actor, row, longSums);
      } catch (error) {
        failures.push(error);
      }
    }
  });
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} of ${rows.length} SLO evaluations failed`);
  }
  return evaluations.filter((e) => e !== undefined);
}

async function evaluateSlo(
  ctx: ServiceContext,
  actor: CommandActor,
  row: SloRow,
  longSums: LongWindowSums | undefined,
): Promise<SloEvaluation> {
  const now = ctx.now();
  const slo = toSloSubject(row);
  const state = toSloState(row);
  const { alert, budget } = await assessStoredSlo(ctx, row, now, longSums);
  // What the SLOs page shows: this judgement, not a sum of every SLO's window again per viewer.
  await ctx.db.slo.update({
    where: { id: row.id },
    data: { assessment: asJson({ alert, budget }), assessedAt: now },
    select: { id: true },
  });
  const plan = planSloActions(slo, state, { alert, budget }, now.getTime());
  const unchanged = { slo, state, alert, budget, changes: [], rolledBack: [] };
  if (plan.changes.length > 0) {
    const saved = await ctx.db.$transaction(async (tx) => {
      // Compare-and-set on the remembered state: of two evaluators, one records the change.
      const { count } = await tx.slo.updateMany({
        where: {
          id: row.id,
          alertSeverity: row.alertSeverity,
          alertSince: row.alertSince,
          budgetExhaustedSince: row.budgetExhaustedSince,
        },
        data: {
          alertSeverity: plan.next.alertSeverity,
          alertSince: toDate(plan.next.alertSince),
          budgetExhaustedSince: toDate(plan.next.budgetExhaustedSince),
        },
      });
      if (count === 0) return false;
      for (const change of plan.changes) {
        await recordAuditEvent(tx, {
          actor,
          action: change.action,
          targetType: "service",
          targetId: row.serviceId,
          reason: change.reason,
          before: asJson({ slo: { id: slo.id, name: slo.name, environment: slo.environment }, state }),
          after: asJson({
            slo: { id: slo.id, name: slo.name, environment: slo.environment },
            state: plan.next,
            alert,
            budget,
          }),
          at: now,
        });
      }
      return true;
    });
    // Someone else recorded a newer state first; the next evaluation starts from theirs.
    if (!saved) return unchanged;
    if (plan.changes.some((change) => change.action.startsWith("slo.budget-"))) {
      ctx.events.publish("freeze.changed", {
        service: slo.service,
        environment: slo.environment,
        slo: slo.name,
        exhausted: plan.next.budgetExhaustedSince !== null,
      });
    }
  }
  const outcomes = plan.kill
    ? await killActiveRollouts(ctx, actor, { service: slo.service, environment: slo.environment }, plan.kill)
    : [];
  return {
    ...unchanged,
    state: plan.next,
    changes: plan.changes,
    rolledBack: outcomes.filter((o) => o.changed && !o.repeated).map((o) => o.rollout.id),
  };
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
