import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sluiceRegistry } from "../../observability/sluice-metrics";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
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
});
