import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "../rollouts/create-rollout";
import { assessStoredSlo } from "./assess-stored-slo";
import { defineSlo } from "./define-slo";
import { insertTestSamples } from "./insert-test-samples";
import { sloSelect } from "./slo-row";

const MIN = 60_000;

describe("an SLO's alert through an empty short window", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("holds while a rollout is live in its environment, and not for a live rollout elsewhere", async () => {
    const now = demo.services.now().getTime();
    const release = { service: "payments", environment: "staging", version: "9.0.0" };
    await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: "payments:9.0.0" });
    // Staging's rollout is a draft: nothing runs there. Production's demo rollout is running.
    const staging = await createRollout(demo.services, demo.actor("release_manager"), {
      ...release,
      mechanism: "canary",
    });
    // The same burn in both environments: 10% errors from an hour to 10 minutes ago, then no samples.
    const burn = Array.from({ length: 11 }, (_, k) => ({
      at: now - (10 + k * 5) * MIN,
      requests: 1_000,
      errors: 100,
    }));
    await insertTestSamples(demo.database.db, demo.rollouts.payments as string, burn);
    await insertTestSamples(demo.database.db, staging.id, burn);
    const paging = async (environment: string) => {
      await defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment,
        name: "availability-fast",
        kind: "availability",
        objective: 0.995,
      });
      const { id } = await demo.database.db.slo.findFirstOrThrow({
        where: { environment, name: "availability-fast" },
      });
      // As slo-watch left it: paging since the burn began.
      return demo.database.db.slo.update({
        where: { id },
        data: { alertSeverity: "page", alertSince: new Date(now - 60 * MIN) },
        select: sloSelect,
      });
    };
    const production = await assessStoredSlo(demo.services, await paging("production"), new Date(now));
    expect(production.alert.rules[0]).toMatchObject({ long: "1h", heldWithoutData: true, firing: true });
    expect(production.alert.severity).toBe("page");
    const elsewhere = await assessStoredSlo(demo.services, await paging("staging"), new Date(now));
    expect(elsewhere.alert.rules[0]).toMatchObject({ long: "1h", heldWithoutData: false, firing: false });
  });
});
