import { defaultGates } from "../server/domain/analysis";
import type { CohortSample } from "../server/domain/metrics/cohort-sample";
import { systemActor } from "../server/services/actors";
import type { ServiceContext } from "../server/services/context";
import { registerDeploy } from "../server/services/deploys/register-deploy";
import { createRollout } from "../server/services/rollouts/create-rollout";
import { runRolloutCommand } from "../server/services/rollouts/run-rollout-command";

const manager = { id: "bench", name: "bench", role: "release_manager" as const };
const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** Deploys `service` and starts a canary rollout of it (25 → 50 → 100%, the default gates); its id. */
export async function startCanaryRollout(
  services: ServiceContext,
  service: string,
  holdSeconds: number,
): Promise<string> {
  await registerDeploy(services, systemActor("bench"), {
    service,
    environment: "prod",
    version: "1",
    artifact: "a",
  });
  const steps = [25, 50, 100].map((exposurePercent) => ({
    exposurePercent,
    holdSeconds,
    requiresApproval: false,
    gates: defaultGates(),
  }));
  const { id } = await createRollout(services, manager, {
    service,
    environment: "prod",
    version: "1",
    mechanism: "canary",
    steps,
  });
  await runRolloutCommand(services, manager, id, { type: "start" });
  return id;
}

/**
 * One interval of a 25% canary at 4,000 requests: baseline and canary with the same latency, the baseline
 * failing 0.5% of its requests, the canary `canaryErrors` of its 1,000.
 */
export function benchInterval(
  rolloutId: string,
  intervalEnd: number,
  intervalSeconds: number,
  canaryErrors = 5,
): CohortSample[] {
  const cohorts = [
    { cohort: "baseline", requests: 3000, errors: 15 },
    { cohort: "canary", requests: 1000, errors: canaryErrors },
  ] as const;
  return cohorts.map(({ cohort, requests, errors }) => {
    const fast = Math.round(requests * 0.7);
    return {
      rolloutId,
      cohort,
      intervalEnd,
      intervalSeconds,
      requests,
      errors,
      latency: { bounds: BOUNDS, counts: [0, 0, 0, fast, requests - fast, 0, 0, 0, 0, 0, 0] },
      conversions: { successes: Math.round(requests * 0.02), trials: Math.round(requests * 0.2) },
    };
  });
}
