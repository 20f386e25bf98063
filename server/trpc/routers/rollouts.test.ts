import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/permissions";
import { declareIncident } from "../../services/incidents/declare-incident";
import { resolveIncident } from "../../services/incidents/resolve-incident";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);

describe("rollouts router", () => {
  let demo: DemoFixture;
  const callerFor = (actor: Actor | null) => createCaller({ actor, services: demo.services });
  const checkout = () => demo.rollouts["checkout-api"] as string;

  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("refuses every procedure without a session", async () => {
    await expect(callerFor(null).rollouts.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(callerFor(null).rollouts.pause({ id: checkout() })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("lists the overview: every active rollout with what freezes it now", async () => {
    const incident = await declareIncident(demo.services, demo.actor("operator"), {
      title: "checkout down",
      severity: "sev1",
      services: ["checkout-api"],
    });
    const list = await callerFor(demo.actor("viewer")).rollouts.list();
    await resolveIncident(demo.services, demo.actor("operator"), { id: incident.id });
    expect(Object.fromEntries(list.active.map((r) => [r.service.name, r.frozenBy]))).toEqual({
      "checkout-api": `incident ${incident.id} (checkout down) (sev1)`,
      payments: "",
      search: "",
      profile: "",
    });
  });

  it("refuses a viewer's pause with FORBIDDEN and changes nothing", async () => {
    const before = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: checkout() } });
    const auditBefore = await demo.database.db.auditEvent.count();
    await expect(callerFor(demo.actor("viewer")).rollouts.pause({ id: checkout() })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await demo.database.db.rollout.findUniqueOrThrow({ where: { id: checkout() } })).toEqual(before);
    expect(await demo.database.db.auditEvent.count()).toBe(auditBefore);
  });

  it("names the problem with an unknown or malformed id", async () => {
    const operator = callerFor(demo.actor("operator"));
    await expect(operator.rollouts.pause({ id: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No rollout with id missing",
    });
    await expect(operator.rollouts.pause({ id: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(operator.rollouts.pause({ id: "" })).rejects.toThrow(
      /"path": \[\n\s+"id"\n\s+\],\n\s+"message": "must not be empty"/,
    );
  });

  it("says NOT_FOUND for a missing rollout every time, never an internal error", async () => {
    // The page's read once raced two lookups of the row; whichever failed first decided the error.
    const reads = Array.from({ length: 10 }, () =>
      callerFor(demo.actor("viewer"))
        .rollouts.byId({ id: "missing" })
        .then(
          () => "found",
          (error: { code: string }) => error.code,
        ),
    );
    expect(new Set(await Promise.all(reads))).toEqual(new Set(["NOT_FOUND"]));
  });

  it("pauses, audits in the same transaction, and announces the change", async () => {
    const announced: unknown[] = [];
    const unsubscribe = demo.services.events.subscribe("rollout.changed", (e) => announced.push(e));
    const paused = await callerFor(demo.actor("operator")).rollouts.pause({
      id: checkout(),
      reason: "drill",
    });
    unsubscribe();
    expect(paused).toMatchObject({ state: "paused", phase: "holding", version: 1 });
    expect(paused.commands.pause).toEqual({ allowed: false, reason: "already paused" });
    expect(announced).toEqual([{ rolloutId: checkout(), version: 1, state: "paused", exposurePercent: 5 }]);
    const history = await callerFor(demo.actor("auditor")).rollouts.history({ id: checkout() });
    expect(history[0]).toMatchObject({
      action: "rollout.paused",
      actor: "operator:operator",
      reason: "drill",
      before: { state: "running", phase: "holding", exposurePercent: 5 },
      after: { state: "paused", phase: "holding", exposurePercent: 5 },
    });
  });

  it("treats pausing a paused rollout as a no-op", async () => {
    const events = () => demo.database.db.auditEvent.count({ where: { targetId: checkout() } });
    const before = await events();
    const again = await callerFor(demo.actor("operator")).rollouts.pause({ id: checkout() });
    expect(again).toMatchObject({ state: "paused", version: 1 });
    expect(await events()).toBe(before);
  });

  it("refuses an illegal command with the state machine's reason", async () => {
    await expect(
      callerFor(demo.actor("release_manager")).rollouts.advance({ id: checkout() }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("advance is not allowed"),
    });
  });

  it("pauses once for two simultaneous pauses, and neither operator is told to retry", async () => {
    const id = demo.rollouts.search as string;
    const operator = callerFor(demo.actor("operator"));
    const results = await Promise.allSettled([
      operator.rollouts.pause({ id }),
      operator.rollouts.pause({ id }),
    ]);
    // The later one re-reads the paused rollout after losing the race, and pausing it again is a no-op.
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const pauses = await demo.database.db.auditEvent.count({
      where: { targetId: id, action: "rollout.paused" },
    });
    expect(pauses).toBe(1);
  });

  it("kills every rollout of a service once per idempotency key, and kill-all needs the typed confirmation", async () => {
    const operator = callerFor(demo.actor("operator"));
    const input = { service: "payments", reason: "bad deploy", idempotencyKey: "page-123" };
    expect(await operator.rollouts.killService(input)).toEqual({ rolledBack: 1 });
    expect(await operator.rollouts.killService(input)).toEqual({ rolledBack: 0 });
    const payments = await demo.database.db.rollout.findUniqueOrThrow({
      where: { id: demo.rollouts.payments as string },
    });
    expect(payments).toMatchObject({ state: "rolled_back", exposurePercent: 0 });
    await expect(
      operator.rollouts.killAll({
        reason: "bad deploy",
        idempotencyKey: "k",
        confirm: "kill all" as "KILL ALL",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      callerFor(demo.actor("viewer")).rollouts.killAll({
        reason: "x".repeat(3),
        idempotencyKey: "k",
        confirm: "KILL ALL",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
