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
    expect(await ingestSamples(demo.services, [sample()])).toEqual({
      stored: 1,
      storedIndexes: [0],
      duplicates: 0,
      duplicateIndexes: [],
      conflicts: 0,
      conflictIndexes: [],
      conflictDetails: [],
    });
    expect(await ingestSamples(demo.services, [sample(), sample({ cohort: "baseline" })])).toEqual({
      stored: 1,
      storedIndexes: [1],
      duplicates: 1,
      duplicateIndexes: [0],
      conflicts: 0,
      conflictIndexes: [],
      conflictDetails: [],
    });
    const series = await listSeries(demo.services, demo.rollouts["checkout-api"] as string);
    expect(series.map((p) => p.cohort)).toEqual(["baseline", "canary"]);
    expect(series[1]).toMatchObject({ errorRate: 0.1, p95: 190, requests: 10 });
  });

  it("refuses a batch with a sample from the future (seconds read as milliseconds, say), storing none of it", async () => {
    const before = await demo.database.db.metricSample.count();
    const now = demo.services.now().getTime();
    const batch = [
      sample({ intervalEnd: now }),
      sample({ cohort: "baseline", intervalEnd: now * 1000 }),
      sample({ cohort: "baseline", intervalEnd: now + 6 * 60_000 }),
    ];
    await expect(ingestSamples(demo.services, batch)).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "samples[1].intervalEnd",
      message: expect.stringMatching(
        /^samples\[1\]\.intervalEnd: .* is more than 5 minutes ahead of this server's clock .*; samples\[2\]\.intervalEnd:/,
      ),
    });
    expect(await demo.database.db.metricSample.count()).toBe(before);
    // Within the allowance for clock drift, it is stored.
    expect((await ingestSamples(demo.services, [sample({ intervalEnd: now + 4 * 60_000 })])).stored).toBe(1);
  });

  it("reports a corrected resend as a conflict naming the differing fields, and keeps the stored sample", async () => {
    const intervalEnd = Date.parse("2026-11-27T10:01:00Z");
    const first = sample({
      intervalEnd,
      requests: 118,
      errors: 2,
      latency: { bounds: [100], counts: [100, 18] },
    });
    expect((await ingestSamples(demo.services, [first])).stored).toBe(1);
    const published: number[] = [];
    const stop = demo.services.events.subscribe("samples.ingested", (event) =>
      published.push(...event.points.map((p) => p.requests)),
    );
    const corrected = { ...first, requests: 120, latency: { bounds: [100], counts: [102, 18] } };
    const result = await ingestSamples(demo.services, [corrected]);
    stop();
    const rolloutId = demo.rollouts["checkout-api"] as string;
    expect(result).toEqual({
      stored: 0,
      storedIndexes: [],
      duplicates: 0,
      duplicateIndexes: [],
      conflicts: 1,
      conflictIndexes: [0],
      conflictDetails: [
        {
          index: 0,
          fields: ["requests", "latency.counts"],
          message:
            `samples[0]: interval ending 2026-11-27T10:01:00.000Z of canary (rollout ${rolloutId}) already ` +
            "stored with other values (sent ≠ stored: requests 120 ≠ 118, latency.counts [102,18] ≠ [100,18]); " +
            "the stored sample stands",
        },
      ],
    });
    expect(published).toEqual([]);
    const rows = await demo.database.db.metricSample.findMany({
      where: { intervalEnd: new Date(intervalEnd) },
    });
    expect(rows).toMatchObject([{ cohort: "canary", requests: 118, errors: 2, latencyCounts: [100, 18] }]);
    // Resending what is stored is still an idempotent duplicate.
    expect(await ingestSamples(demo.services, [{ ...first }])).toMatchObject({
      stored: 0,
      duplicateIndexes: [0],
      conflictIndexes: [],
    });
  });

  it("names each index of a mixed batch as stored, duplicate or conflict", async () => {
    const intervalEnd = Date.parse("2026-11-27T10:02:00Z");
    await ingestSamples(demo.services, [
      sample({ intervalEnd }),
      sample({ intervalEnd, cohort: "baseline" }),
    ]);
    const next = intervalEnd + 10_000;
    const batch = [
      sample({ intervalEnd, cohort: "baseline" }),
      sample({ intervalEnd: next }),
      sample({ intervalEnd, errors: 0 }),
      sample({ intervalEnd, conversions: { successes: 1, trials: 4 } }),
      sample({ intervalEnd: next, cohort: "baseline" }),
    ];
    const result = await ingestSamples(demo.services, batch);
    expect(result).toMatchObject({
      stored: 2,
      storedIndexes: [1, 4],
      duplicates: 1,
      duplicateIndexes: [0],
      conflicts: 2,
      conflictIndexes: [2, 3],
    });
    expect(result.conflictDetails.map((c) => [c.index, c.fields])).toEqual([
      [2, ["errors"]],
      [3, ["conversions"]],
    ]);
    expect(result.conflictDetails[0]?.message).toMatch(
      /^samples\[2\]: interval ending 2026-11-27T10:02:00\.000Z of canary .*\(sent ≠ stored: errors 0 ≠ 1\)/,
    );
    expect(result.conflictDetails[1]?.message).toContain("conversions 1/4 ≠ none");
    const rows = await demo.database.db.metricSample.findMany({
      where: { intervalEnd: new Date(intervalEnd) },
    });
    expect(rows.map((r) => [r.cohort, r.errors, r.conversionTrials]).sort()).toEqual([
      ["baseline", 1, null],
      ["canary", 1, null],
    ]);
  });

  it("stores every column of a batch with one row per key, a key repeated in the batch once", async () => {
    const intervalEnd = Date.parse("2026-11-27T10:04:00.123Z");
    const batch = [
      sample({ intervalEnd, requests: 7, errors: 0, latency: { bounds: [12.5], counts: [3, 4] } }),
      sample({ intervalEnd, cohort: "baseline", conversions: { successes: 2, trials: 9 } }),
      sample({ intervalEnd, requests: 8, errors: 0, latency: { bounds: [12.5], counts: [4, 4] } }),
    ];
    const published: number[] = [];
    const stop = demo.services.events.subscribe("samples.ingested", (event) =>
      published.push(...event.points.map((p) => p.requests)),
    );
    const result = await ingestSamples(demo.services, batch);
    stop();
    // The repeat differs from the occurrence stored, so it is a conflict naming that one.
    expect(result).toMatchObject({ stored: 2, storedIndexes: [0, 1], duplicates: 0, conflictIndexes: [2] });
    expect(result.conflictDetails[0]?.message).toMatch(
      /^samples\[2\]: .* already stored by samples\[0\] of this batch with other values \(sent ≠ stored: requests 8 ≠ 7, latency\.counts \[4,4\] ≠ \[3,4\]\)/,
    );
    expect(published.sort((a, b) => a - b)).toEqual([7, 10]);
    const rows = await demo.database.db.metricSample.findMany({
      where: { intervalEnd: new Date(intervalEnd) },
      orderBy: { cohort: "asc" },
    });
    expect(rows).toMatchObject([
      { cohort: "baseline", requests: 10, errors: 1, conversionSuccesses: 2, conversionTrials: 9 },
      {
        cohort: "canary",
        intervalSeconds: 10,
        requests: 7,
        errors: 0,
        latencyBoundsMs: [12.5],
        latencyCounts: [3, 4],
        conversionSuccesses: null,
        conversionTrials: null,
      },
    ]);
    expect(rows.map((r) => r.intervalEnd.toISOString())).toEqual([
      "2026-11-27T10:04:00.123Z",
      "2026-11-27T10:04:00.123Z",
    ]);
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
