import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalysisSample, defaultGates, evaluateStep } from "../domain/analysis";
import { type CohortSample, sampleProblems } from "../domain/metrics/cohort-sample";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import {
  type CohortTraffic,
  findPrometheus,
  startPrometheus,
  startTestExporter,
  type TestExporter,
  type TestPrometheus,
} from "../testing/prometheus-harness";
import { DEFAULT_PROMETHEUS_QUERIES, type PrometheusQueries } from "./prometheus-queries";
import { createPrometheusPoller, type PollReport } from "./prometheus-source";

const binary = findPrometheus();
if (!binary) {
  console.warn("Skipping the Prometheus source tests: no /usr/bin/prometheus (apt-get install prometheus)");
}

const INTERVAL_SECONDS = 5;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;
const QUERIES: PrometheusQueries = {
  ...DEFAULT_PROMETHEUS_QUERIES,
  conversionSuccesses: 'sum by (cohort) (increase(checkout_successes_total{service="$service"}[$interval]))',
  conversionTrials: 'sum by (cohort) (increase(checkout_trials_total{service="$service"}[$interval]))',
};

// Every 100 ms each cohort serves 20 requests (200/s); baseline fails 1 in 100, a bad canary 1 in 5
// and is 200 ms slower.
const LATENCIES = [12, 30, 40, 70, 80, 120, 200, 300, 45, 60];
const healthy = (tick: number): CohortTraffic => ({
  requests: 20,
  errors: tick % 5 === 0 ? 1 : 0,
  latencyMs: LATENCIES,
  conversions: { trials: 5, successes: 2 },
});
const bad: CohortTraffic = {
  requests: 20,
  errors: 4,
  latencyMs: LATENCIES.map((ms) => ms + 200),
  conversions: { trials: 5, successes: 2 },
};

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

