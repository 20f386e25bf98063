import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { getServiceExposure } from "./get-service-exposure";

describe("the exposure document of a busy service", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("keeps every live rollout and each environment's newest finished one, however many came later", async () => {
    const manager = demo.actor("release_manager");
    const steps = [10, 100].map((exposurePercent) => ({
      exposurePercent,
      holdSeconds: 3600,
      requiresApproval: false,
    }));
    const rollout = async (environment: string, version: string) => {
      const deploy = { service: "ledger", environment, version, artifact: `ledger:${version}` };
      await registerDeploy(demo.services, manager, deploy);
      const { id } = await createRollout(demo.services, manager, { ...deploy, mechanism: "canary", steps });
      await runRolloutCommand(demo.services, manager, id, { type: "start" });
      demo.advanceClock(1_000);
      return id;
    };
    const live = await rollout("production", "5.0.0");
    // In eu, the older rollout is the last to end: it holds eu's exposure, not the newer one.
    const killed = await rollout("eu", "5.0.0");
    const newerInEu = await rollout("eu", "5.0.1");
    await runRolloutCommand(demo.services, manager, newerInEu, { type: "kill", reason: "drill" });
    demo.advanceClock(1_000);
    await runRolloutCommand(demo.services, manager, killed, { type: "kill", reason: "drill" });
    const staging: string[] = [];
    for (let i = 1; i <= 21; i++) {
      const id = await rollout("staging", `5.0.${i}`);
      await runRolloutCommand(demo.services, manager, id, { type: "kill", reason: "staging drill" });
      staging.push(id);
    }

    const { body } = await getServiceExposure(demo.services, "ledger");
    const listed = body.rollouts.map((r) => r.rolloutId);
    expect(body.rollouts.find((r) => r.rolloutId === live)).toMatchObject({
      environment: "production",
      state: "running",
      exposure: { mechanism: "canary", canaryWeight: 10 },
    });
    expect(listed).toContain(killed);
    // History beyond the newest twenty finished ones is left out; newest first.
    expect(listed).not.toContain(staging[0]);
    expect(listed).toEqual([...staging.slice(1).reverse(), killed, live]);
    expect(listed).not.toContain(newerInEu);
  });
});
