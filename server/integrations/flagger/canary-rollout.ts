import { defaultGates } from "../../domain/analysis/default-gates";
import { AppError } from "../../domain/errors";
import { DEFAULT_CANARY_RAMP, newRolloutDraft, type PlanStep } from "../../domain/rollout";
import type { CommandActor } from "../../services/actors";
import type { ServiceContext } from "../../services/context";
import { registerDeploy } from "../../services/deploys/register-deploy";
import { createRollout } from "../../services/rollouts/create-rollout";
import { runRolloutCommand } from "../../services/rollouts/run-rollout-command";
import type { CanaryMetadata } from "./flagger-schemas";

export const FLAGGER = "flagger";
const DEFAULT_HOLD_SECONDS = 600;

/** What Flagger tells about a canary on every call: which one, and which revision of it. */
export interface CanaryRevision {
  namespace: string;
  name: string;
  /** Absent on events from older Flagger versions: the canary's newest rollout is meant. */
  checksum?: string;
}

/** Flagger names a canary by namespace and name; Sluice keeps that as the rollout's controllerRef. */
export const canaryRef = (canary: CanaryRevision) => `${canary.namespace}/${canary.name}`;

/** The Sluice rollout of this canary revision (or of its newest revision without a checksum), if any. */
export async function findCanaryRollout(
  ctx: ServiceContext,
  canary: CanaryRevision,
): Promise<{ id: string } | null> {
  return ctx.db.rollout.findFirst({
    where: {
      controller: FLAGGER,
      controllerRef: canaryRef(canary),
      ...(canary.checksum ? { controllerRevision: canary.checksum } : {}),
    },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
}

/**
 * The plan the metadata asks for, checked by the domain's plan rules before anything is stored; a
 * refusal names the metadata key the caller sent (weights, holdSeconds), not the plan step it became.
 */
function planFrom(metadata: CanaryMetadata): PlanStep[] {
  const weights = metadata.weights ?? DEFAULT_CANARY_RAMP;
  const stray = metadata.approveAt?.find((percent) => !weights.includes(percent));
  if (stray !== undefined) {
    // Dropping it would ramp past a step someone wanted to approve.
    const field = "metadata.approveAt";
    throw new AppError(
      "BAD_INPUT",
      `${field}: ${stray} is not one of the weights (${weights.join(",")})`,
      field,
    );
  }
  const steps = weights.map((exposurePercent) => ({
    exposurePercent,
    holdSeconds: metadata.holdSeconds ?? DEFAULT_HOLD_SECONDS,
    requiresApproval: metadata.approveAt?.includes(exposurePercent) ?? false,
    gates: defaultGates(),
  }));
  try {
    newRolloutDraft({ id: "new", serviceId: "new", mechanism: "canary", steps, tags: metadata.tags });
  } catch (error) {
    throw error instanceof AppError ? asMetadataError(error, weights) : error;
  }
  return steps;
}

/** "steps[1].exposurePercent: ... steps[0] ..." as "metadata.weights: weight 2 (50%): ... weight 1 ...". */
function asMetadataError(error: AppError, weights: readonly number[]): AppError {
  const step = /^steps\[(\d+)\]\.(exposurePercent|holdSeconds)$/.exec(error.field ?? "");
  if (!step) return error;
  const detail = error.message
    .slice(`${error.field}: `.length)
    .replace(/steps\[(\d+)\]/g, (_m, i: string) => `weight ${Number(i) + 1}`);
  if (step[2] === "holdSeconds") {
    return new AppError("BAD_INPUT", `metadata.holdSeconds: ${detail}`, "metadata.holdSeconds");
  }
  const index = Number(step[1]);
  const weight = `weight ${index + 1} (${weights[index]}%)`;
  return new AppError("BAD_INPUT", `metadata.weights: ${weight}: ${detail}`, "metadata.weights");
}

/**
 * The rollout of a canary revision, created the first time Flagger calls about it: the revision is
 * registered as a deploy (service = metadata.service or the canary's name, environment = its
 * namespace, version = its checksum unless metadata says) and a draft canary rollout applied by Flagger
 * is created. Concurrent first calls create one rollout: the creation is idempotent per revision.
 */
export async function findOrCreateCanaryRollout(
  ctx: ServiceContext,
  actor: CommandActor,
  canary: Required<CanaryRevision>,
  metadata: CanaryMetadata,
): Promise<{ id: string }> {
  const existing = await findCanaryRollout(ctx, canary);
  if (existing) return existing;
  const ref = canaryRef(canary);
  // Before the deploy is registered: a refused plan stores nothing.
  const steps = planFrom(metadata);
  const release = {
    service: metadata.service ?? canary.name,
    environment: metadata.environment ?? canary.namespace,
    version: metadata.version ?? canary.checksum,
  };
  await registerDeploy(ctx, actor, { ...release, artifact: `flagger:${ref}@${canary.checksum}` }).catch(
    (error: unknown) => {
      // A new revision of a version pinned in metadata (say, a config change) is the same release; the
      // artifact is Sluice's own label, and the revision is on the rollout.
      if (!(error instanceof AppError && error.code === "CONFLICT" && error.field === "artifact"))
        throw error;
    },
  );
  const { id } = await createRollout(ctx, actor, {
    ...release,
    mechanism: "canary",
    steps,
    tags: metadata.tags,
    appliedBy: FLAGGER,
    controller: { name: FLAGGER, ref, revision: canary.checksum },
    idempotencyKey: `flagger:${ref}@${canary.checksum}`,
  });
  await abortSuperseded(ctx, actor, ref, canary.checksum);
  return { id };
}

/** Flagger restarts its analysis on a new revision, so an unfinished rollout of an older one is over. */
async function abortSuperseded(ctx: ServiceContext, actor: CommandActor, ref: string, checksum: string) {
  const older = await ctx.db.rollout.findMany({
    where: {
      controller: FLAGGER,
      controllerRef: ref,
      controllerRevision: { not: checksum },
      state: { in: ["draft", "running", "paused"] },
    },
    select: { id: true },
  });
  for (const { id } of older) {
    const reason = `superseded by Flagger revision ${checksum}`;
    await runRolloutCommand(ctx, actor, id, { type: "abort", reason }).catch((error: unknown) => {
      // Another call (or a person) finished it first.
      if (!(error instanceof AppError && ["CONFLICT", "ILLEGAL_TRANSITION"].includes(error.code)))
        throw error;
    });
  }
}
