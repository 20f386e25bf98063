import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceSample, sampleProblems } from "../domain/metrics/cohort-sample";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { freePort } from "../testing/free-port";
import {
  type CohortTraffic,
  type CountingProxy,
  EXPORTER_BOUNDS_MS,
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
    "Skipping the Prometheus service-sample tests: no /usr/bin/prometheus (apt-get install prometheus)",
  );
}

const INTERVAL_SECONDS = 5;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;

// ledger has an SLO and no rollout at all; its series carry whatever cohort labels, the whole traffic
// counts. inventory serves traffic too but has no SLO. checkout-api has an SLO and a live rollout.
const ledger = {
  baseline: { requests: 15, errors: 3, latencyMs: [20, 60, 300] },
  canary: { requests: 5, errors: 0, latencyMs: [700] },
};
const steady: CohortTraffic = { requests: 10, errors: 1, latencyMs: [30, 80] };
// The demo's services with an SLO (production) but no series in this Prometheus.
const WITHOUT_SERIES = ["payments/production", "profile/production", "search/production"];

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** What an exporter served in (fromMs, toMs], both cohorts together. */
function servedInAll(exporter: TestExporter, fromMs: number, toMs: number) {
  const [baseline, canary] = (["baseline", "canary"] as const).map((c) => exporter.served(c, fromMs, toMs));
  if (!baseline || !canary) throw new Error("both cohorts expected");
  return {
    requests: baseline.requests + canary.requests,
    errors: baseline.errors + canary.errors,
    counts: baseline.counts.map((count, i) => count + (canary.counts[i] ?? 0)),
  };
}

