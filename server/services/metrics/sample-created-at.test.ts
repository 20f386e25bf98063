import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { EventBus } from "../events/event-bus";
import { ingestSamples } from "./ingest-samples";
import { storeServiceSamples } from "./store-service-samples";

/** Samples are inserted with raw SQL; their createdAt must still be UTC, as Prisma writes every other row. */
describe("a stored sample's createdAt", () => {
  let demo: DemoFixture;
  let db: Db;
  beforeAll(async () => {
    demo = await createDemoFixture(new Date());
    // A database far from UTC: a column default of CURRENT_TIMESTAMP would be nine hours off.
    await demo.database.db.$executeRawUnsafe(
      `ALTER DATABASE "${new URL(demo.database.url).pathname.slice(1)}" SET timezone = 'Asia/Tokyo'`,
    );
    db = createDb(demo.database.url);
  });
  afterAll(async () => {
    await db.$disconnect();
    await demo.database.drop();
  });

  it("is UTC whatever the database's time zone, for cohort and service samples", async () => {
    const ctx = { db, events: new EventBus(), now: () => new Date() };
    const before = Date.now();
    const traffic = { intervalEnd: before - 60_000, intervalSeconds: 60, requests: 10, errors: 0 };
    const latency = { bounds: [100], counts: [10, 0] };
    await storeServiceSamples(ctx, [{ service: "search", environment: "production", ...traffic, latency }]);
    const rolloutId = demo.rollouts.search as string;
    await ingestSamples(ctx, [{ rolloutId, cohort: "canary", ...traffic, latency, conversions: null }]);
    const stored = [
      await db.serviceSample.findFirstOrThrow({ select: { createdAt: true } }),
      await db.metricSample.findFirstOrThrow({ select: { createdAt: true } }),
    ];
    for (const { createdAt } of stored) expect(Math.abs(createdAt.getTime() - before)).toBeLessThan(60_000);
  });
});
