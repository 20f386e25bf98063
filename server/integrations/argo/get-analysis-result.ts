import type { GateVerdict } from "../../domain/analysis";
import { analysisVerdict } from "../../domain/controllers/analysis-verdict";
import { AppError } from "../../domain/errors";
import type { RolloutState } from "../../domain/rollout";
import type { ServiceContext } from "../../services/context";
import { requireServiceId } from "../../services/require-service";

/** Live rollouts first; otherwise the newest that exposed anything. Drafts have no verdict to give. */
const STATE_PRIORITY: RolloutState[][] = [
  ["running", "paused"],
  ["completed", "rolled_back", "aborted"],
];

async function currentRollout(ctx: ServiceContext, serviceId: string, environment: string | undefined) {
  const live = environment
    ? []
    : await ctx.db.rollout.findMany({
        where: { serviceId, state: { in: ["running", "paused"] } },
        distinct: ["releaseId"],
        select: { release: { select: { environment: true } } },
      });
  const environments = [...new Set(live.map((r) => r.release.environment))];
  // Production's AnalysisTemplate must never promote on staging's evidence.
  if (environments.length > 1) {
    throw new AppError(
      "CONFLICT",
      `environment: the service has live rollouts in ${environments.sort().join(" and ")}; name one with ?environment=`,
      "environment",
    );
  }
  for (const states of STATE_PRIORITY) {
    const row = await ctx.db.rollout.findFirst({
      where: { serviceId, state: { in: states }, ...(environment ? { release: { environment } } : {}) },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        state: true,
        currentStep: true,
        exposurePercent: true,
        release: { select: { version: true, environment: true } },
        evaluations: {
          orderBy: { id: "desc" },
          take: 1,
          select: { stepIndex: true, intervalEnd: true, decision: true, reason: true, gates: true },
        },
      },
    });
    if (row) return row;
  }
  return null;
}

/**
 * The analysis result of a service's current rollout, shaped for Argo Rollouts' Web metric provider:
 * `verdict` (pass | fail | inconclusive), `score`, and each gate's verdict with its explanation, from the
 * newest stored judgement. No rollout or no judgement reads as inconclusive, never as a pass.
 */
export async function getAnalysisResult(ctx: ServiceContext, service: string, environment?: string) {
  const rollout = await currentRollout(ctx, await requireServiceId(ctx.db, service), environment);
  if (!rollout) {
    return {
      service,
      rolloutId: null,
      verdict: "inconclusive",
      score: null,
      reason: "no rollout",
      gates: [],
    };
  }
  const evaluation = rollout.evaluations[0] ?? null;
  const gates = (evaluation?.gates ?? []) as unknown as GateVerdict[];
  const judged = evaluation ? { ...evaluation, gates } : null;
  const { verdict, score, reason } = analysisVerdict(
    { state: rollout.state as RolloutState, currentStep: rollout.currentStep },
    judged,
  );
  return {
    service,
    rolloutId: rollout.id,
    release: rollout.release.version,
    environment: rollout.release.environment,
    state: rollout.state,
    currentStep: rollout.currentStep,
    exposurePercent: rollout.exposurePercent,
    verdict,
    score,
    reason,
    judgedStep: evaluation?.stepIndex ?? null,
    judgedAt: evaluation?.intervalEnd.toISOString() ?? null,
    decision: evaluation?.decision ?? null,
    gates: gates.map((g) => ({
      name: g.gate,
      metric: g.metric,
      verdict: g.verdict,
      critical: g.critical,
      explanation: g.detail,
    })),
  };
}
