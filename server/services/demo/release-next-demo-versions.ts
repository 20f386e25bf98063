import { AppError } from "../../domain/errors";
import { deriveExposure, isTerminalState } from "../../domain/rollout";
import { BAD_CANARY } from "../../metrics/simulated-traffic";
import { systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "../rollouts/create-rollout";
import { snapshotSelect, toSnapshot } from "../rollouts/rollout-snapshot";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { setSimulatedRegression } from "../rollouts/set-simulated-regression";

export const DEMO_ACTOR = systemActor("demo");

/** How long a demo service shows its ended rollout before the demo deploys its next version. */
export const DEMO_REST_SECONDS = 120;

/** 2.14.0 → 2.14.1; a version without a numeric end gets ".1". */
function nextPatchVersion(version: string): string {
  const match = /^(.*?)(\d+)$/.exec(version);
  return match ? `${match[1]}${Number(match[2]) + 1}` : `${version}.1`;
}

/**
 * Keeps an unattended demo alive: a demo service whose rollout ended at least `DEMO_REST_SECONDS` ago
 * gets its next version deployed and rolled out with the same plan, by the `system:demo` actor and
 * audited like anyone. Every other such release is bad (the simulator's drill regression), so the demo
 * also shows an automatic rollback. A rollout this left as a draft (the beat stopped half-way, or a
 * freeze refused the start) is started on a later beat. Returns the ids of the rollouts it started.
 */
export async function releaseNextDemoVersions(ctx: ServiceContext): Promise<string[]> {
  const services = await ctx.db.service.findMany({
    where: { demo: true },
    select: {
      id: true,
      name: true,
      _count: { select: { releases: true } },
      rollouts: {
        orderBy: { createdAt: "desc" },
        take: 1,
        select: {
          ...snapshotSelect,
          release: { select: { version: true, environment: true, artifact: true } },
          flag: { select: { key: true } },
        },
      },
    },
  });
  const started: string[] = [];
  for (const service of services) {
    const latest = service.rollouts[0];
    if (!latest) continue;
    if (latest.state === "draft" && latest.createdBy === DEMO_ACTOR.id) {
      if (await startDemoRollout(ctx, latest.id)) started.push(latest.id);
      continue;
    }
    if (!isTerminalState(latest.state) || !(await hasRested(ctx, latest.id))) continue;

    const version = nextPatchVersion(latest.release.version);
    const { release } = latest;
    await registerDeploy(ctx, DEMO_ACTOR, {
      service: service.name,
      environment: release.environment,
      version,
      artifact: `${release.artifact.replace(/:[^:/]*$/, "")}:${version}`,
    });
    const ended = toSnapshot(latest);
    const exposure = deriveExposure(ended);
    const { id, repeated } = await createRollout(ctx, DEMO_ACTOR, {
      service: service.name,
      environment: release.environment,
      version,
      mechanism: ended.mechanism,
      steps: ended.steps,
      tags: ended.tags,
      ...(exposure.mechanism === "blue-green" ? { candidateColour: exposure.idleColour } : {}),
      ...(latest.flag ? { flagKey: latest.flag.key } : {}),
      idempotencyKey: `demo-${version}`,
    });
    if (repeated) continue;
    // This release is the service's (count + 1)th: the 2nd, 4th, … are bad.
    if ((service._count.releases + 1) % 2 === 0)
      await setSimulatedRegression(ctx, DEMO_ACTOR, { id, ...BAD_CANARY });
    if (await startDemoRollout(ctx, id)) started.push(id);
  }
  return started;
}

/** The rollout's last audited change (its ending, for an ended one) is `DEMO_REST_SECONDS` old. */
async function hasRested(ctx: ServiceContext, rolloutId: string): Promise<boolean> {
  const last = await ctx.db.auditEvent.findFirst({
    where: { targetType: "rollout", targetId: rolloutId },
    orderBy: { id: "desc" },
    select: { at: true },
  });
  return !last || ctx.now().getTime() - last.at.getTime() >= DEMO_REST_SECONDS * 1000;
}

/** Starts a demo draft; a freeze (incident, spent error budget) leaves it a draft for a later beat. */
async function startDemoRollout(ctx: ServiceContext, rolloutId: string): Promise<boolean> {
  try {
    await runRolloutCommand(ctx, DEMO_ACTOR, rolloutId, { type: "start" });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "FROZEN") return false;
    throw error;
  }
}
