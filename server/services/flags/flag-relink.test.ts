import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGates } from "../../domain/analysis";
import type { PlanStep } from "../../domain/rollout";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { createFlag } from "./create-flag";
import { createFlagStore, type FlagStore } from "./flag-store";
import { updateFlag } from "./update-flag";

const HOLD_SECONDS = 60;
const evaluator = systemActor("evaluator");
const plan = (exposures: number[]): PlanStep[] =>
  exposures.map((exposurePercent) => ({
    exposurePercent,
    holdSeconds: HOLD_SECONDS,
    requiresApproval: false,
    gates: defaultGates(),
  }));

describe("a flag whose rollout completed at 100%", () => {
  let demo: DemoFixture;
  let store: FlagStore;
  const manager = () => demo.actor("release_manager");
  const keys = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
  const servedOn = async (flag: string) => {
    await store.reload();
    return keys.filter((key) => {
      const result = store.evaluate(flag, { targetingKey: key });
      return "variant" in result && result.variant === "on";
    }).length;
  };
  const flagRollout = async (version: string, flagKey?: string) => {
    const deploy = { service: "search", environment: "production", version, artifact: `search:${version}` };
    await registerDeploy(demo.services, evaluator, deploy);
    return createRollout(demo.services, manager(), {
      ...deploy,
      mechanism: "flag",
      steps: plan([10, 100]),
      flagKey,
    });
  };
  const complete = async (id: string) => {
    await runRolloutCommand(demo.services, manager(), id, { type: "start" });
    for (const stepIndex of [0, 1]) {
      if (stepIndex > 0) await runRolloutCommand(demo.services, manager(), id, { type: "advance" });
      demo.advanceClock(HOLD_SECONDS * 1000 + 1);
      await runRolloutCommand(demo.services, evaluator, id, { type: "gates-passed", stepIndex });
    }
  };

  beforeAll(async () => {
    demo = await createDemoFixture();
    store = await createFlagStore(demo.services, { refreshIntervalMs: 0 });
  });
  afterAll(async () => {
    store.close();
    await demo.database.drop();
  });

  it("refuses a next rollout that would start below the 100% it serves, and serves it on", async () => {
    await createFlag(demo.services, manager(), {
      key: "search.semantic",
      service: "search",
      variants: [
        { name: "off", value: false },
        { name: "on", value: true },
      ],
      defaultVariant: "off",
      offVariant: "off",
      percentageVariant: "on",
    });
    const first = await flagRollout("5.0.0", "search.semantic");
    await complete(first.id);
    expect(await servedOn("search.semantic")).toBe(1_000);
    await expect(flagRollout("5.1.0", "search.semantic")).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "steps[0].exposurePercent",
      message: expect.stringContaining("already serves 100%"),
    });
    expect(await servedOn("search.semantic")).toBe(1_000);
  });

  it("keeps serving the rollout's 100% when its percentage is cleared", async () => {
    const released = await flagRollout("6.0.0");
    await complete(released.id);
    const key = "search.release-6.0.0";
    expect(await servedOn(key)).toBe(1_000);
    await updateFlag(demo.services, manager(), key, { percentage: null });
    expect(await servedOn(key)).toBe(1_000);
  });
});
