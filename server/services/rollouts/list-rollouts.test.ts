import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { listRollouts } from "./list-rollouts";

describe("the rollout overview", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const frozenBy = async () =>
    Object.fromEntries((await listRollouts(demo.services)).map((r) => [r.service.name, r.frozenBy]));

  it("says which rollouts an incident freezes, and only those, until it is resolved", async () => {
    expect(Object.values(await frozenBy())).toEqual(["", "", "", ""]);
    const incident = await declareIncident(demo.services, demo.actor("operator"), {
      title: "checkout latency",
      severity: "sev2",
      services: ["checkout-api"],
    });
    const during = await frozenBy();
    expect(during["checkout-api"]).toBe(`incident ${incident.id} (checkout latency) (sev2)`);
    expect(Object.entries(during).filter(([, why]) => why !== "")).toHaveLength(1);

    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });
    expect(Object.values(await frozenBy())).toEqual(["", "", "", ""]);
  });
});
