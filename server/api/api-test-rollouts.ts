import { expect } from "vitest";
import { defaultGates } from "../domain/analysis/default-gates";
import type { PlanStep } from "../domain/rollout";
import type { ServiceContext } from "../services/context";
import { runRolloutCommand } from "../services/rollouts/run-rollout-command";
import type { TestApi } from "./api-test-client";

export const evaluator = { id: "system:evaluator", name: "evaluator", role: "system" as const };

export const plan = (percents: number[], approvalAt: number[] = []): PlanStep[] =>
  percents.map((exposurePercent, i) => ({
    exposurePercent,
    holdSeconds: 60,
    requiresApproval: approvalAt.includes(i),
    gates: defaultGates(),
  }));

/** Registers a deploy and creates a draft canary rollout of it through the API; returns its id. */
export async function newRollout(
  api: TestApi,
  token: string,
  service: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const release = { service, environment: "production", version: "1.0.0" };
  const deploy = await api.request("POST", "/api/v1/deploys", {
    token,
    body: { ...release, artifact: `registry.local/${service}:1.0.0` },
  });
  expect(deploy.status).toBeLessThan(300);
  const created = await api.request("POST", "/api/v1/rollouts", {
    token,
    body: { ...release, mechanism: "canary", steps: plan([1, 5, 25, 100]), ...extra },
  });
  expect(created.status, created.text).toBe(201);
  return (created.json as { id: string }).id;
}

/**
 * Lets the current step's hold run out on the test clock and sends the evaluator's verdict, so the
 * rollout is `ramping` (ready to advance), or `completed` after its last step. `setNow` moves the clock
 * the context reads.
 */
export async function passCurrentStep(
  ctx: ServiceContext,
  setNow: (now: Date) => void,
  id: string,
  expected: "ramping" | "completed" = "ramping",
) {
  const row = await ctx.db.rollout.findUniqueOrThrow({
    where: { id },
    select: { holdUntil: true, currentStep: true },
  });
  if (!row.holdUntil) throw new Error(`rollout ${id} is not holding`);
  setNow(new Date(Math.max(row.holdUntil.getTime(), ctx.now().getTime())));
  const outcome = await runRolloutCommand(ctx, evaluator, id, {
    type: "gates-passed",
    stepIndex: row.currentStep,
  });
  expect(outcome.rollout.state === "completed" ? "completed" : outcome.rollout.phase).toBe(expected);
}
