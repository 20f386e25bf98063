import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CohortSample } from "../../domain/metrics/cohort-sample";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { registerDeploy } from "../deploys/register-deploy";
import { ingestSamples } from "../metrics/ingest-samples";
import { createRollout } from "../rollouts/create-rollout";
import { snapshotSelect, toSnapshot } from "../rollouts/rollout-snapshot";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { judgeStep } from "./judge-step";

describe("judging a holding step", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  /** A started one-step canary of a new service, holding `percent` for 60 s. */
  async function holdingAt(service: string, percent: number): Promise<string> {
    const operator = demo.actor("release_manager");
    const deploy = { service, environment: "production", version: "1.0.0", artifact: `${service}:1` };
    await registerDeploy(demo.services, operator, deploy);
    const steps = [{ exposurePercent: percent, holdSeconds: 60, requiresApproval: false }];
    const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary", steps });
    await runRolloutCommand(demo.services, operator, id, { type: "start" });
    return id;
  }
  const sample = (rolloutId: string, cohort: "baseline" | "canary", intervalEnd: number): CohortSample => ({
    rolloutId,
    cohort,
    intervalEnd,
    intervalSeconds: 10,
    requests: 100,
    errors: 0,
    latency: { bounds: [100], counts: [100, 0] },
    conversions: null,
  });
  const judge = async (id: string) =>
    judgeStep(
      demo.services,
      toSnapshot(await demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: snapshotSelect })),
    );
  const evaluations = (id: string) => demo.database.db.stepEvaluation.count({ where: { rolloutId: id } });

  it("records no judgement before the step's first sample: an interval that has not ended is no outage", async () => {
    const id = await holdingAt("judge-early", 10);
    demo.advanceClock(16_000);
    expect(await judge(id)).toMatchObject({ verdict: { kind: "continue" } });
    demo.advanceClock(10_000);
    expect(await judge(id)).toMatchObject({ verdict: { kind: "continue" } });
    expect(await evaluations(id)).toBe(0);
  });

  it("bakes a 100% step on the exposed cohort's data: a baseline series alone does not pass it", async () => {
    const baselineOnly = await holdingAt("bake-baseline-only", 100);
    const exposed = await holdingAt("bake-exposed", 100);
    const start = demo.services.now().getTime();
    const ends = Array.from({ length: 6 }, (_, k) => start + (k + 1) * 10_000);
    await ingestSamples(demo.services, [
      ...ends.map((end) => sample(baselineOnly, "baseline", end)),
      ...ends.map((end) => sample(exposed, "canary", end)),
    ]);
    demo.advanceClock(61_000);
    expect(await judge(baselineOnly)).toMatchObject({
      verdict: { kind: "inconclusive", reason: "data for only 0 of 6 intervals of the bake" },
    });
    expect(await judge(exposed)).toMatchObject({ verdict: { kind: "promote" } });
  });
});
