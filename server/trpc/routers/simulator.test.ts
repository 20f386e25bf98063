import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory, type TrpcContext } from "../init";

const createCaller = createCallerFactory(appRouter);

describe("the simulator's controls", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const caller = (metricsSource?: TrpcContext["metricsSource"]) =>
    createCaller({ actor: demo.actor("operator"), services: demo.services, metricsSource });
  const regression = () => ({
    id: demo.rollouts["checkout-api"] as string,
    errorMultiplier: 5,
    latencyShiftMs: 0,
    conversionDrop: 0,
  });

  it("are offered and act while the simulator writes the metrics", async () => {
    expect((await caller().session.me()).permissions).toContain("simulator:control");
    await expect(caller("simulator").simulator.setRegression(regression())).resolves.toBeDefined();
  });

  it("are neither offered nor accepted with real metrics, where they would do nothing", async () => {
    for (const source of ["prometheus", "push"] as const) {
      expect((await caller(source).session.me()).permissions).not.toContain("simulator:control");
      await expect(caller(source).simulator.setRegression(regression())).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: `simulator: none runs here; metrics come from ${source} (SLUICE_METRICS_SOURCE)`,
      });
    }
  });
});
