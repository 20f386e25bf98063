import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../db/client";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { seededRandom } from "../testing/seeded-random";
import { NO_REGRESSION, simulateInterval } from "./simulated-traffic";
import { startSimulator } from "./simulator";

const profile = {
  requestsPerSecond: 500,
  errorRate: 0.01,
  latencyMedianMs: 80,
  latencySigma: 0.5,
  conversionTrialRate: 0.2,
  conversionRate: 0.3,
};

describe("simulated traffic", () => {
  const interval = (exposurePercent: number, regression = NO_REGRESSION, seed = 1) =>
    simulateInterval({
      rolloutId: "r",
      intervalEnd: 60_000,
      intervalSeconds: 60,
      exposurePercent,
      profile,
      regression,
      random: seededRandom(seed),
    });

  it("splits traffic by the exposure", () => {
    const [baseline, canary] = interval(25);
    const total = (baseline?.requests ?? 0) + (canary?.requests ?? 0);
    // 30,000 requests expected; the canary's share within 1 percentage point of 25%.
    expect(total).toBeGreaterThan(29_000);
    expect(total).toBeLessThan(31_000);
    expect((canary?.requests ?? 0) / total).toBeCloseTo(0.25, 1);
  });

  it("makes only the canary worse when a regression is switched on", () => {
    const [baseline, canary] = interval(50, { errorMultiplier: 5, latencyShiftMs: 200, conversionDrop: 0.5 });
    if (!baseline || !canary) throw new Error("two cohorts expected");
    const rate = (s: typeof baseline) => s.errors / s.requests;
    expect(rate(baseline)).toBeLessThan(0.015);
    expect(rate(canary)).toBeGreaterThan(0.04);
    // Latency is 80·e^(0.5·Z) ms. Above 250 ms: baseline needs Z > 2·ln(250/80) = 2.28 (1.1%); with
    // +200 ms the canary needs only Z > 2·ln(50/80) = -0.94 (82.6%).
    const above250 = (s: typeof baseline) =>
      s.latency.counts.slice(6).reduce((a, b) => a + b, 0) / s.requests;
    expect(above250(canary)).toBeGreaterThan(0.8);
    expect(above250(canary)).toBeLessThan(0.85);
    expect(above250(baseline)).toBeLessThan(0.02);
    const conversion = (s: typeof baseline) => (s.conversions?.successes ?? 0) / (s.conversions?.trials ?? 1);
    expect(conversion(canary)).toBeLessThan(0.2);
    expect(conversion(baseline)).toBeGreaterThan(0.25);
  });
});

describe("simulator", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("writes both cohorts for every rollout with traffic, once per interval", async () => {
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(7) });
    const announced: string[] = [];
    const unsubscribe = demo.services.events.subscribe("samples.ingested", (e) =>
      announced.push(e.rolloutId),
    );
    await simulator.tick();
    await simulator.tick(); // same clock: the same interval again stores nothing twice
    await simulator.stop();
    unsubscribe();
    const samples = await demo.database.db.metricSample.findMany({
      select: { rolloutId: true, cohort: true },
    });
    const running = ["checkout-api", "search", "payments"].map((s) => demo.rollouts[s]);
    expect(samples).toHaveLength(running.length * 2);
    for (const id of running) {
      expect(
        samples
          .filter((s) => s.rolloutId === id)
          .map((s) => s.cohort)
          .sort(),
      ).toEqual(["baseline", "canary"]);
    }
    expect(announced.sort()).toEqual([...running].sort());

    // Every service environment an SLO watches gets its whole traffic once: a live rollout's two cohorts
    // summed, or, without one, the service's traffic unchanged.
    const db = demo.database.db;
    const whole = await db.serviceSample.findMany({
      select: { environment: true, requests: true, errors: true, service: { select: { name: true } } },
    });
    const watched = await db.slo.findMany({
      distinct: ["serviceId", "environment"],
      select: { environment: true, service: { select: { name: true } } },
    });
    const key = (s: { environment: string; service: { name: string } }) =>
      `${s.service.name}/${s.environment}`;
    expect(whole.map(key).sort()).toEqual(watched.map(key).sort());
    for (const service of ["checkout-api", "search", "payments"]) {
      const cohorts = await db.metricSample.findMany({ where: { rolloutId: demo.rollouts[service] } });
      expect(whole.find((w) => w.service.name === service)).toMatchObject({
        requests: cohorts.reduce((sum, c) => sum + c.requests, 0),
        errors: cohorts.reduce((sum, c) => sum + c.errors, 0),
      });
    }
    for (const quiet of whole.filter(
      (w) => !["checkout-api", "search", "payments"].includes(w.service.name),
    )) {
      expect(quiet.requests).toBeGreaterThan(0);
    }
  });

  it("still writes the services' whole traffic when the cohort samples cannot be stored", async () => {
    demo.advanceClock(10_000);
    const broken = {
      ...demo.services,
      db: new Proxy(demo.database.db, {
        get(target, prop, receiver) {
          // Cohort samples are inserted with one raw statement: refuse it (service samples' too are raw).
          if (prop === "$queryRaw")
            return (query: TemplateStringsArray, ...values: Prisma.Sql[]) =>
              Prisma.sql(query, ...values).sql.includes('"MetricSample"')
                ? Promise.reject(new Error("disk full"))
                : target.$queryRaw(query, ...values);
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    const simulator = startSimulator(broken, { intervalSeconds: 10, random: seededRandom(8) });
    await expect(simulator.tick()).rejects.toThrow("disk full");
    await simulator.stop();
    const at = new Date(demo.services.now().getTime());
    expect(await demo.database.db.metricSample.count({ where: { intervalEnd: at } })).toBe(0);
    expect(await demo.database.db.serviceSample.count({ where: { intervalEnd: at } })).toBeGreaterThan(0);
  });
});
