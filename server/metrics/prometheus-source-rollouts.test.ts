import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { freePort } from "../testing/free-port";
import {
  type CohortTraffic,
  type CountingProxy,
  findPrometheus,
  startCountingProxy,
  startPrometheus,
  startTestExporter,
  type TestExporter,
  type TestPrometheus,
} from "../testing/prometheus-harness";
import { DEFAULT_PROMETHEUS_QUERIES, type PrometheusQueries } from "./prometheus-queries";
import { createPrometheusPoller, type PollReport } from "./prometheus-source";

const binary = findPrometheus();
if (!binary) {
  console.warn(
    "Skipping the two-rollout Prometheus tests: no /usr/bin/prometheus (apt-get install prometheus)",
  );
}

const INTERVAL_SECONDS = 5;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;

// The harness labels series by service only, so each environment's exporter is its own service label.
const withService = (label: string): PrometheusQueries => ({
  errors: DEFAULT_PROMETHEUS_QUERIES.errors.replace('service="$service"', `service="${label}"`),
  latencyBuckets: DEFAULT_PROMETHEUS_QUERIES.latencyBuckets.replace(
    'service="$service"',
    `service="${label}"`,
  ),
});
const BY_ENVIRONMENT = withService("$service-$environment");
// Without $environment: staging's rollout renders as production's and would read its series.
const WITHOUT_ENVIRONMENT = withService("$service-production");
// The same series over a wider window: other numbers for an interval already read.
const WIDER = {
  errors: BY_ENVIRONMENT.errors.replace("[$interval]", "[10s]"),
  latencyBuckets: BY_ENVIRONMENT.latencyBuckets.replace("[$interval]", "[10s]"),
};

// Production serves 200 requests a second, staging 50 with a failing canary.
const production: CohortTraffic = { requests: 20, errors: 0, latencyMs: [20, 40, 80] };
const staging = {
  ok: { requests: 5, errors: 0, latencyMs: [20] },
  bad: { requests: 5, errors: 2, latencyMs: [400] },
};

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

