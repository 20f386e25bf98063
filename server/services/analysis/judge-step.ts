import { sqlTimestamp } from "../../db/sql-timestamp";
import {
  type AnalysisSample,
  evaluateStep,
  judgementPoint,
  type StepEvaluation,
} from "../../domain/analysis";
import type { RolloutSnapshot } from "../../domain/rollout";
import { observeGateEvaluation } from "../../observability/sluice-metrics";
import type { ServiceContext } from "../context";
import { loadSamples } from "../metrics/load-samples";
import type { Judgement, StepVerdict } from "../rollouts/progress-rollouts";

/**
 * The live analysis of a holding step: the step's samples so far go through the same evaluator that
 * `npm run analyze` replays, and each new interval's judgement is stored and announced. The engine gets
 * the decision back as a verdict, with how long it stands if no sample arrives.
 */
export async function judgeStep(ctx: ServiceContext, rollout: RolloutSnapshot): Promise<Judgement> {
  const step = rollout.steps[rollout.currentStep];
  if (!step || rollout.stepStartedAt === null || rollout.holdUntil === null)
    return { verdict: { kind: "continue" }, standsUntil: Number.POSITIVE_INFINITY };
  const startedAt = rollout.stepStartedAt;
  const stored = await loadSamples(ctx.db, rollout.id, startedAt);
  const intervalSeconds = stored[0]?.intervalSeconds ?? (await intervalBeforeStep(ctx, rollout.id));
  // Analysis counts time in seconds since the step started.
  const samples: AnalysisSample[] = stored.map((sample) => ({
    ...sample,
    intervalEnd: (sample.intervalEnd - startedAt) / 1000,
  }));
  const holdSeconds = (rollout.holdUntil - startedAt) / 1000;
  const point = judgementPoint({
    newest: samples.at(-1)?.intervalEnd ?? 0,
    now: (ctx.now().getTime() - startedAt) / 1000,
    intervalSeconds,
    holdSeconds,
  });
  // Whole milliseconds, rounded down: the engine judges again a hair early rather than late.
  const standsUntil = Math.floor(startedAt + point.standsUntil * 1000);
  const elapsedSeconds = point.at;
  if (elapsedSeconds <= 0) return { verdict: { kind: "continue" }, standsUntil };

  const share = rollout.exposurePercent / 100;
  if (share <= 0 || share >= 1) {
    const exposed = samples.filter((s) => s.cohort === (share >= 1 ? "canary" : "baseline"));
    const verdict = bakeWithoutBaseline(exposed, elapsedSeconds, holdSeconds, intervalSeconds);
    return { verdict, standsUntil };
  }
  const evaluationStarted = performance.now();
  const evaluation = evaluateStep({
    gates: step.gates,
    samples,
    expectedCanaryShare: share,
    intervalSeconds,
    holdSeconds,
    elapsedSeconds,
  });
  observeGateEvaluation(evaluation, (performance.now() - evaluationStarted) / 1000);
  await recordEvaluation(ctx, rollout, new Date(startedAt + elapsedSeconds * 1000), evaluation);
  return { verdict: toVerdict(evaluation), standsUntil };
}

/**
 * The interval length before the step has a sample of its own: the rollout's earlier samples', or
 * Prometheus's default (30 s). Guessing shorter would call an interval that has not ended yet an outage.
 */
async function intervalBeforeStep(ctx: ServiceContext, rolloutId: string): Promise<number> {
  const earlier = await ctx.db.metricSample.findFirst({
    where: { rolloutId },
    orderBy: { intervalEnd: "desc" },
    select: { intervalSeconds: true },
  });
  return earlier?.intervalSeconds ?? 30;
}

function toVerdict(evaluation: StepEvaluation): StepVerdict {
  switch (evaluation.decision) {
    case "rollback":
      return { kind: "rollback", failedGates: evaluation.failedGates, reason: evaluation.reason };
    case "pause":
      return { kind: "pause", reason: evaluation.reason };
    case "promote":
      return { kind: "promote" };
    case "inconclusive":
    case "continue": {
      // A failing non-critical gate rolls nothing back, but the step can no longer pass: a human judges
      // it now rather than at the end of the hold and its extension.
      const failed = evaluation.gates.filter((g) => g.verdict === "fail");
      if (failed.length > 0) {
        const details = failed.map((g) => `${g.gate} (${g.detail})`).join("; ");
        return {
          kind: "degraded",
          failedGates: failed.map((g) => g.gate),
          reason: `non-critical gate failed: ${details}`,
        };
      }
      return evaluation.decision === "continue"
        ? { kind: "continue" }
        : { kind: "inconclusive", reason: evaluation.reason };
    }
  }
}

/**
 * At 0% (blue-green's idle colour) or 100% there is no second cohort to compare with. The step is a
 * bake: it passes when its hold is over with the exposed cohort's data present, and is inconclusive
 * otherwise; absolute health at full exposure is the SLO burn-rate alerts' job.
 */
function bakeWithoutBaseline(
  /** The exposed cohort's samples only. */
  samples: AnalysisSample[],
  elapsedSeconds: number,
  holdSeconds: number,
  intervalSeconds: number,
): StepVerdict {
  if (elapsedSeconds < holdSeconds) return { kind: "continue" };
  const expected = Math.max(1, Math.floor(holdSeconds / intervalSeconds));
  const seen = new Set(samples.filter((s) => s.requests > 0).map((s) => s.intervalEnd)).size;
  return seen / expected >= 0.7
    ? { kind: "promote" }
    : { kind: "inconclusive", reason: `data for only ${seen} of ${expected} intervals of the bake` };
}

/**
 * Stores the evaluation unless this interval of this step already has one, and announces it if stored.
 * Raw SQL: Prisma's createMany costs twice the CPU of the statement itself, on every judgement.
 */
async function recordEvaluation(
  ctx: ServiceContext,
  rollout: RolloutSnapshot,
  intervalEnd: Date,
  evaluation: StepEvaluation,
): Promise<void> {
  const count = await ctx.db.$executeRaw`
    INSERT INTO "StepEvaluation" ("rolloutId", "stepIndex", "intervalEnd", "at", "decision", "reason", "gates")
    VALUES (${rollout.id}, ${rollout.currentStep}, ${sqlTimestamp(intervalEnd.getTime())}, ${sqlTimestamp(ctx.now().getTime())}, ${evaluation.decision},
      ${evaluation.reason}, ${JSON.stringify(evaluation.gates)}::jsonb)
    ON CONFLICT ("rolloutId", "stepIndex", "intervalEnd") DO NOTHING`;
  if (count === 1) {
    ctx.events.publish("verdict.recorded", {
      rolloutId: rollout.id,
      stepIndex: rollout.currentStep,
      intervalEnd: intervalEnd.getTime(),
      decision: evaluation.decision,
      reason: evaluation.reason,
      gates: evaluation.gates,
    });
  }
}
