import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_CANARY } from "../../metrics/simulated-traffic";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { declareIncident } from "../incidents/declare-incident";
import { resolveIncident } from "../incidents/resolve-incident";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { DEMO_REST_SECONDS, releaseNextDemoVersions } from "./release-next-demo-versions";

describe("the demo's next releases", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const kill = (id: string) => runRolloutCommand(demo.services, demo.actor("operator"), id, { type: "kill" });
  const newest = (service: string) =>
    demo.database.db.rollout.findFirstOrThrow({
      where: { service: { name: service } },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        state: true,
        steps: true,
        tags: true,
        candidateColour: true,
        createdBy: true,
        startedBy: true,
        release: { select: { version: true, artifact: true } },
        simulatedRegression: {
          select: { errorMultiplier: true, latencyShiftMs: true, conversionDrop: true },
        },
        flag: { select: { key: true, percentage: true } },
      },
    });

  it("leaves running rollouts and the seeded draft alone", async () => {
    expect(await releaseNextDemoVersions(demo.services)).toEqual([]);
    expect(await demo.database.db.rollout.count()).toBe(4);
    expect((await newest("profile")).state).toBe("draft");
  });

  it("deploys and starts a service's next version once its ended rollout has rested, the first one bad", async () => {
    const ended = await newest("checkout-api");
    await kill(ended.id);
    expect(await releaseNextDemoVersions(demo.services)).toEqual([]);
    demo.advanceClock(DEMO_REST_SECONDS * 1000 - 1000);
    expect(await releaseNextDemoVersions(demo.services)).toEqual([]);

    demo.advanceClock(1000);
    const [started, ...others] = await releaseNextDemoVersions(demo.services);
    expect(others).toEqual([]);
    const next = await newest("checkout-api");
    expect(next).toMatchObject({
      id: started,
      state: "running",
      steps: ended.steps,
      tags: ["payment"],
      createdBy: "system:demo",
      startedBy: "system:demo",
      release: { version: "2.14.1", artifact: "registry.local/checkout-api:2.14.1" },
      simulatedRegression: BAD_CANARY,
    });
    const audit = await demo.database.db.auditEvent.findMany({
      where: { actor: "system:demo" },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "release.deployed",
        "rollout.created",
        "simulator.regression-set",
        "rollout.started",
      ]),
    );
    // The new rollout is running: another beat has nothing to do.
    expect(await releaseNextDemoVersions(demo.services)).toEqual([]);
  });

  it("drives a flag rollout's flag again, and makes every other release good", async () => {
    await kill((await newest("search")).id);
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    await releaseNextDemoVersions(demo.services);
    const bad = await newest("search");
    expect(bad).toMatchObject({
      release: { version: "3.2.1" },
      simulatedRegression: BAD_CANARY,
      state: "running",
    });
    expect(bad.flag?.key).toBe("search.semantic-ranking");

    await kill(bad.id);
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    await releaseNextDemoVersions(demo.services);
    const good = await newest("search");
    expect(good).toMatchObject({
      release: { version: "3.2.2" },
      simulatedRegression: null,
      state: "running",
    });
    expect(good.flag?.key).toBe("search.semantic-ranking");
  });

  it("deploys a blue-green release to the colour that is idle after the last one", async () => {
    const draft = await newest("profile");
    await runRolloutCommand(demo.services, demo.actor("operator"), draft.id, { type: "start" });
    await kill(draft.id);
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    await releaseNextDemoVersions(demo.services);
    // Rolled back: blue stayed live, so green is still the idle colour the next release goes to.
    const next = await newest("profile");
    expect(next).toMatchObject({ release: { version: "4.0.1" }, candidateColour: "green", state: "running" });

    // Through both steps to the cutover: green goes live, so the release after it goes to blue.
    const engine = systemActor("engine");
    for (const stepIndex of [0, 1]) {
      demo.advanceClock(300_000);
      await runRolloutCommand(demo.services, engine, next.id, { type: "gates-passed", stepIndex });
      if (stepIndex === 0) await runRolloutCommand(demo.services, engine, next.id, { type: "advance" });
    }
    expect((await newest("profile")).state).toBe("completed");
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    await releaseNextDemoVersions(demo.services);
    expect(await newest("profile")).toMatchObject({ release: { version: "4.0.2" }, candidateColour: "blue" });
  });

  it("leaves a release a freeze refuses as a draft and starts it when the freeze lifts", async () => {
    const ended = await newest("payments");
    const incident = await declareIncident(demo.services, demo.actor("operator"), {
      title: "payments down",
      severity: "sev1",
      services: ["payments"],
    });
    await kill(ended.id);
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    expect(await releaseNextDemoVersions(demo.services)).toEqual([]);
    const refused = await newest("payments");
    expect(refused).toMatchObject({
      state: "draft",
      release: { version: "7.1.1" },
      createdBy: "system:demo",
    });

    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });
    expect(await releaseNextDemoVersions(demo.services)).toEqual([refused.id]);
    expect(await newest("payments")).toMatchObject({ id: refused.id, state: "running" });
    expect(await demo.database.db.release.count({ where: { service: { name: "payments" } } })).toBe(2);
  });

  it("never releases a service the demo did not seed", async () => {
    const operator = demo.actor("operator");
    const deploy = { service: "billing", environment: "production", version: "1.0.0", artifact: "b:1.0.0" };
    await registerDeploy(demo.services, operator, deploy);
    const { id } = await createRollout(demo.services, operator, { ...deploy, mechanism: "canary" });
    await runRolloutCommand(demo.services, operator, id, { type: "start" });
    await kill(id);
    demo.advanceClock(DEMO_REST_SECONDS * 1000);
    await releaseNextDemoVersions(demo.services);
    expect(await demo.database.db.rollout.count({ where: { service: { name: "billing" } } })).toBe(1);
  });
});
