import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGates } from "../../domain/analysis";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { advanceSchemaPhase } from "./advance-schema-phase";
import { createRollout } from "./create-rollout";
import { runRolloutCommand } from "./run-rollout-command";

describe("schema-affecting rollouts and re-applying", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "orders",
      environment: "prod",
      version: "9.0.0",
      artifact: "orders:9",
    });
  });
  afterAll(() => demo.database.drop());

  const steps = [50, 100].map((exposurePercent) => ({
    exposurePercent,
    holdSeconds: 60,
    requiresApproval: false,
    gates: defaultGates(),
  }));

  it("refuses the contract phase until the rollout has completed at 100% and baked", async () => {
    const manager = demo.actor("release_manager");
    const { id } = await createRollout(demo.services, manager, {
      service: "orders",
      environment: "prod",
      version: "9.0.0",
      mechanism: "canary",
      tags: ["schema-affecting"],
      steps,
      schemaBakeSeconds: 600,
    });
    const announced: { rolloutId: string; version: number }[] = [];
    const unsubscribe = demo.services.events.subscribe("rollout.changed", (e) => announced.push(e));
    expect(await advanceSchemaPhase(demo.services, manager, id)).toMatchObject({ phase: "migrate" });
    unsubscribe();
    const { version } = await demo.database.db.rollout.findUniqueOrThrow({ where: { id } });
    expect(announced).toEqual([expect.objectContaining({ rolloutId: id, version })]);
    await expect(advanceSchemaPhase(demo.services, manager, id)).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
      field: "schemaChange.phase",
      message: expect.stringContaining("has completed at 100% (it is draft at 0%)"),
    });

    // Drive it to completion through the state machine, as the evaluator would.
    const evaluator = systemActor("evaluator");
    await runRolloutCommand(demo.services, manager, id, { type: "start" });
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, evaluator, id, { type: "gates-passed", stepIndex: 0 });
    await runRolloutCommand(demo.services, evaluator, id, { type: "advance" });
    demo.advanceClock(60_000);
    await runRolloutCommand(demo.services, evaluator, id, { type: "gates-passed", stepIndex: 1 });
    await expect(advanceSchemaPhase(demo.services, manager, id)).rejects.toThrow(
      /stable at 100% for 600s \(540s left\)/,
    );
    demo.advanceClock(540_000);
    expect(await advanceSchemaPhase(demo.services, manager, id)).toMatchObject({ phase: "contract" });
    const audit = await demo.database.db.auditEvent.count({
      where: { targetId: id, action: "rollout.schema-phase-advanced" },
    });
    expect(audit).toBe(2);
  });

  it("re-applying a rollout with the same idempotency key creates it once", async () => {
    const manager = demo.actor("release_manager");
    const input = {
      service: "orders",
      environment: "prod",
      version: "9.0.0",
      mechanism: "canary" as const,
      steps,
      idempotencyKey: "pipeline-run-77",
    };
    const first = await createRollout(demo.services, manager, input);
    const again = await createRollout(demo.services, manager, input);
    expect(again).toEqual({ id: first.id, repeated: true });
    const created = await demo.database.db.auditEvent.count({
      where: { targetId: first.id, action: "rollout.created" },
    });
    const repeats = await demo.database.db.auditEvent.count({
      where: { targetId: first.id, action: "rollout.create-repeated" },
    });
    expect([created, repeats]).toEqual([1, 1]);

    // The same key on another request is refused, naming the key: the caller must not believe its new
    // request was carried out because an earlier one was.
    const rollouts = await demo.database.db.rollout.count();
    await expect(
      createRollout(demo.services, manager, { ...input, appliedBy: "argo-rollouts v1.8" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      field: "idempotencyKey",
      message: expect.stringContaining(`was used for a different request (rollout ${first.id})`),
    });
    expect(await demo.database.db.rollout.count()).toBe(rollouts);
  });
});
