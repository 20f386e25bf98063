import { againIfTwinWon } from "../../db/database-errors";
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

/** The canary's newest rollout: the highest generation of its controllerRef. */
function newestCanaryRollout(ctx: ServiceContext, ref: string) {
  return ctx.db.rollout.findFirst({
    where: { controller: FLAGGER, controllerRef: ref },
    orderBy: { controllerGeneration: { sort: "desc", nulls: "last" } },
    select: { id: true, controllerRevision: true, controllerGeneration: true },
  });
}

/**
 * The Sluice rollout of the canary's current revision: its newest rollout, if that is of this checksum
 * (without a checksum, the newest whatever its revision). An older rollout of the same checksum is not
 * it: a revision that comes back after another (a revert) is a new rollout, not yet created.
 */
export async function findCanaryRollout(
  ctx: ServiceContext,
  canary: CanaryRevision,
): Promise<{ id: string } | null> {
  const newest = await newestCanaryRollout(ctx, canaryRef(canary));
  if (!newest || (canary.checksum && newest.controllerRevision !== canary.checksum)) return null;
  return { id: newest.id };
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
    newRolloutDraft({
      id: "new",
      serviceId: "new",
      environment: "new",
      mechanism: "canary",
      steps,
      tags: metadata.tags,
    });
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
 * is created.
 *
 * Identity: Flagger's calls about the canary's current revision (its newest rollout's checksum) reuse
 * that rollout; any other checksum starts the next generation, even when an older rollout of it exists
 * (a revert to an earlier revision must pass the gates again, and an aborted or completed rollout of it
 * would answer for it forever). Concurrent first calls, from any number of instances, create one
 * rollout: they all claim the same next generation, the unique (controller, ref, generation) refuses all
 * but one, and the losers read again and find the winner's rollout.
 */
export async function findOrCreateCanaryRollout(
  ctx: ServiceContext,
  actor: CommandActor,
  canary: Required<CanaryRevision>,
  metadata: CanaryMetadata,
): Promise<{ id: string }> {
  const ref = canaryRef(canary);
  const current = await findCanaryRollout(ctx, canary);
  if (current) return current;
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
  const created = await againIfTwinWon(async () => {
    const newest = await newestCanaryRollout(ctx, ref);
    if (newest?.controllerRevision === canary.checksum) return { id: newest.id, generation: null };
    const generation = (newest?.controllerGeneration ?? 0) + 1;
    const { id } = await createRollout(ctx, actor, {
      ...release,
      mechanism: "canary",
      steps,
      tags: metadata.tags,
      appliedBy: FLAGGER,
      controller: { name: FLAGGER, ref, revision: canary.checksum, generation },
    });
    return { id, generation };
  });
  if (created.generation !== null) {
    await abortSuperseded(ctx, actor, ref, { checksum: canary.checksum, generation: created.generation });
  }
  return { id: created.id };
}

/**
 * Flagger restarts its analysis on a new revision, so an unfinished rollout of an earlier generation is
 * over. A later generation created meanwhile (yet another revision) is not touched.
 */
async function abortSuperseded(
  ctx: ServiceContext,
  actor: CommandActor,
  ref: string,
  by: { checksum: string; generation: number },
) {
  const older = await ctx.db.rollout.findMany({
    where: {
      controller: FLAGGER,
      controllerRef: ref,
      controllerGeneration: { lt: by.generation },
      state: { in: ["draft", "running", "paused"] },
    },
    select: { id: true },
  });
  for (const { id } of older) {
    const reason = `superseded by Flagger revision ${by.checksum}`;
    await runRolloutCommand(ctx, actor, id, { type: "abort", reason }).catch((error: unknown) => {
      // Another call (or a person) finished it first.
      if (!(error instanceof AppError && ["CONFLICT", "ILLEGAL_TRANSITION"].includes(error.code)))
        throw error;
    });
  }
}
