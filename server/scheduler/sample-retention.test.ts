import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrunedSamples } from "../services/metrics/prune-samples";
import { insertTestSamples } from "../services/slo/insert-test-samples";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { startSampleRetention } from "./sample-retention";

const DAY = 86_400_000;

describe("sample retention", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("prunes as soon as it starts, without waiting for its first hour", async () => {
    const id = demo.rollouts.search as string;
    await demo.database.db.rollout.update({ where: { id }, data: { state: "aborted", phase: null } });
    const now = demo.services.now().getTime();
    // Outside the demo SLOs' 30-day window and the 7-day retention.
    await insertTestSamples(demo.database.db, id, [{ at: now - 31 * DAY, requests: 10, errors: 0 }]);
    const pruned: PrunedSamples[] = [];
    const errors: unknown[] = [];
    const retention = startSampleRetention(demo.services, {
      retentionDays: 7,
      intervalMs: 3_600_000,
      onPruned: (p) => pruned.push(p),
      onError: (e) => errors.push(e),
    });
    await retention.settled();
    await retention.stop();
    expect(errors).toEqual([]);
    expect(pruned).toEqual([{ cohort: 1, service: 0 }]);
    expect(await demo.database.db.metricSample.count({ where: { rolloutId: id } })).toBe(0);
  });
});
