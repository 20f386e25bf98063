import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import type { ServiceSample } from "../../domain/metrics/cohort-sample";
import { sluiceRegistry } from "../../observability/sluice-metrics";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { EventBus } from "../events/event-bus";
import type { IngestResult } from "./store-once";
import { storeServiceSamples } from "./store-service-samples";

describe("storing a service's whole traffic", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const sample = () => ({
    service: "search",
    environment: "production",
    intervalEnd: demo.services.now().getTime(),
    intervalSeconds: 60,
    requests: 10,
    errors: 1,
    latency: { bounds: [100], counts: [10, 0] },
  });
  const storedRows = () =>
    demo.database.db.serviceSample.findMany({ select: { requests: true, errors: true } });

  it("refuses a batch with an invalid sample, an unknown service or environment, naming the index and field", async () => {
    await expect(
      storeServiceSamples(demo.services, [sample(), { ...sample(), errors: 11 }]),
    ).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "samples[1].errors",
      message: "samples[1].errors: must not exceed requests",
    });
    await expect(
      storeServiceSamples(demo.services, [{ ...sample(), service: "serch" }]),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: "samples[0].service",
      message: "samples[0].service: no service named serch",
    });
    // An environment search was never released to: an SLO could never read it.
    await expect(
      storeServiceSamples(demo.services, [{ ...sample(), environment: "prod" }]),
    ).rejects.toMatchObject({
      code: "BAD_INPUT",
      field: "samples[0].environment",
      message: "samples[0].environment: search has no release in prod (it has: production)",
    });
    expect(await storedRows()).toEqual([]);
  });

  it("stores each interval once: a retry is a duplicate, a corrected resend a conflict, and the first stands", async () => {
    expect(await storeServiceSamples(demo.services, [sample()])).toMatchObject({
      stored: 1,
      storedIndexes: [0],
    });
    const again = await storeServiceSamples(demo.services, [
      sample(),
      { ...sample(), errors: 2 },
      { ...sample(), intervalEnd: sample().intervalEnd - 60_000 },
    ]);
    expect(again).toMatchObject({ storedIndexes: [2], duplicateIndexes: [0], conflictIndexes: [1] });
    expect(again.conflictDetails[0]?.message).toBe(
      `samples[1]: interval ending ${new Date(sample().intervalEnd).toISOString()} of search in production ` +
        "already stored with other values (sent ≠ stored: errors 2 ≠ 1); the stored sample stands",
    );
    expect(await storedRows()).toEqual([
      { requests: 10, errors: 1 },
      { requests: 10, errors: 1 },
    ]);
    // Counted on Sluice's own /metrics too, for pushers that never read the reply.
    const counted = await sluiceRegistry.getSingleMetric("sluice_sample_conflicts_total")?.get();
    expect(counted?.values.find((v) => v.labels.sample === "service")?.value).toBe(1);
  });

  // Intervals before those of the tests above, `count` minutes apart, ending `minutesAgo` before now.
  const batchOf = (count: number, minutesAgo: number): ServiceSample[] =>
    Array.from({ length: count }, (_, i) => ({
      ...sample(),
      intervalEnd: sample().intervalEnd - (minutesAgo + i) * 60_000,
    }));

  it("round-trips a batch of 1,000: all stored, all duplicates when resent, a changed one a conflict", async () => {
    const batch = batchOf(1000, 10);
    const indexes = batch.map((_, i) => i);
    expect(await storeServiceSamples(demo.services, batch)).toMatchObject({
      storedIndexes: indexes,
      duplicates: 0,
      conflicts: 0,
    });
    expect(await storeServiceSamples(demo.services, batch)).toMatchObject({
      stored: 0,
      duplicateIndexes: indexes,
      conflicts: 0,
    });
    const changed = batch.map((s, i) =>
      i === 617 ? { ...s, requests: 11, latency: { bounds: [100], counts: [11, 0] } } : s,
    );
    const result = await storeServiceSamples(demo.services, changed);
    expect(result).toMatchObject({ stored: 0, duplicates: 999, conflictIndexes: [617] });
    expect(result.conflictDetails[0]?.fields).toEqual(["requests", "latency.counts"]);
  });

  it("stores a key repeated within a batch from its first occurrence, each later one with other values a conflict", async () => {
    const first = batchOf(500, 1500);
    const repeats = first.map((s) => ({ ...s, errors: 2 }));
    const result = await storeServiceSamples(demo.services, [...first, ...repeats]);
    expect(result.storedIndexes).toEqual(first.map((_, i) => i));
    expect(result.conflictIndexes).toEqual(repeats.map((_, i) => 500 + i));
    const ends = first.map((s) => new Date(s.intervalEnd));
    const rows = await demo.database.db.serviceSample.findMany({ where: { intervalEnd: { in: ends } } });
    expect(rows.filter((r) => r.errors !== 1)).toEqual([]);
  });

  it.each([
    ["in the same order", 2000, (batch: ServiceSample[]) => batch],
    // Their inserts would take the keys' locks in opposite orders: each waiting for the other.
    ["in opposite orders", 3000, (batch: ServiceSample[]) => [...batch].reverse()],
  ])(
    "stores one row per key when two instances push a batch at once %s, each sample stored or duplicate",
    async (_, minutesAgo, order) => {
      const pushed = [batchOf(500, minutesAgo), order(batchOf(500, minutesAgo))];
      const other = { ...demo.services, db: createDb(demo.database.url), events: new EventBus() };
      try {
        const results = await racing(demo.database.url, [
          () => storeServiceSamples(demo.services, pushed[0] ?? []),
          () => storeServiceSamples(other, pushed[1] ?? []),
        ]);
        // Each interval stored by one push and a duplicate in the other.
        const intervals = (pick: (r: IngestResult) => number[]) =>
          results.flatMap((r, i) => pick(r).map((index) => pushed[i]?.[index]?.intervalEnd)).sort();
        const all = pushed[0]?.map((s) => s.intervalEnd).sort();
        expect(intervals((r) => r.storedIndexes)).toEqual(all);
        expect(intervals((r) => r.duplicateIndexes)).toEqual(all);
        expect(intervals((r) => r.conflictIndexes)).toEqual([]);
        const ends = all?.map((end) => new Date(end));
        expect(await demo.database.db.serviceSample.count({ where: { intervalEnd: { in: ends } } })).toBe(
          500,
        );
      } finally {
        await other.db.$disconnect();
      }
    },
  );
});

/**
 * Runs the pushes with ServiceSample locked against inserts until each waits at its insert, then lets
 * them all go: their inserts of the same keys overlap, as two instances' would at worst.
 */
async function racing<T>(url: string, pushes: (() => Promise<T>)[]): Promise<T[]> {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  try {
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "ServiceSample" IN SHARE ROW EXCLUSIVE MODE');
    const all = Promise.allSettled(pushes.map((push) => push()));
    let settled = false;
    void all.then(() => {
      settled = true;
    });
    while (!settled && (await waitingInserts(locker)) < pushes.length) await sleep(5);
    await locker.query("COMMIT");
    return (await all).map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
  } finally {
    await locker.end();
  }
}

async function waitingInserts(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ waiting: number }>(
    `SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = '"ServiceSample"'::regclass AND NOT granted`,
  );
  return rows[0]?.waiting ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
