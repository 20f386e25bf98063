import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { storeServiceSamples } from "../metrics/store-service-samples";
import { insertTestSamples } from "./insert-test-samples";
import { loadSloCounts } from "./load-slo-counts";
import { LongWindowSums } from "./long-window-sums";

const MIN = 60_000;

describe("the traffic an SLO judges", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("is the service's whole traffic, and its rollouts' cohorts for the intervals no service sample covers", async () => {
    const now = demo.services.now().getTime();
    const db = demo.database.db;
    // Rollout samples (the baseline cohort, 10% errors) 50, 20 and 10 minutes ago.
    await insertTestSamples(db, demo.rollouts["checkout-api"] as string, [
      { at: now - 50 * MIN, requests: 1_000, errors: 100 },
      { at: now - 20 * MIN, requests: 1_000, errors: 100 },
      { at: now - 10 * MIN, requests: 1_000, errors: 100 },
    ]);
    const whole = (environment: string, at: number) => ({
      service: "checkout-api",
      environment,
      intervalEnd: at,
      intervalSeconds: 60,
      requests: 5_000,
      errors: 5,
      latency: { bounds: [100, 250], counts: [5_000, 0, 0] },
    });
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "checkout-api",
      environment: "staging",
      version: "9.9.9",
      artifact: "checkout-api:9.9.9",
    });
    // Service samples of the minutes ending 30 and 10 minutes ago; staging's are another environment's.
    const { stored } = await storeServiceSamples(demo.services, [
      whole("production", now - 30 * MIN),
      whole("production", now - 10 * MIN),
      whole("staging", now - 10 * MIN),
    ]);
    expect(stored).toBe(3);
    const { serviceId } = await db.rollout.findUniqueOrThrow({
      where: { id: demo.rollouts["checkout-api"] as string },
      select: { serviceId: true },
    });
    const slo = { kind: "availability" as const, windowDays: 30, latencyThresholdMs: null };
    const counts = await loadSloCounts(db, serviceId, { ...slo, environment: "production" }, new Date(now));
    // The hour: both production service samples, and the rollout samples no service sample covers: 50 min
    // ago (before service samples began) and 20 min ago (a gap in them). The one of 10 min ago is inside
    // the service sample of that minute.
    expect(counts.windows["1h"]).toEqual({ total: 12_000, bad: 210 });
    expect(counts.windows["5m"]).toEqual({ total: 0, bad: 0 });
    expect(counts.serviceSampled).toBe(true);
    // A service without service samples is judged on its rollouts' cohorts alone.
    await insertTestSamples(db, demo.rollouts.search as string, [
      { at: now - 20 * MIN, requests: 800, errors: 8 },
    ]);
    const search = await db.service.findUniqueOrThrow({ where: { name: "search" }, select: { id: true } });
    const cohortsOnly = await loadSloCounts(
      db,
      search.id,
      { ...slo, environment: "production" },
      new Date(now),
    );
    expect(cohortsOnly).toMatchObject({ serviceSampled: false, sloWindow: { total: 800, bad: 8 } });
  });

  it("with slo-watch's long-window sums, reuses the day-and-longer windows for five minutes only", async () => {
    const db = demo.database.db;
    const payments = await db.service.findUniqueOrThrow({
      where: { name: "payments" },
      select: { id: true },
    });
    const slo = {
      kind: "availability" as const,
      windowDays: 30,
      latencyThresholdMs: null,
      environment: "production",
    };
    const now = demo.services.now().getTime();
    const longSums = new LongWindowSums();
    const load = (at: number, definition = slo) =>
      loadSloCounts(db, payments.id, definition, new Date(at), longSums);
    const first = await load(now);
    // Samples arrive after that beat: one 10 minutes ago (every window) and one 2 days ago (long ones only).
    await insertTestSamples(db, demo.rollouts.payments as string, [
      { at: now - 10 * MIN, requests: 1_000, errors: 30 },
      { at: now - 2 * 24 * 60 * MIN, requests: 500, errors: 5 },
    ]);
    const reused = await load(now + MIN);
    expect(reused.windows["1h"]).toEqual({
      total: first.windows["1h"].total + 1_000,
      bad: first.windows["1h"].bad + 30,
    });
    expect(reused.windows["1d"]).toEqual(first.windows["1d"]);
    expect(reused.sloWindow).toEqual(first.sloWindow);
    // Another definition (a 7-day window) is summed at once; five minutes on, so is this one.
    expect((await load(now + MIN, { ...slo, windowDays: 7 })).sloWindow.total).toBe(
      first.sloWindow.total + 1_500,
    );
    const fresh = await load(now + 5 * MIN);
    expect(fresh.windows["1d"].total).toBe(first.windows["1d"].total + 1_000);
    expect(fresh.windows["3d"].total).toBe(first.windows["3d"].total + 1_500);
    expect(fresh.sloWindow).toEqual({ total: first.sloWindow.total + 1_500, bad: first.sloWindow.bad + 35 });
  });
});
