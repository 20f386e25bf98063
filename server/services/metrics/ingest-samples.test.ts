import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CohortSample } from "../../domain/metrics/cohort-sample";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { ingestSamples } from "./ingest-samples";
import { listSeries } from "./list-series";

describe("ingestSamples", () => {
  let demo: DemoFixture;
  const sample = (overrides: Partial<CohortSample> = {}): CohortSample => ({
    rolloutId: demo.rollouts["checkout-api"] as string,
    cohort: "canary",
    intervalEnd: Date.parse("2026-11-27T10:00:10Z"),
    intervalSeconds: 10,
    requests: 10,
    errors: 1,
    latency: { bounds: [100, 200], counts: [5, 5, 0] },
    conversions: null,
    ...overrides,
  });

  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("stores a sample once however often the batch is retried", async () => {
    expect(await ingestSamples(demo.services, [sample()])).toEqual({ stored: 1, duplicates: 0 });
    expect(await ingestSamples(demo.services, [sample(), sample({ cohort: "baseline" })])).toEqual({
      stored: 1,
      duplicates: 1,
    });
    const series = await listSeries(demo.services, demo.rollouts["checkout-api"] as string);
    expect(series.map((p) => p.cohort)).toEqual(["baseline", "canary"]);
    expect(series[1]).toMatchObject({ errorRate: 0.1, p95: 190, requests: 10 });
  });

  it("refuses a batch with an invalid sample whole, naming the index and field", async () => {
    const later = Date.parse("2026-11-27T10:00:20Z");
    const batch = [
      sample({ intervalEnd: later }),
      sample({ intervalEnd: later, cohort: "baseline", errors: 11 }),
    ];
    await expect(ingestSamples(demo.services, batch)).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "samples[1].errors",
      message: "samples[1].errors: must not exceed requests",
    });
    expect(await demo.database.db.metricSample.count({ where: { intervalEnd: new Date(later) } })).toBe(0);
  });

  it("names a sample whose rollout does not exist, storing nothing", async () => {
    const later = Date.parse("2026-11-27T10:00:30Z");
    const batch = [
      sample({ intervalEnd: later }),
      sample({ intervalEnd: later, rolloutId: "no-such-rollout" }),
    ];
    await expect(ingestSamples(demo.services, batch)).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: "samples[1].rolloutId",
    });
    expect(await demo.database.db.metricSample.count({ where: { intervalEnd: new Date(later) } })).toBe(0);
  });
});
