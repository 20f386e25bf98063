import { z } from "zod";
import type { GateVerdict } from "../../domain/analysis";
import {
  type ExposureEvent,
  type StepBoundary,
  stepBoundaries,
  stepName,
  type VerdictMarker,
  verdictMarkers,
} from "../../domain/charts/chart-marks";
import { type ChartMetric, type GateMargin, marginsOf } from "../../domain/charts/gate-margin";
import type { PlanStep } from "../../domain/rollout";
import type { ServiceContext } from "../context";
import { getRollout } from "./get-rollout";

/** What the charts draw over the points: each step's margins, the step boundaries, the verdict changes. */
export interface ChartMarks {
  steps: { index: number; label: string; margins: Partial<Record<ChartMetric, GateMargin>> }[];
  boundaries: StepBoundary[];
  verdicts: VerdictMarker[];
}

const EXPOSURE_ACTIONS = ["rollout.step-entered", "rollout.rolled-back", "rollout.completed"] as const;

const exposureEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("rollout.step-entered"), stepIndex: z.number().int() }),
  z.object({ type: z.literal("rollout.rolled-back"), toPercent: z.number() }),
  z.object({ type: z.literal("rollout.completed") }),
]);

/**
 * Live commands store `{ ...summary, event }` as an audit event's `after`; the demo seed stores the bare
 * event. Either way the event is in there; anything else is not an exposure change the chart can place.
 */
function toExposureEvent(row: { action: string; at: Date; after: unknown }): ExposureEvent[] {
  const after = row.after as { event?: unknown } | null;
  const parsed = exposureEventSchema.safeParse({
    ...(typeof after?.event === "object" ? after.event : after),
    type: row.action,
  });
  return parsed.success ? [{ ...parsed.data, at: row.at.getTime() }] : [];
}

export async function getChartMarks(ctx: ServiceContext, rolloutId: string): Promise<ChartMarks> {
  const rollout = await getRollout(ctx, rolloutId);
  const steps = rollout.steps as unknown as PlanStep[];
  const [history, evaluations] = await Promise.all([
    ctx.db.auditEvent.findMany({
      where: { targetType: "rollout", targetId: rolloutId, action: { in: [...EXPOSURE_ACTIONS] } },
      orderBy: { id: "asc" },
      select: { action: true, at: true, after: true },
    }),
    ctx.db.stepEvaluation.findMany({
      where: { rolloutId },
      orderBy: { intervalEnd: "asc" },
      select: { stepIndex: true, intervalEnd: true, gates: true },
    }),
  ]);
  return {
    steps: steps.map((step, index) => ({
      index,
      label: stepName(steps, index),
      margins: marginsOf(step.gates),
    })),
    boundaries: stepBoundaries(history.flatMap(toExposureEvent), steps),
    verdicts: verdictMarkers(
      evaluations.map((e) => ({
        stepIndex: e.stepIndex,
        intervalEnd: e.intervalEnd.getTime(),
        gates: e.gates as unknown as GateVerdict[],
      })),
    ),
  };
}
