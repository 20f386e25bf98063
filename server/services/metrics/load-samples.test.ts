import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CohortSample } from "../../domain/metrics/cohort-sample";
import { createTestDatabase, type TestDatabase } from "../../testing/test-database";
import { COHORT_ROWS, sampleRows } from "./insert-sample-rows";
import { loadSamples } from "./load-samples";

describe("loadSamples", () => {
  let database: TestDatabase;
  let rolloutId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const service = await database.db.service.create({ data: { name: "cart" } });
    const release = await database.db.release.create({
      data: { serviceId: service.id, environment: "prod", version: "1.0.0", artifact: "cart:1.0.0" },
    });
    const rollout = await database.db.rollout.create({
      data: { serviceId: service.id, releaseId: release.id, mechanism: "canary", steps: [], state: "draft" },
    });
    rolloutId = rollout.id;
  });
  afterAll(() => database.drop());

  it("reads back exactly what was stored, oldest first, after the given time only", async () => {
    const at = (iso: string) => Date.parse(iso);
    const stored: CohortSample[] = [
      {
        rolloutId,
        cohort: "canary",
        intervalEnd: at("2026-11-27T10:00:20.125Z"),
        intervalSeconds: 10,
        requests: 7,
        errors: 0,
        latency: { bounds: [12.5, 250, 1e4], counts: [3, 4, 0, 0] },
        conversions: null,
      },
      {
        rolloutId,
        cohort: "baseline",
        intervalEnd: at("2026-11-27T10:00:10Z"),
        intervalSeconds: 10,
        requests: 90,
        errors: 3,
        latency: { bounds: [0.5, 250, 1e4], counts: [80, 8, 1, 1] },
        conversions: { successes: 0, trials: 12 },
      },
      {
        rolloutId,
        cohort: "baseline",
        intervalEnd: at("2026-11-27T10:00:20.125Z"),
        intervalSeconds: 10,
        requests: 95,
        errors: 2,
        latency: { bounds: [12.5, 250, 1e4], counts: [90, 5, 0, 0] },
        conversions: { successes: 4, trials: 20 },
      },
    ];
    await sampleRows(database.db, COHORT_ROWS).insert(stored);
    const [canary, firstBaseline, secondBaseline] = stored;

    expect(await loadSamples(database.db, rolloutId)).toEqual([firstBaseline, secondBaseline, canary]);
    // Strictly after: a step that started at 10:00:10 does not see the interval that ended then.
    expect(await loadSamples(database.db, rolloutId, at("2026-11-27T10:00:10Z"))).toEqual([
      secondBaseline,
      canary,
    ]);
    expect(await loadSamples(database.db, "no-such-rollout")).toEqual([]);
  });
});
