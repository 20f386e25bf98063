import { describe, expect, it } from "vitest";
import { describeObjective, parseSloDefinition } from "./slo-definition";

const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000];

describe("an SLO definition", () => {
  it("defaults to a 30-day window and describes itself", () => {
    const slo = parseSloDefinition({ name: "availability", kind: "availability", objective: 0.995 }, null);
    expect(slo).toEqual({
      name: "availability",
      kind: "availability",
      objective: 0.995,
      windowDays: 30,
      latencyThresholdMs: null,
    });
    expect(describeObjective(slo)).toBe("99.5% of requests without error over 30d");
    const latency = parseSloDefinition(
      { name: "latency-250ms", kind: "latency", objective: 0.99, windowDays: 7, latencyThresholdMs: 250 },
      BOUNDS,
    );
    expect(describeObjective(latency)).toBe("99% of requests ≤ 250 ms over 7d");
  });

  it("refuses what cannot be judged, naming the field", () => {
    const base = { name: "latency", kind: "latency", objective: 0.99, latencyThresholdMs: 250 };
    const field = (input: Parameters<typeof parseSloDefinition>[0], bounds: number[] | null = BOUNDS) => {
      try {
        parseSloDefinition(input, bounds);
        return null;
      } catch (error) {
        return (error as { code: string; field: string }).field;
      }
    };
    expect(field(base)).toBeNull();
    expect(field({ ...base, name: "Latency SLO" })).toBe("name");
    expect(field({ ...base, kind: "throughput" })).toBe("kind");
    expect(field({ ...base, objective: 1 })).toBe("objective");
    expect(field({ ...base, objective: 0 })).toBe("objective");
    expect(field({ ...base, windowDays: 0.5 })).toBe("windowDays");
    expect(field({ ...base, windowDays: 91 })).toBe("windowDays");
    expect(field({ ...base, latencyThresholdMs: 300 })).toBe("latencyThresholdMs");
    expect(field({ ...base, latencyThresholdMs: 300 }, null)).toBeNull();
    expect(field({ ...base, latencyThresholdMs: null })).toBe("latencyThresholdMs");
    expect(field({ ...base, kind: "availability" })).toBe("latencyThresholdMs");
  });
});
