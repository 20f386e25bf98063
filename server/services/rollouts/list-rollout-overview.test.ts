import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { registerDeploy } from "../deploys/register-deploy";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { createRollout } from "./create-rollout";
import { ENDED_ROLLOUTS_SHOWN, listRolloutOverview } from "./list-rollout-overview";
import { runRolloutCommand } from "./run-rollout-command";

const auditor = { personalData: true };

describe("the rollout overview and the plain rollout list", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const frozenBy = async () =>
    Object.fromEntries(
      (await listRolloutOverview(demo.services, auditor)).active.map((r) => [r.service.name, r.frozenBy]),
    );

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

  it("shows every active rollout, and the rollouts that ended last with who ended them and why", async () => {
    const operator = demo.actor("operator");
    await runRolloutCommand(demo.services, operator, demo.rollouts["checkout-api"] as string, {
      type: "kill",
      reason: "p99 doubled on the dashboard",
    });
    const first = await listRolloutOverview(demo.services, auditor);
    expect(first.active.map((r) => r.service.name).sort()).toEqual(["payments", "profile", "search"]);
    expect(first.ended.map((r) => [r.service.name, r.state, r.endedBy, r.endReason])).toEqual([
      ["checkout-api", "rolled_back", `operator:${operator.name}`, "p99 doubled on the dashboard"],
    ]);

    const aborted: string[] = [];
    for (let i = 0; i < ENDED_ROLLOUTS_SHOWN; i++) {
      const deploy = { service: "billing", environment: "production", version: `1.0.${i}`, artifact: "b" };
      await registerDeploy(demo.services, operator, deploy);
      const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary" });
      await runRolloutCommand(demo.services, operator, id, { type: "abort" });
      aborted.unshift(id);
    }
    const later = await listRolloutOverview(demo.services, auditor);
    expect(later.active).toHaveLength(3);
    // The newest endings first; the oldest (checkout-api's rollback) has dropped off the overview.
    expect(later.ended.map((r) => r.id)).toEqual(aborted);
    expect(later.ended.every((r) => r.endedBy === `operator:${operator.name}` && r.endReason === null)).toBe(
      true,
    );
    expect(await demo.database.db.rollout.count()).toBe(4 + ENDED_ROLLOUTS_SHOWN);
  });

  it("orders what ended lately by when each ended, not by its last write, and says when", async () => {
    const operator = demo.actor("operator");
    const endAt = async (version: string) => {
      const deploy = { service: "ledger", environment: "production", version, artifact: "l" };
      await registerDeploy(demo.services, operator, deploy);
      const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary" });
      demo.advanceClock(60_000);
      await runRolloutCommand(demo.services, operator, id, { type: "abort" });
      return id;
    };
    const older = await endAt("2.0.0");
    const newer = await endAt("2.0.1");
    // A later write to the older one (a controller's weight report, a schema contract phase).
    await demo.database.db.rollout.update({ where: { id: older }, data: { controllerWeight: 0 } });
    const { ended } = await listRolloutOverview(demo.services, auditor);
    expect(ended.slice(0, 2).map((r) => r.id)).toEqual([newer, older]);
    expect(ended[0]?.endedAt?.getTime()).toBe(demo.services.now().getTime());
    expect(ended[1]?.endedAt?.getTime()).toBe(demo.services.now().getTime() - 60_000);
    demo.advanceClock(1_000); // what ends next ends after these
  });

  it("hides an email in who ended a rollout, and in why, from a reader without personal data", async () => {
    const named = { ...demo.actor("operator"), name: "olga@corp.example" };
    await runRolloutCommand(demo.services, named, demo.rollouts.search as string, {
      type: "kill",
      reason: "paged by bob@corp.example",
    });
    const ended = async (personalData: boolean) =>
      (await listRolloutOverview(demo.services, { personalData })).ended[0];
    expect(await ended(false)).toMatchObject({
      endedBy: "operator:(hidden)",
      endReason: "paged by (hidden)",
    });
    expect(await ended(true)).toMatchObject({ endedBy: "operator:olga@corp.example" });
  });
});