describe.skipIf(!binary)("Prometheus metric source (real Prometheus)", () => {
  let demo: DemoFixture;
  let exporter: TestExporter;
  let prometheus: TestPrometheus;
  const logs: string[] = [];
  /** Ends of four healthy intervals, then two with a bad canary. */
  const ends: number[] = [];
  const reports = new Map<number, PollReport>();

  const poller = (overrides: { url?: string; queries?: PrometheusQueries; timeoutMs?: number } = {}) =>
    createPrometheusPoller(demo.services, {
      url: overrides.url ?? prometheus.url,
      intervalSeconds: INTERVAL_SECONDS,
      timeoutMs: overrides.timeoutMs ?? 3000,
      queries: overrides.queries ?? QUERIES,
      log: (line) => logs.push(line),
    });
  const checkoutSamples = (report: PollReport) =>
    report.samples.filter((s) => s.rolloutId === demo.rollouts["checkout-api"]);
  const toAnalysis = (samples: CohortSample[], stepStart: number): AnalysisSample[] =>
    samples.map((s) => ({ ...s, intervalEnd: (s.intervalEnd - stepStart) / 1000 }));

  beforeAll(async () => {
    // Intervals are real time; ingestSamples refuses samples more than 5 minutes ahead of the clock.
    demo = await createDemoFixture(new Date());
    // Rollouts only: services' whole traffic (polled for their SLOs) is prometheus-source-services.test.ts's.
    await demo.database.db.slo.deleteMany();
    exporter = await startTestExporter("checkout-api");
    prometheus = await startPrometheus(binary as string, [exporter.target]);
    const started = Date.now();
    const stopHealthy = exporter.drive((tick) => ({ baseline: healthy(tick), canary: healthy(tick) }));
    // The first window starts a second after traffic does, so it holds whole scrapes of it.
    const first = Math.ceil((started + 1000) / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS;
    for (let i = 0; i < 6; i++) ends.push(first + i * INTERVAL_MS);
    await sleepUntil((ends[3] as number) + 100);
    stopHealthy();
    const stopBad = exporter.drive((tick) => ({ baseline: healthy(tick), canary: bad }));
    await sleepUntil((ends[5] as number) + 1500);
    stopBad();
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await demo?.database.drop();
  });

  it("writes both cohorts' samples as the exporter served them, through ingestSamples", async () => {
    const source = poller();
    for (const end of ends) reports.set(end, await source.poll(end));
    for (const end of ends.slice(0, 4)) {
      const report = reports.get(end) as PollReport;
      expect(report.failures).toEqual([]);
      const samples = checkoutSamples(report);
      expect(samples.map((s) => s.cohort)).toEqual(["baseline", "canary"]);
      for (const sample of samples) {
        expect(sampleProblems(sample)).toEqual([]);
        const served = exporter.served(sample.cohort, end - INTERVAL_MS, end);
        // increase() extrapolates from the scrapes inside the window: close to, not exactly, what was served.
        expect(Math.abs(sample.requests - served.requests) / served.requests).toBeLessThan(0.1);
        expect(sample.errors / sample.requests).toBeCloseTo(served.errors / served.requests, 2);
        expect(sample.latency.bounds).toEqual([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]);
        sample.latency.counts.forEach((count, i) => {
          expect(Math.abs(count / sample.requests - (served.counts[i] ?? 0) / served.requests)).toBeLessThan(
            0.02,
          );
        });
        expect(sample.conversions?.trials).toBeGreaterThan(0);
        const conversion = (sample.conversions?.successes ?? 0) / (sample.conversions?.trials ?? 1);
        expect(conversion).toBeCloseTo(0.4, 1);
      }
      // The other demo services have no series: no samples, and not an error.
      expect(new Set(report.missing.map((m) => m.service))).toEqual(new Set(["search", "payments"]));
    }
    const stored = await demo.database.db.metricSample.count({
      where: { rolloutId: demo.rollouts["checkout-api"] },
    });
    expect(stored).toBe(ends.length * 2);
    expect(logs).toEqual([]);
  });

  it("shows a bad canary's errors and latency as the canary's, and the evaluator rolls it back", async () => {
    const last = reports.get(ends[5] as number) as PollReport;
    const [baseline, canary] = checkoutSamples(last);
    if (!baseline || !canary) throw new Error("both cohorts expected");
    expect(canary.errors / canary.requests).toBeGreaterThan(0.17);
    expect(canary.errors / canary.requests).toBeLessThan(0.23);
    expect(baseline.errors / baseline.requests).toBeLessThan(0.02);
    const over250 = (s: CohortSample) => s.latency.counts.slice(6).reduce((a, b) => a + b, 0) / s.requests;
    expect(over250(canary)).toBeGreaterThan(0.5);
    expect(over250(baseline)).toBeLessThan(0.15);

    const stepStart = (ends[0] as number) - INTERVAL_MS;
    const samples = ends.flatMap((end) => checkoutSamples(reports.get(end) as PollReport));
    const evaluation = evaluateStep({
      gates: defaultGates(),
      samples: toAnalysis(samples, stepStart),
      expectedCanaryShare: 0.5,
      intervalSeconds: INTERVAL_SECONDS,
      holdSeconds: 60,
      elapsedSeconds: 30,
    });
    expect(evaluation.decision).toBe("rollback");
    expect(evaluation.failedGates).toContain("error-rate");
  });

  it("writes no sample from NaN or empty results, and the evaluator stays inconclusive", async () => {
    const nan = await poller({
      queries: { ...QUERIES, latencyBuckets: `${QUERIES.latencyBuckets} * NaN` },
    }).poll(ends[3] as number);
    expect(nan.samples).toEqual([]);
    expect(nan.missing.filter((m) => m.service === "checkout-api").map((m) => m.reason)).toEqual([
      expect.stringMatching(/NaN/),
      expect.stringMatching(/NaN/),
    ]);
    const nanErrors = await poller({
      queries: { ...QUERIES, errors: 'label_replace(vector(NaN), "cohort", "canary", "", "")' },
    }).poll(ends[3] as number);
    expect(checkoutSamples(nanErrors).map((s) => s.cohort)).toEqual(["baseline"]);

    const empty = await poller({ queries: { ...QUERIES, latencyBuckets: "absent(up)" } }).poll(
      ends[3] as number,
    );
    expect(empty.samples).toEqual([]);
    expect(empty.failures).toEqual([]);

    // Three good intervals, then the fourth's canary lost to NaN: the hold ends without a verdict.
    const stepStart = (ends[0] as number) - INTERVAL_MS;
    const samples = [...ends.slice(0, 3).flatMap((end) => checkoutSamples(reports.get(end) as PollReport))];
    samples.push(...checkoutSamples(nanErrors));
    const evaluation = evaluateStep({
      gates: defaultGates(),
      samples: toAnalysis(samples, stepStart),
      expectedCanaryShare: 0.5,
      intervalSeconds: INTERVAL_SECONDS,
      holdSeconds: 20,
      elapsedSeconds: 20,
    });
    expect(evaluation.decision).toBe("inconclusive");
  });

  it("writes no sample and logs when Prometheus hangs or is down, and never throws", async () => {
    const hanging: Server = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      const slow = await poller({ url, timeoutMs: 300 }).poll(ends[3] as number);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(slow.samples).toEqual([]);
      expect(slow.failures.map((f) => f.error)).toEqual([
        expect.stringMatching(/no answer within 300 ms/),
        expect.stringMatching(/no answer within 300 ms/),
        expect.stringMatching(/no answer within 300 ms/),
      ]);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }

    await prometheus.stop();
    logs.length = 0;
    const down = await poller().poll((ends[5] as number) + INTERVAL_MS);
    expect(down.samples).toEqual([]);
    expect(down.failures).toHaveLength(3);
    expect(logs).toEqual([
      expect.stringMatching(/^prometheus: no samples for interval ending .*checkout-api/),
    ]);

    const stepStart = (ends[0] as number) - INTERVAL_MS;
    const samples = ends.slice(0, 3).flatMap((end) => checkoutSamples(reports.get(end) as PollReport));
    const evaluation = evaluateStep({
      gates: defaultGates(),
      samples: toAnalysis(samples, stepStart),
      expectedCanaryShare: 0.5,
      intervalSeconds: INTERVAL_SECONDS,
      holdSeconds: 20,
      elapsedSeconds: 20,
    });
    expect(evaluation.decision).toBe("inconclusive");
  });
});