describe.skipIf(!binary)("Prometheus metric source: services' whole traffic for their SLOs", () => {
  let demo: DemoFixture;
  let exporters: { ledger: TestExporter; inventory: TestExporter; checkout: TestExporter };
  let prometheus: TestPrometheus;
  let proxy: CountingProxy;
  let end = 0;
  let first: PollReport;
  const logs: string[] = [];

  const poller = (queries: PrometheusQueries = DEFAULT_PROMETHEUS_QUERIES, url = proxy.url) =>
    createPrometheusPoller(demo.services, {
      url,
      intervalSeconds: INTERVAL_SECONDS,
      timeoutMs: 3000,
      queries,
      log: (line) => logs.push(line),
    });
  const storedOf = async (service: string): Promise<ServiceSample[]> =>
    (
      await demo.database.db.serviceSample.findMany({
        where: { service: { name: service } },
        include: { service: { select: { name: true } } },
      })
    ).map((row) => ({
      service: row.service.name,
      environment: row.environment,
      intervalEnd: row.intervalEnd.getTime(),
      intervalSeconds: row.intervalSeconds,
      requests: row.requests,
      errors: row.errors,
      latency: { bounds: row.latencyBoundsMs, counts: row.latencyCounts },
    }));
  const named = (entries: readonly { service: string; environment: string }[]) =>
    entries.map((e) => `${e.service}/${e.environment}`).sort();

  beforeAll(async () => {
    // Intervals are real time; samples more than 5 minutes ahead of the clock are refused.
    demo = await createDemoFixture(new Date());
    const db = demo.database.db;
    const ledgerService = await db.service.create({ data: { name: "ledger" } });
    await db.release.create({
      data: { serviceId: ledgerService.id, environment: "production", version: "1", artifact: "ledger:1" },
    });
    await db.slo.create({
      data: {
        serviceId: ledgerService.id,
        environment: "production",
        name: "availability",
        kind: "availability",
        objective: 0.99,
      },
    });
    await db.service.create({ data: { name: "inventory" } });

    exporters = {
      ledger: await startTestExporter("ledger"),
      inventory: await startTestExporter("inventory"),
      checkout: await startTestExporter("checkout-api"),
    };
    prometheus = await startPrometheus(
      binary as string,
      Object.values(exporters).map((e) => e.target),
    );
    proxy = await startCountingProxy(prometheus.url);
    const started = Date.now();
    const stops = [
      exporters.ledger.drive(() => ledger),
      exporters.inventory.drive(() => ({ baseline: steady, canary: steady })),
      exporters.checkout.drive(() => ({ baseline: steady, canary: steady })),
    ];
    // The window starts a second after traffic does, so it holds whole scrapes of it.
    end = Math.ceil((started + 1000) / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS;
    await sleepUntil(end + 1500);
    for (const stop of stops) stop();
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await prometheus?.stop();
    for (const exporter of Object.values(exporters ?? {})) await exporter.close();
    await demo?.database.drop();
  });

  it("stores the whole traffic of a service with an SLO and no rollout, as the exporter served it", async () => {
    first = await poller().poll(end);
    expect(first.services.failures).toEqual([]);
    const [sample, ...others] = first.services.samples.filter((s) => s.service === "ledger");
    if (!sample) throw new Error("a ledger sample expected");
    expect(others).toEqual([]);
    expect(sample).toMatchObject({ environment: "production", intervalEnd: end, intervalSeconds: 5 });
    expect(sampleProblems(sample)).toEqual([]);
    // increase() extrapolates from the scrapes inside the window: close to, not exactly, what was served.
    const served = servedInAll(exporters.ledger, end - INTERVAL_MS, end);
    expect(Math.abs(sample.requests - served.requests) / served.requests).toBeLessThan(0.1);
    expect(sample.errors / sample.requests).toBeCloseTo(served.errors / served.requests, 2);
    expect(sample.latency.bounds).toEqual([...EXPORTER_BOUNDS_MS]);
    sample.latency.counts.forEach((count, i) => {
      expect(Math.abs(count / sample.requests - (served.counts[i] ?? 0) / served.requests)).toBeLessThan(
        0.02,
      );
    });
    // What was read is what was stored, once.
    expect(await storedOf("ledger")).toEqual([sample]);

    // With a live rollout the whole traffic is both cohorts together (each rounded on its own: ±1).
    const [whole] = first.services.samples.filter((s) => s.service === "checkout-api");
    const cohorts = first.samples.filter((s) => s.rolloutId === demo.rollouts["checkout-api"]);
    expect(cohorts).toHaveLength(2);
    const sum = (pick: (s: { requests: number; errors: number }) => number) =>
      cohorts.reduce((total, s) => total + pick(s), 0);
    expect(Math.abs((whole?.requests ?? 0) - sum((s) => s.requests))).toBeLessThanOrEqual(1);
    expect(Math.abs((whole?.errors ?? 0) - sum((s) => s.errors))).toBeLessThanOrEqual(1);
    expect(first.services.stored).toBe(2);
    expect(named(first.services.samples)).toEqual(["checkout-api/production", "ledger/production"]);

    // The interval read again: the first reading stands, nothing new, no failure.
    const again = await poller().poll(end);
    expect(again.services.stored).toBe(0);
    expect(again.services.failures).toEqual([]);
    expect(again.services.conflicts).toEqual([]);
    expect(await storedOf("ledger")).toEqual([sample]);
  });

  it("stores nothing for a service without an SLO, and does not query it", async () => {
    proxy.queries.length = 0;
    const report = await poller().poll(end);
    expect(exporters.inventory.served("baseline", end - INTERVAL_MS, end).requests).toBeGreaterThan(0);
    expect(await storedOf("inventory")).toEqual([]);
    const { samples, missing, failures } = report.services;
    expect([...samples, ...missing, ...failures].some((e) => e.service === "inventory")).toBe(false);
    expect(proxy.queries.some((q) => q.includes("inventory"))).toBe(false);
  });

  it("gives a service without series a missing entry and no sample, and logs it once", async () => {
    expect(named(first.services.missing)).toEqual(WITHOUT_SERIES);
    expect(first.services.missing.map((m) => m.reason)).toEqual([
      "no latency histogram",
      "no latency histogram",
      "no latency histogram",
    ]);
    for (const service of ["search", "payments", "profile"]) expect(await storedOf(service)).toEqual([]);
    // search's and payments' rollouts miss their cohorts too, which is no failure and no log line.
    expect(first.failures).toEqual([]);
    logs.length = 0;
    await poller().poll(end);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^prometheus: no samples for interval ending /);
    for (const name of WITHOUT_SERIES) expect(logs[0]).toContain(`whole traffic of ${name}`);
    expect(logs[0]).toContain("no latency histogram");
    expect(logs[0]).not.toContain("ledger");
  });

  it("names every service a failed shared query cost, stores nothing, logs once and never throws", async () => {
    // Templates without $service render alike for every service: one query set for all of them.
    const broken: PrometheusQueries = {
      ...DEFAULT_PROMETHEUS_QUERIES,
      serviceErrors: 'sum(increase(http_requests_total{status=~"5.."}[$interval])',
      serviceLatencyBuckets: "sum by (le) (increase(http_request_duration_seconds_bucket[$interval]))",
    };
    proxy.queries.length = 0;
    logs.length = 0;
    const later = end + INTERVAL_MS;
    const refused = await poller(broken).poll(later);
    expect(proxy.queries.filter((q) => !q.includes("cohort"))).toHaveLength(2);
    expect(named(refused.services.failures)).toEqual(
      ["checkout-api/production", "ledger/production", ...WITHOUT_SERIES].sort(),
    );
    for (const f of refused.services.failures) expect(f.error).toMatch(/Prometheus refused the query/);
    expect(refused.services.samples).toEqual([]);
    expect(refused.services.missing).toEqual([]);
    expect(await demo.database.db.serviceSample.count({ where: { intervalEnd: new Date(later) } })).toBe(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("whole traffic of ledger/production");

    logs.length = 0;
    const down = await poller(DEFAULT_PROMETHEUS_QUERIES, `http://127.0.0.1:${await freePort()}`).poll(later);
    expect(named(down.services.failures)).toEqual(
      ["checkout-api/production", "ledger/production", ...WITHOUT_SERIES].sort(),
    );
    expect(down.services.samples).toEqual([]);
    // One line for the interval, naming the rollouts and the services' whole traffic it cost.
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`checkout-api/production (${demo.rollouts["checkout-api"]})`);
    expect(logs[0]).toContain("whole traffic of ledger/production");
    expect(await demo.database.db.serviceSample.count({ where: { intervalEnd: new Date(later) } })).toBe(0);
  });

  it("refuses to give two environments of a service the same whole traffic, naming the fix", async () => {
    const db = demo.database.db;
    const ledgerId = (await db.service.findUniqueOrThrow({ where: { name: "ledger" } })).id;
    const release = await db.release.create({
      data: { serviceId: ledgerId, environment: "staging", version: "1", artifact: "ledger:1" },
    });
    const staging = await db.slo.create({
      data: {
        serviceId: ledgerId,
        environment: "staging",
        name: "availability",
        kind: "availability",
        objective: 0.99,
      },
    });
    try {
      // The default templates filter on $service alone: production and staging would read the same series.
      const report = await poller().poll(end + 2 * INTERVAL_MS);
      const ledgers = report.services.failures.filter((f) => f.service === "ledger");
      expect(named(ledgers)).toEqual(["ledger/production", "ledger/staging"]);
      for (const f of ledgers) {
        expect(f.error).toBe(
          "the service queries read the same series for ledger in production and staging: " +
            "use $environment in serviceErrors and serviceLatencyBuckets",
        );
      }
      expect(report.services.samples.some((s) => s.service === "ledger")).toBe(false);
      // Templates that tell environments apart query each on its own.
      const apart: PrometheusQueries = {
        ...DEFAULT_PROMETHEUS_QUERIES,
        serviceErrors:
          'sum(increase(http_requests_total{service="$service",env="$environment",status=~"5.."}[$interval]))',
        serviceLatencyBuckets:
          'sum by (le) (increase(http_request_duration_seconds_bucket{service="$service",env="$environment"}[$interval]))',
      };
      const separate = await poller(apart).poll(end + 2 * INTERVAL_MS);
      expect(separate.services.failures.filter((f) => f.service === "ledger")).toEqual([]);
    } finally {
      await db.slo.delete({ where: { id: staging.id } });
      await db.release.delete({ where: { id: release.id } });
    }
  });
});
