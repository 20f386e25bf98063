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

  it("with slo-watch's long-window sums, counts new samples at once and lags five minutes at most on late old ones", async () => {
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
    const exact = (at: number, definition = slo) => loadSloCounts(db, payments.id, definition, new Date(at));
    await load(now);
    // After that beat: a burst 10 minutes ago, and a sample 2 days old arriving late.
    await insertTestSamples(db, demo.rollouts.payments as string, [
      { at: now - 10 * MIN, requests: 1_000, errors: 300 },
      { at: now - 2 * 24 * 60 * MIN, requests: 500, errors: 5 },
    ]);
    const reused = await load(now + MIN);
    const truth = await exact(now + MIN);
    // The burst is in every window at once, the budget's included: it freezes on the next beat.
    expect(reused.windows["1h"]).toEqual(truth.windows["1h"]);
    expect(reused.windows["1d"]).toEqual(truth.windows["1d"]);
    expect(reused.sloWindow.bad - truth.sloWindow.bad).toBe(-5);
    // Only the late sample in the windows' older part waits for their next full sum.
    expect(reused.windows["3d"]).toEqual({
      total: truth.windows["3d"].total - 500,
      bad: truth.windows["3d"].bad - 5,
    });
    // Another definition (a 7-day window) is summed in full at once; five minutes on, so is this one.
    const week = { ...slo, windowDays: 7 };
    expect(await load(now + MIN, week)).toEqual(await exact(now + MIN, week));
    expect(await load(now + 5 * MIN)).toEqual(await exact(now + 5 * MIN));
  });

  it("counts a latency bucket spanning the threshold as bad: a sample lacking that bound never passes", async () => {
    const db = demo.database.db;
    const search = await db.service.findUniqueOrThrow({ where: { name: "search" }, select: { id: true } });
    const now = demo.services.now().getTime();
    // Cohort samples (bounds 5 … 100, 250 … 5000): 40 minutes and 2 days ago. The first test's one of
    // 20 minutes ago has 800 requests, all in (50, 100].
    await insertTestSamples(db, demo.rollouts.search as string, [
      { at: now - 40 * MIN, requests: 1_000, errors: 0, at250: 200, slow: 30 },
      { at: now - 2 * 24 * 60 * MIN, requests: 500, errors: 0, at250: 100 },
    ]);
    // A service sample 4 minutes ago whose histogram has only the bounds 100 and 1000.
    await storeServiceSamples(demo.services, [
      {
        service: "search",
        environment: "production",
        intervalEnd: now - 4 * MIN,
        intervalSeconds: 60,
        requests: 1_000,
        errors: 0,
        latency: { bounds: [100, 1000], counts: [600, 400, 0] },
      },
    ]);
    const slo = (latencyThresholdMs: number) => ({
      kind: "latency" as const,
      windowDays: 30,
      latencyThresholdMs,
      environment: "production",
    });
    // 200 ms is a bound of neither: (100, 250] and (100, 1000] span it, and count as bad whole.
    const at200 = await loadSloCounts(db, search.id, slo(200), new Date(now));
    expect(at200.windows["5m"]).toEqual({ total: 1_000, bad: 400 });
    expect(at200.windows["1h"]).toEqual({ total: 2_800, bad: 400 + 200 + 30 });
    expect(at200.sloWindow).toEqual({ total: 3_300, bad: 400 + 200 + 30 + 100 });
    // 250 ms is a cohort bound: (100, 250] is good there, the service sample's (100, 1000] still bad.
    const at250 = await loadSloCounts(db, search.id, slo(250), new Date(now));
    expect(at250.windows["1h"]).toEqual({ total: 2_800, bad: 400 + 30 });
    // slo-watch's reused long-window sums count the same.
    const longSums = new LongWindowSums();
    await loadSloCounts(db, search.id, slo(200), new Date(now), longSums);
    const reused = await loadSloCounts(db, search.id, slo(200), new Date(now + MIN), longSums);
    expect(reused).toEqual(await loadSloCounts(db, search.id, slo(200), new Date(now + MIN)));
    expect(reused.sloWindow.bad).toBe(730);
  });
});
