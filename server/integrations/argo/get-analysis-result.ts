import { Prisma } from "../../db/client";
import type { GateVerdict } from "../../domain/analysis";
import { analysisVerdict } from "../../domain/controllers/analysis-verdict";
import { AppError } from "../../domain/errors";
import type { RolloutState } from "../../domain/rollout";
import type { ServiceContext } from "../../services/context";
import { requireServiceId } from "../../services/require-service";

export interface AnalysisQuery {
  environment?: string;
  /** The release version Argo is analysing; without it, the service's current rollout answers. */
  release?: string;
}

/** Live rollouts first; otherwise the newest finished one. */
const STATE_PRIORITY: RolloutState[][] = [
  ["running", "paused"],
  ["completed", "rolled_back", "aborted"],
];

const ROLLOUT_FIELDS = {
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
} satisfies Prisma.RolloutSelect;

type AnalysedRollout = Prisma.RolloutGetPayload<{ select: typeof ROLLOUT_FIELDS }>;

async function newestRollout(ctx: ServiceContext, where: Prisma.RolloutWhereInput) {
  for (const states of STATE_PRIORITY) {
    const row = await ctx.db.rollout.findFirst({
      where: { ...where, state: { in: states } },
      orderBy: { createdAt: "desc" },
      select: ROLLOUT_FIELDS,
    });
    if (row) return row;
  }
  return null;
}

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
  // Nothing live: the newest finished rollout must be the named (or only) environment's, never staging's
  // answering for production.
  const scope = environment ?? environments[0] ?? (await releaseEnvironment(ctx, serviceId, undefined));
  return newestRollout(ctx, { serviceId, ...(scope ? { release: { environment: scope } } : {}) });
}

/**
 * The environment a release is asked about: the one named, else the service's only one. Released to
 * several, one environment's rollout of a version must not answer for another's.
 */
async function releaseEnvironment(ctx: ServiceContext, serviceId: string, environment: string | undefined) {
  if (environment) return environment;
  const released = await ctx.db.release.findMany({
    where: { serviceId },
    distinct: ["environment"],
    orderBy: { environment: "asc" },
    select: { environment: true },
  });
  if (released.length > 1) {
    const names = released.map((r) => r.environment).join(" and ");
    throw new AppError(
      "CONFLICT",
      `environment: the service is released to ${names}; name one with ?environment=`,
      "environment",
    );
  }
  return released[0]?.environment ?? null;
}

/**
 * Every audit action by which a rollout changes what its environment runs. A reduction (rolled back)
 * counts too: that fails safe, inconclusive rather than a pass on doubt.
 */
const EXPOSURE_ACTIONS = [
  "rollout.started",
  "rollout.step-entered",
  "rollout.exposure-changed",
  "rollout.step-passed",
  "rollout.completed",
  "rollout.rolled-back",
];

/**
 * The first rollout of another release in the environment to change exposure after this one started,
 * by the audit history (id order is commit order): one started earlier but still ramping after this
 * one completed replaced it all the same, and one never started (a draft, even killed) exposed nothing.
 * Without this one's start, any exposure change supersedes it (never pass on doubt). Read from the
 * environment's rollouts through each one's audit index entries, not from the whole history.
 */
async function supersedingRollout(ctx: ServiceContext, serviceId: string, rollout: AnalysedRollout) {
  const rows = await ctx.db.$queryRaw<{ id: string; state: string; version: string }[]>`
    WITH started AS (
      SELECT coalesce(min(s."id"), 0) AS "id" FROM "AuditEvent" s
      WHERE s."targetType" = 'rollout' AND s."targetId" = ${rollout.id} AND s."action" = 'rollout.started')
    SELECT r."id", r."state", rel."version"
    FROM "Rollout" r
    JOIN "Release" rel ON rel."id" = r."releaseId"
    CROSS JOIN started
    JOIN LATERAL (
      SELECT e."id" FROM "AuditEvent" e
      WHERE e."targetType" = 'rollout' AND e."targetId" = r."id" AND e."id" > started."id"
        AND e."action" IN (${Prisma.join(EXPOSURE_ACTIONS)})
      ORDER BY e."id" LIMIT 1) first ON true
    WHERE r."serviceId" = ${serviceId} AND rel."environment" = ${rollout.release.environment}
      AND rel."version" <> ${rollout.release.version} AND r."currentStep" >= 0
    ORDER BY first."id" LIMIT 1`;
  const row = rows[0];
  return row ? { id: row.id, state: row.state, release: { version: row.version } } : null;
}

/**
 * The analysis result of a service's rollout, shaped for Argo Rollouts' Web metric provider: `verdict`
 * (pass | fail | inconclusive), `score`, and each gate's verdict with its explanation, from the newest
 * stored judgement. No rollout or no judgement reads as inconclusive, never as a pass. With `release`,
 * only that release's rollouts answer; without it, the service's current rollout does, whichever
 * release Argo is analysing.
 */
export async function getAnalysisResult(ctx: ServiceContext, service: string, query: AnalysisQuery = {}) {
  const serviceId = await requireServiceId(ctx.db, service);
  if (query.release !== undefined) {
    return releaseAnalysis(ctx, { service, serviceId, version: query.release }, query.environment);
  }
  const rollout = await currentRollout(ctx, serviceId, query.environment);
  return rollout ? analysisOf(service, rollout) : noRollout(service, "no rollout");
}

async function releaseAnalysis(
  ctx: ServiceContext,
  asked: { service: string; serviceId: string; version: string },
  environment: string | undefined,
) {
  const { service, serviceId, version } = asked;
  const where = await releaseEnvironment(ctx, serviceId, environment);
  const rollout = where
    ? await newestRollout(ctx, { serviceId, release: { environment: where, version } })
    : null;
  if (!rollout) {
    const reason = `no rollout of release ${version}${where ? ` in ${where}` : ""}`;
    return { ...noRollout(service, reason), release: version };
  }
  const newer = rollout.state === "completed" ? await supersedingRollout(ctx, serviceId, rollout) : null;
  if (!newer) return analysisOf(service, rollout);
  // Its gates judged the release before another replaced it; a revert to it is unjudged.
  const reason =
    `release ${version} was superseded by release ${newer.release.version} (rollout ${newer.id}, ` +
    `${newer.state}); a revert to ${version} needs a new rollout`;
  return { ...analysisOf(service, { ...rollout, evaluations: [] }), verdict: "inconclusive", reason };
}

function noRollout(service: string, reason: string) {
  return { service, rolloutId: null, verdict: "inconclusive", score: null, reason, gates: [] };
}

function analysisOf(service: string, rollout: AnalysedRollout) {
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
