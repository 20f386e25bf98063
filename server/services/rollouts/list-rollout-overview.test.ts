import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { listRolloutOverview } from "./list-rollout-overview";
import { listRollouts } from "./list-rollouts";

describe("the rollout overview and the plain rollout list", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const frozenBy = async () =>
    Object.fromEntries((await listRolloutOverview(demo.services)).map((r) => [r.service.name, r.frozenBy]));

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

  it("lists the same rollouts without the freeze state, reading the rollout table alone", async () => {
    const incident = await declareIncident(demo.services, demo.actor("operator"), {
      title: "everything",
      severity: "sev1",
      services: ["*"],
    });
    // The real client narrowed to its rollout table: touching incidents or SLOs would throw here.
    const plain = await listRollouts({ db: { rollout: demo.database.db.rollout } });
    const overview = await listRolloutOverview(demo.services);
    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });

    expect(plain.map((r) => r.id)).toEqual(overview.map((r) => r.id));
    expect(plain.map((r) => r.id).sort()).toEqual(Object.values(demo.rollouts).sort());
    for (const rollout of plain) expect(rollout).not.toHaveProperty("frozenBy");
    for (const rollout of overview) expect(rollout.frozenBy).toContain("(everything) (sev1)");
  });
});
