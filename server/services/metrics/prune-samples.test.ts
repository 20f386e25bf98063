import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { insertTestSamples } from "../slo/insert-test-samples";
import { pruneSamples } from "./prune-samples";

const DAY = 86_400_000;

describe("pruning old metric samples", () => {
  let demo: DemoFixture;
  let now: number;
  beforeAll(async () => {
    demo = await createDemoFixture();
    now = demo.services.now().getTime();
    const db = demo.database.db;
    // checkout-api, search and profile have finished; payments is still live. Only checkout-api keeps its
    // SLOs (30-day windows, in production).
    const finished = ["checkout-api", "search", "profile"].map((name) => demo.rollouts[name] as string);
    await db.rollout.updateMany({
      where: { id: { in: finished } },
      data: { state: "completed", phase: null },
    });
    await db.slo.deleteMany({ where: { service: { name: { not: "checkout-api" } } } });
    const daysAgo = (...days: number[]) => days.map((d) => ({ at: now - d * DAY, requests: 10, errors: 0 }));
    await insertTestSamples(db, demo.rollouts["checkout-api"] as string, daysAgo(20, 40, 41));
    await insertTestSamples(db, demo.rollouts.search as string, daysAgo(3, 10));
    // A stray sample years old: the prune skips the empty days between, not one DELETE per day.
    await insertTestSamples(db, demo.rollouts.profile as string, daysAgo(10, 3_000));
    await insertTestSamples(db, demo.rollouts.payments as string, daysAgo(100));
    await registerDeploy(demo.services, systemActor("ci"), {
      service: "checkout-api",
      environment: "staging",
      version: "9.9.9",
      artifact: "checkout-api:9.9.9",
    });
    await insertServiceSamples([
      ["production", 20],
      ["production", 40],
      ["staging", 3],
      ["staging", 10],
    ]);
  });
  afterAll(() => demo.database.drop());

  /** checkout-api's whole traffic in an environment, that many days ago. */
  const insertServiceSamples = async (samples: [environment: string, days: number][]) => {
    const db = demo.database.db;
    const checkout = await db.service.findUniqueOrThrow({ where: { name: "checkout-api" } });
    await db.serviceSample.createMany({
      data: samples.map(([environment, days]) => ({
        serviceId: checkout.id,
        environment,
        intervalEnd: new Date(now - days * DAY),
        intervalSeconds: 60,
        requests: 10,
        errors: 0,
        latencyBoundsMs: [100],
        latencyCounts: [10, 0],
      })),
    });
  };

  const ages = async () => {
    const db = demo.database.db;
    const daysAgo = (at: Date) => Math.round((now - at.getTime()) / DAY);
    const cohort = await db.metricSample.findMany({
      select: { intervalEnd: true, rollout: { select: { service: { select: { name: true } } } } },
      orderBy: { intervalEnd: "desc" },
    });
    const service = await db.serviceSample.findMany({
      select: { intervalEnd: true, environment: true },
      orderBy: { intervalEnd: "desc" },
    });
    return {
      cohort: cohort.map((s) => `${s.rollout.service.name} ${daysAgo(s.intervalEnd)}d`),
      service: service.map((s) => `${s.environment} ${daysAgo(s.intervalEnd)}d`),
    };
  };

  it("stops between two DELETEs when told to", async () => {
    expect(await pruneSamples(demo.services, 7, AbortSignal.abort())).toEqual({ cohort: 0, service: 0 });
    expect((await ages()).cohort).toHaveLength(8);
  });

  it("keeps live rollouts' samples and each SLO's whole window, and a finished rollout's whole or not at all", async () => {
    const pruned = await pruneSamples(demo.services, 7);
    expect(pruned).toEqual({ cohort: 2, service: 2 });
    expect(await ages()).toEqual({
      // search's newest sample is inside the retention and checkout-api's inside its SLO window: their
      // charts stay whole. profile's are all past the retention, and go.
      cohort: [
        "search 3d",
        "search 10d",
        "checkout-api 20d",
        "checkout-api 40d",
        "checkout-api 41d",
        "payments 100d",
      ],
      service: ["staging 3d", "production 20d"],
    });
    // Nothing is left to prune: a second run deletes nothing.
    expect(await pruneSamples(demo.services, 7)).toEqual({ cohort: 0, service: 0 });
  });

  it("keeps the 3-day burn window of an environment with an SLO, however short its window and the retention", async () => {
    await demo.database.db.slo.updateMany({ data: { windowDays: 2 } });
    await insertServiceSamples([
      ["production", 2.5],
      ["production", 3.5],
    ]);
    await pruneSamples(demo.services, 1);
    // Staging has no SLO: one day. Production's SLOs read three days back.
    expect((await ages()).service).toEqual(["production 3d"]);
  });
});
