import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertTestSamples } from "../../services/slo/insert-test-samples";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);

describe("slos router", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());
  const as = (role: Parameters<DemoFixture["actor"]>[0]) =>
    createCaller({ actor: demo.actor(role), services: demo.services });

  it("lets an admin define an SLO, shows everyone its budget and burn rates now, and names a bad field", async () => {
    await as("admin").slos.define({
      service: "search",
      environment: "production",
      name: "availability-999",
      kind: "availability",
      objective: 0.999,
    });
    // The last 5 minutes: 1 000 requests, 20 errors. 2% bad against a 0.1% budget burns at 20.
    const now = demo.services.now().getTime();
    await insertTestSamples(demo.database.db, demo.rollouts.search as string, [
      { at: now - 60_000, requests: 1_000, errors: 20 },
    ]);
    const [listed] = (await as("viewer").slos.list({ service: "search" })).filter(
      (slo) => slo.name === "availability-999",
    );
    expect(listed).toMatchObject({ environment: "production", objective: 0.999, alertSeverity: null });
    // 1 000 requests allow 1 bad in the 30 days; 20 were: 1 − 20 / 1 = −1 900%.
    expect(listed?.budget).toMatchObject({ total: 1_000, bad: 20 });
    expect(listed?.budget?.remaining).toBeCloseTo(-19, 9);
    const fastPage = listed?.burnRates.find((rule) => rule.long === "1h");
    expect(fastPage).toMatchObject({ short: "5m", threshold: 14.4, firing: true });
    expect(fastPage?.longBurnRate).toBeCloseTo(20, 9);

    await expect(
      as("admin").slos.define({
        service: "search",
        environment: "production",
        name: "Bad Name",
        kind: "availability",
        objective: 0.99,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("name:") });
    await expect(
      as("release_manager").slos.define({
        service: "search",
        environment: "production",
        name: "mine",
        kind: "availability",
        objective: 0.99,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
