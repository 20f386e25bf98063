import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { createMetricSource } from "./metric-source";
import { DEFAULT_PROMETHEUS_QUERIES } from "./prometheus-queries";

describe("createMetricSource", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("builds the configured source, which starts once and stops cleanly", async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const sources = [
      createMetricSource(
        demo.services,
        { kind: "simulator", intervalSeconds: 10, requestsPerSecond: 100 },
        log,
      ),
      createMetricSource(demo.services, { kind: "push" }, log),
      createMetricSource(
        demo.services,
        {
          kind: "prometheus",
          url: "http://127.0.0.1:9",
          intervalSeconds: 30,
          queryDelaySeconds: 5,
          timeoutMs: 1000,
          queries: DEFAULT_PROMETHEUS_QUERIES,
        },
        log,
      ),
    ];
    expect(sources.map((s) => s.kind)).toEqual(["simulator", "push", "prometheus"]);
    for (const source of sources) {
      source.start();
      source.start();
      await source.stop();
      await source.stop();
    }
    expect(lines).toEqual([]);
    expect(await demo.database.db.metricSample.count()).toBe(0);
  });
});
