import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { loadFreezeState } from "../freezes/load-freeze-state";
import { storeServiceSamples } from "../metrics/store-service-samples";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { defineSlo } from "./define-slo";
import { evaluateSlos } from "./evaluate-slos";
import { insertTestSamples } from "./insert-test-samples";
import { listSlos } from "./list-slos";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("evaluating SLOs against the service's samples", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const now = () => demo.services.now().getTime();
  const rolloutOf = (service: string) => demo.rollouts[service] as string;
  const rollout = (service: string) =>
    demo.database.db.rollout.findUniqueOrThrow({ where: { id: rolloutOf(service) } });
  const auditCount = (action: string, targetId?: string) =>
    demo.database.db.auditEvent.count({ where: { action, ...(targetId ? { targetId } : {}) } });

  it("rolls a fast-burning service's rollouts back once, naming the SLO, windows and burn rates", async () => {
    await defineSlo(demo.services, demo.actor("release_manager"), {
      service: "checkout-api",
      environment: "production",
      name: "availability",
      kind: "availability",
      objective: 0.995,
    });
    // Ten days ago, plenty of good traffic: the budget is far from spent.
    await insertTestSamples(demo.database.db, rolloutOf("checkout-api"), [
      { at: now() - 10 * DAY, requests: 10_000_000, errors: 0 },
    ]);
    // The last hour, one sample every 5 min at 10% errors: burn rate 0.1 / 0.005 = 20 over 1 h and 5 min.
    await insertTestSamples(
      demo.database.db,
      rolloutOf("checkout-api"),
      Array.from({ length: 12 }, (_, k) => ({ at: now() - k * 5 * MIN, requests: 1_000, errors: 100 })),
    );

    const [first] = await evaluateSlos(demo.services, { service: "checkout-api" });
    expect(first?.alert.severity).toBe("page");
    expect(first?.rolledBack).toEqual([rolloutOf("checkout-api")]);
    // 1 200 bad of 10 012 000 where 50 060 are allowed.
    expect(first?.budget.remaining).toBeCloseTo(1 - 1_200 / 50_060, 9);
    expect(await rollout("checkout-api")).toMatchObject({ state: "rolled_back", exposurePercent: 1 });
    const rollback = await demo.database.db.auditEvent.findFirstOrThrow({
      where: { targetId: rolloutOf("checkout-api"), action: "rollout.rolled-back" },
    });
    expect(rollback.actor).toBe("system:slo-watch");
    expect(rollback.reason).toBe(
      "SLO checkout-api/availability in production (99.5% of requests without error over 30d) is burning its error budget " +
        "fast: 1h burn rate 20.0 and 5m burn rate 20.0 both above 14.4; " +
        // The 6 h window holds only the burning hour (the good traffic is ten days old).
        "6h burn rate 20.0 and 30m burn rate 20.0 both above 6",
    );
    expect(await rollout("search")).toMatchObject({ state: "running" });
    expect((await loadFreezeState(demo.database.db)).exhaustedBudgets).toEqual([]);

    demo.advanceClock(30_000);
    const [again] = await evaluateSlos(demo.services, { all: true });
    expect(again).toMatchObject({ changes: [], rolledBack: [], state: { alertSeverity: "page" } });
    expect(await auditCount("rollout.rolled-back", rolloutOf("checkout-api"))).toBe(1);
    expect(await auditCount("slo.alert-raised")).toBe(1);
    expect(await listSlos(demo.services, { service: "checkout-api" })).toContainEqual(
      expect.objectContaining({ name: "availability", alertSeverity: "page", budgetExhaustedSince: null }),
    );

    // The page stands while it lasts: a rollout of the service created since is rolled back on the next beat.
    const release = { service: "checkout-api", environment: "production", version: "9.9.9" };
    await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: "checkout-api:9.9.9" });
    const late = await createRollout(demo.services, demo.actor("release_manager"), {
      ...release,
      mechanism: "canary",
    });
    demo.advanceClock(30_000);
    const [later] = await evaluateSlos(demo.services, { service: "checkout-api" });
    expect(later?.rolledBack).toEqual([late.id]);
    expect(await auditCount("rollout.rolled-back", late.id)).toBe(1);

    // Nothing runs any more and nothing samples the service as a whole: its data stopped with the rollouts
    // (the page's own kill), which is no outage. Once the 30 min window has emptied, nothing pages.
    demo.advanceClock(31 * MIN);
    const [after] = await evaluateSlos(demo.services, { service: "checkout-api" });
    expect(after?.changes.map((c) => c.action)).toEqual(["slo.alert-eased"]);
    expect(after?.alert.rules.filter((r) => r.heldWithoutData)).toEqual([]);
  });

  it("holds a page through a metrics outage while the service's whole traffic is sampled", async () => {
    const release = { service: "ledger", environment: "production", version: "1.0.0" };
    await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: "ledger:1.0.0" });
    await defineSlo(demo.services, demo.actor("release_manager"), {
      service: "ledger",
      environment: "production",
      name: "availability",
      kind: "availability",
      objective: 0.995,
    });
    // Ten days ago plenty of good traffic (the budget is far from spent); then the last hour, one sample
    // every 5 min at 10% errors: burn rate 20.
    const sample = (at: number, requests: number, errors: number) => ({
      service: "ledger",
      environment: "production",
      intervalEnd: at,
      intervalSeconds: 300,
      requests,
      errors,
      latency: { bounds: [100, 250], counts: [requests, 0, 0] },
    });
    await storeServiceSamples(demo.services, [
      sample(now() - 10 * DAY, 10_000_000, 0),
      ...Array.from({ length: 12 }, (_, k) => sample(now() - k * 5 * MIN, 1_000, 100)),
    ]);
    const [burning] = await evaluateSlos(demo.services, { service: "ledger" });
    expect(burning?.alert.severity).toBe("page");
    // Then no sample at all for 31 min: the 5 min and 30 min windows are empty, the hour still burns.
    demo.advanceClock(31 * MIN);
    const [blind] = await evaluateSlos(demo.services, { service: "ledger" });
    expect(blind).toMatchObject({ changes: [], state: { alertSeverity: "page" } });
    expect(blind?.alert.rules[0]).toMatchObject({ heldWithoutData: true, firing: true });
    expect(blind?.alert.rules[1]).toMatchObject({ long: "6h", heldWithoutData: true, firing: true });
  });

  it("does nothing for a healthy service, latency counted from the histogram tail", async () => {
    // Three days, one sample an hour: 0.1% errors; 2% at (100, 250] ms (good), 3% at (500, 1000] ms (bad).
    await insertTestSamples(
      demo.database.db,
      rolloutOf("payments"),
      Array.from({ length: 72 }, (_, k) => ({
        at: now() - k * HOUR,
        requests: 1_000,
        errors: 1,
        at250: 20,
        slow: 30,
      })),
    );
    await expect(
      defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment: "production",
        name: "latency-300ms",
        kind: "latency",
        objective: 0.95,
        latencyThresholdMs: 300,
      }),
    ).rejects.toMatchObject({ code: "BAD_INPUT", field: "latencyThresholdMs" });
    for (const slo of [
      { name: "availability", kind: "availability", objective: 0.995 },
      { name: "latency-250ms", kind: "latency", objective: 0.95, latencyThresholdMs: 250 },
    ]) {
      await defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment: "production",
        ...slo,
      });
    }
    const before = await demo.database.db.auditEvent.count();
    const evaluations = await evaluateSlos(demo.services, { service: "payments" });
    expect(evaluations.map((e) => [e.slo.name, e.alert.severity, e.rolledBack, e.changes])).toEqual([
      ["availability", null, [], []],
      ["latency-250ms", null, [], []],
    ]);
    // Availability: 72 bad of 72 000, 360 allowed → 80% left; burn 0.2 in every window.
    expect(evaluations[0]?.budget).toMatchObject({ bad: 72, total: 72_000 });
    expect(evaluations[0]?.budget.remaining).toBeCloseTo(0.8, 9);
    expect(evaluations[0]?.alert.rules[0]?.longBurnRate).toBeCloseTo(0.2, 9);
    // Latency: 30 slow per sample, 2 160 of 3 600 allowed → 40% left; 1 d holds 24 samples, burn 0.6.
    expect(evaluations[1]?.budget).toMatchObject({ bad: 2_160, total: 72_000 });
    expect(evaluations[1]?.budget.remaining).toBeCloseTo(0.4, 9);
    expect(evaluations[1]?.alert.rules[2]).toMatchObject({ long: "1d", firing: false });
    expect(evaluations[1]?.alert.rules[2]?.longBurnRate).toBeCloseTo(0.6, 9);
    expect(await demo.database.db.auditEvent.count()).toBe(before);
    expect(await rollout("payments")).toMatchObject({ state: "running" });
  });

  it("freezes starts and advances while a budget is spent, lets pause and kill through, lifts on recovery", async () => {
    for (const service of ["profile", "search"]) {
      await defineSlo(demo.services, demo.actor("release_manager"), {
        service,
        environment: "production",
        name: "availability",
        kind: "availability",
        objective: 0.99,
      });
      // Two days ago, 100 errors in 1 000 where 10 are allowed: remaining −900%, yet nothing burns now.
      await insertTestSamples(demo.database.db, rolloutOf(service), [
        { at: now() - 2 * DAY, requests: 1_000, errors: 100 },
      ]);
    }
    const evaluations = await evaluateSlos(demo.services, { all: true });
    const exhausted = evaluations.filter((e) => e.changes.some((c) => c.action === "slo.budget-exhausted"));
    expect(exhausted.map((e) => [e.slo.service, e.alert.severity, e.rolledBack]).sort()).toEqual([
      ["profile", null, []],
      ["search", null, []],
    ]);
    const budgets = (await loadFreezeState(demo.database.db)).exhaustedBudgets;
    expect([...budgets].sort((a, b) => a.serviceId.localeCompare(b.serviceId))).toEqual([
      { serviceId: "profile", environment: "production", slo: "availability" },
      { serviceId: "search", environment: "production", slo: "availability" },
    ]);

    const manager = demo.actor("release_manager");
    await expect(
      runRolloutCommand(demo.services, manager, rolloutOf("profile"), { type: "start" }),
    ).rejects.toMatchObject({
      code: "FROZEN",
      message: expect.stringContaining("frozen by exhausted availability error budget of profile"),
    });
    // Bring search to the end of its hold so that only the freeze stands in the way of advancing.
    const search = await rollout("search");
    demo.advanceClock((search.holdUntil?.getTime() ?? now()) - now() + 1_000);
    await runRolloutCommand(demo.services, systemActor("evaluator"), search.id, {
      type: "gates-passed",
      stepIndex: search.currentStep,
    });
    await expect(
      runRolloutCommand(demo.services, manager, search.id, { type: "advance" }),
    ).rejects.toMatchObject({
      code: "FROZEN",
      message: expect.stringContaining("frozen by exhausted availability error budget of search"),
    });
    const operator = demo.actor("operator");
    const paused = await runRolloutCommand(demo.services, operator, search.id, {
      type: "pause",
      reason: "budget",
    });
    expect(paused.rollout.state).toBe("paused");
    const killed = await runRolloutCommand(demo.services, operator, search.id, {
      type: "kill",
      reason: "budget",
    });
    expect(killed.rollout.state).toBe("rolled_back");

    // A million good requests in the last hour: 100 bad of 10 010 allowed, 99% left.
    await insertTestSamples(demo.database.db, rolloutOf("profile"), [
      { at: now() - HOUR / 2, requests: 1_000_000, errors: 0 },
    ]);
    const recovered = await evaluateSlos(demo.services, { service: "profile" });
    expect(recovered[0]?.changes.map((c) => c.action)).toEqual(["slo.budget-restored"]);
    expect((await loadFreezeState(demo.database.db)).exhaustedBudgets).toEqual([
      { serviceId: "search", environment: "production", slo: "availability" },
    ]);
    const started = await runRolloutCommand(demo.services, manager, rolloutOf("profile"), { type: "start" });
    expect(started.rollout.state).toBe("running");
    const service = await demo.database.db.service.findUniqueOrThrow({ where: { name: "profile" } });
    const audit = await demo.database.db.auditEvent.findMany({
      where: { targetType: "service", targetId: service.id, action: { startsWith: "slo.budget" } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ["system:slo-watch", "slo.budget-exhausted"],
      ["system:slo-watch", "slo.budget-restored"],
    ]);
    expect(audit[0]?.reason).toMatch(/100 bad of 1000 requests in 30d against 10 allowed, remaining -900%/);
  });

  it("records a definition once, and a redefinition with what changed", async () => {
    const define = (objective: number) =>
      defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment: "production",
        name: "availability-7d",
        kind: "availability",
        objective,
        windowDays: 7,
      });
    await define(0.99);
    await define(0.99);
    await define(0.999);
    const events = await demo.database.db.auditEvent.findMany({
      where: {
        action: { in: ["slo.defined", "slo.redefined"] },
        reason: "SLO payments/availability-7d in production",
      },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ["slo.defined", "release_manager:release manager"],
      ["slo.redefined", "release_manager:release manager"],
    ]);
    expect(events[1]).toMatchObject({
      before: { slo: { objective: 0.99 } },
      after: { slo: { objective: 0.999, windowDays: 7 } },
    });
  });

  it("counts a sample only once its interval has ended by the server's clock", async () => {
    await defineSlo(demo.services, demo.actor("release_manager"), {
      service: "profile",
      environment: "production",
      name: "availability",
      kind: "availability",
      objective: 0.99,
    });
    // Two minutes ahead (clock drift the ingest allows): every request failed.
    await insertTestSamples(demo.database.db, rolloutOf("profile"), [
      { at: now() + 2 * MIN, requests: 10_000_000, errors: 10_000_000 },
    ]);
    const [early] = await evaluateSlos(demo.services, { service: "profile" });
    expect(early?.alert.severity).toBeNull();
    demo.advanceClock(3 * MIN);
    const [due] = await evaluateSlos(demo.services, { service: "profile" });
    expect(due?.alert.severity).toBe("page");
  });

  it("judges each environment apart: staging's burn pages staging alone and never reaches production", async () => {
    const release = { service: "payments", environment: "staging", version: "5.0.0" };
    await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: "payments:5.0.0" });
    const staging = await createRollout(demo.services, demo.actor("release_manager"), {
      ...release,
      mechanism: "canary",
    });
    // The last hour of staging, one sample every 5 min at 10% errors: burn rate 20.
    await insertTestSamples(
      demo.database.db,
      staging.id,
      Array.from({ length: 12 }, (_, k) => ({ at: now() - k * 5 * MIN, requests: 1_000, errors: 100 })),
    );
    for (const environment of ["production", "staging"]) {
      await defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment,
        name: "availability",
        kind: "availability",
        objective: 0.995,
      });
    }
    const evaluations = await evaluateSlos(demo.services, { service: "payments" });
    const availabilityIn = (environment: string) =>
      evaluations.find((e) => e.slo.name === "availability" && e.slo.environment === environment);
    expect(availabilityIn("production")?.alert.severity).toBeNull();
    expect(availabilityIn("staging")?.alert.severity).toBe("page");
    expect(evaluations.flatMap((e) => e.rolledBack)).toEqual([staging.id]);
    expect(await rollout("payments")).toMatchObject({ state: "running" });

    // An environment the service was never released to would judge no traffic and read healthy for ever.
    await expect(
      defineSlo(demo.services, demo.actor("release_manager"), {
        service: "payments",
        environment: "prodution",
        name: "availability",
        kind: "availability",
        objective: 0.995,
      }),
    ).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "environment",
      message: "environment: payments has no release in prodution (it has: production, staging)",
    });
  });

  it("refuses an unknown service", async () => {
    await expect(evaluateSlos(demo.services, { service: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