describe.skipIf(!binary)("Prometheus metric source with two live rollouts of one service", () => {
  let demo: DemoFixture;
  let productionExporter: TestExporter;
  let stagingExporter: TestExporter;
  let prometheus: TestPrometheus;
  let proxy: CountingProxy;
  let ids: { production: string; staging: string; search: string; payments: string };
  let end = 0;
  const logs: string[] = [];

  const poller = (queries: PrometheusQueries, url = proxy.url) =>
    createPrometheusPoller(demo.services, {
      url,
      intervalSeconds: INTERVAL_SECONDS,
      timeoutMs: 3000,
      queries,
      log: (line) => logs.push(line),
    });
  const samplesOf = (report: PollReport, rolloutId: string) =>
    report.samples.filter((s) => s.rolloutId === rolloutId);
  const countsOf = (report: PollReport, rolloutId: string) =>
    samplesOf(report, rolloutId).map(({ rolloutId: _, ...counts }) => counts);

  beforeAll(async () => {
    // Intervals are real time; ingestSamples refuses samples more than 5 minutes ahead of the clock.
    demo = await createDemoFixture(new Date());
    const db = demo.database.db;
    // Rollouts only: services' whole traffic (polled for their SLOs) is prometheus-source-services.test.ts's.
    await db.slo.deleteMany();
    const live = await db.rollout.findUniqueOrThrow({
      where: { id: demo.rollouts["checkout-api"] },
      include: { release: true },
    });
    const release = await db.release.create({
      data: {
        serviceId: live.serviceId,
        environment: "staging",
        version: live.release.version,
        artifact: live.release.artifact,
      },
    });
    const stagingRollout = await db.rollout.create({
      data: {
        serviceId: live.serviceId,
        releaseId: release.id,
        mechanism: live.mechanism,
        steps: [],
        state: "running",
      },
    });
    ids = {
      production: live.id,
      staging: stagingRollout.id,
      search: demo.rollouts.search as string,
      payments: demo.rollouts.payments as string,
    };

    productionExporter = await startTestExporter("checkout-api-production");
    stagingExporter = await startTestExporter("checkout-api-staging");
    prometheus = await startPrometheus(binary as string, [productionExporter.target, stagingExporter.target]);
    proxy = await startCountingProxy(prometheus.url);
    const started = Date.now();
    const stops = [
      productionExporter.drive(() => ({ baseline: production, canary: production })),
      stagingExporter.drive(() => ({ baseline: staging.ok, canary: staging.bad })),
    ];
    // The window starts a second after traffic does, so it holds whole scrapes of it.
    end = Math.ceil((started + 1000) / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS;
    await sleepUntil(end + 1500);
    for (const stop of stops) stop();
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await prometheus?.stop();
    await productionExporter?.close();
    await stagingExporter?.close();
    await demo?.database.drop();
  });

  it("gives each rollout its own environment's numbers, one query set per rollout", async () => {
    proxy.queries.length = 0;
    const report = await poller(BY_ENVIRONMENT).poll(end);
    expect(report.failures).toEqual([]);
    expect(report.stored).toBe(4);
    for (const [rolloutId, exporter] of [
      [ids.production, productionExporter],
      [ids.staging, stagingExporter],
    ] as const) {
      const samples = samplesOf(report, rolloutId);
      expect(samples.map((s) => s.cohort)).toEqual(["baseline", "canary"]);
      for (const sample of samples) {
        const served = exporter.served(sample.cohort, end - INTERVAL_MS, end);
        expect(Math.abs(sample.requests - served.requests) / served.requests).toBeLessThan(0.1);
        expect(sample.errors / sample.requests).toBeCloseTo(served.errors / served.requests, 1);
      }
    }
    const [, stagingCanary] = samplesOf(report, ids.staging);
    expect((stagingCanary?.errors ?? 0) / (stagingCanary?.requests ?? 1)).toBeGreaterThan(0.3);
    expect(samplesOf(report, ids.production).every((s) => s.errors === 0)).toBe(true);

    // Four rollouts, four different renderings: each query sent once.
    expect(proxy.queries).toHaveLength(8);
    expect(new Set(proxy.queries).size).toBe(8);
    // The services without series: each missing cohort names its rollout.
    expect(report.missing.map((m) => `${m.rolloutId} ${m.cohort}`).sort()).toEqual(
      [
        `${ids.search} baseline`,
        `${ids.search} canary`,
        `${ids.payments} baseline`,
        `${ids.payments} canary`,
      ].sort(),
    );
  });

  it("refuses to give a service's staging and production rollouts the same numbers, naming the fix", async () => {
    proxy.queries.length = 0;
    logs.length = 0;
    const report = await poller(WITHOUT_ENVIRONMENT).poll(end);
    const checkout = report.failures.filter((f) => f.service === "checkout-api");
    expect(checkout.map((f) => f.rolloutId).sort()).toEqual([ids.production, ids.staging].sort());
    for (const f of checkout) {
      expect(f.error).toBe(
        "the rollout queries read the same series for checkout-api in production and staging: " +
          "use $environment in errors and latencyBuckets",
      );
    }
    expect(report.failures).toHaveLength(2);
    expect(samplesOf(report, ids.production)).toEqual([]);
    expect(samplesOf(report, ids.staging)).toEqual([]);
    // Neither is queried; search and payments are, as before.
    expect(proxy.queries).toHaveLength(4);
    expect(proxy.queries.some((q) => q.includes("checkout-api"))).toBe(false);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`checkout-api/production (${ids.production})`);
    expect(logs[0]).toContain(`checkout-api/staging (${ids.staging})`);

    // Templates that tell the environments apart give each its own numbers again.
    const apart = await poller(BY_ENVIRONMENT).poll(end);
    expect(apart.failures).toEqual([]);
    expect(countsOf(apart, ids.production)).toHaveLength(2);
    expect(countsOf(apart, ids.staging)).toHaveLength(2);
    expect(countsOf(apart, ids.staging)).not.toEqual(countsOf(apart, ids.production));
  });

  it("shares one query between rollouts of a service in the same environment", async () => {
    const db = demo.database.db;
    const live = await db.rollout.findUniqueOrThrow({ where: { id: ids.production } });
    const second = await db.rollout.create({
      data: {
        serviceId: live.serviceId,
        releaseId: live.releaseId,
        mechanism: live.mechanism,
        steps: [],
        state: "running",
      },
    });
    try {
      proxy.queries.length = 0;
      logs.length = 0;
      const report = await poller(BY_ENVIRONMENT).poll(end);
      expect(report.failures).toEqual([]);
      // Five rollouts, four renderings: production's two share one query set.
      expect(proxy.queries).toHaveLength(8);
      expect(proxy.queries.filter((q) => q.includes('"checkout-api-production"'))).toHaveLength(2);
      expect(countsOf(report, second.id)).toEqual(countsOf(report, ids.production));
      expect(countsOf(report, second.id)).toHaveLength(2);
      // Only the new rollout's samples are new: the others' interval was read before, alike.
      expect(report.stored).toBe(2);
      expect(report.conflicts).toEqual([]);

      // Read again with other numbers: the first reading stands for every rollout sharing the query,
      // reported, neither a failure nor logged.
      const again = await poller(WIDER).poll(end);
      expect(again.failures).toEqual([]);
      expect(again.stored).toBe(0);
      const conflicted = (id: string) =>
        again.conflicts.filter((c) => c.rolloutId === id).map((c) => c.cohort);
      expect(conflicted(second.id)).toEqual(["baseline", "canary"]);
      expect(conflicted(ids.production)).toEqual(["baseline", "canary"]);
      expect(again.conflicts[0]?.fields).toContain("requests");
      expect(logs).toEqual([]);
    } finally {
      await db.rollout.delete({ where: { id: second.id } });
    }
  });

  it("names every rollout a failed query cost, once per rollout", async () => {
    logs.length = 0;
    const down = `http://127.0.0.1:${await freePort()}`;
    const report = await poller(BY_ENVIRONMENT, down).poll(end);
    expect(report.samples).toEqual([]);
    expect(report.failures.map((f) => f.rolloutId).sort()).toEqual(Object.values(ids).sort());
    expect(report.failures.find((f) => f.rolloutId === ids.staging)).toMatchObject({
      service: "checkout-api",
      environment: "staging",
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`checkout-api/staging (${ids.staging})`);
    expect(logs[0]).toContain(`checkout-api/production (${ids.production})`);
  });
});
