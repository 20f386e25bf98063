import { describe, expect, it } from "vitest";
import type { GateMetric } from "./gate-config";
import type { JudgedGate } from "./gate-verdict";
import { poolCriticalEvidence } from "./pooled-evidence";

function gate(metric: GateMetric, evidence: number, more: Partial<JudgedGate> = {}): JudgedGate {
  return {
    gate: metric,
    metric,
    critical: true,
    verdict: "inconclusive",
    evidence,
    pastMargin: true,
    detail: `evidence ×${evidence}; inconclusive`,
    ...more,
  };
}

describe("poolCriticalEvidence", () => {
  it("fails latency gates past their margins whose e-values sum to 1/α, and says so", () => {
    const pooled = poolCriticalEvidence(
      [gate("latency-p95", 60), gate("latency-shift", 50), gate("latency-p99", 0.5)],
      0.01,
    );
    expect(pooled.map((g) => g.verdict)).toEqual(["fail", "fail", "inconclusive"]);
    expect(pooled[0]?.detail).toBe(
      "evidence ×60; pooled with latency-shift: evidence ×110 (fails at ×100); fail",
    );
    expect(pooled.some((g) => "pastMargin" in g)).toBe(false);
  });

  it("leaves the gates alone when the sum stays below 1/α", () => {
    const pooled = poolCriticalEvidence([gate("latency-p95", 60), gate("latency-shift", 39)], 0.01);
    expect(pooled.map((g) => g.verdict)).toEqual(["inconclusive", "inconclusive"]);
  });

  it("pools only critical latency gates whose change is past the margin", () => {
    const cases: JudgedGate[][] = [
      [gate("error-rate", 60), gate("latency-p95", 60)],
      [gate("latency-p95", 60), gate("latency-p99", 60, { critical: false })],
      [gate("latency-p95", 60), gate("latency-p99", 60, { pastMargin: false })],
    ];
    for (const gates of cases) {
      expect(poolCriticalEvidence(gates, 0.01).map((g) => g.verdict)).toEqual([
        "inconclusive",
        "inconclusive",
      ]);
    }
  });

  it("adds nothing once a critical gate fails on its own", () => {
    const pooled = poolCriticalEvidence(
      [gate("latency-p95", 60), gate("latency-shift", 150, { verdict: "fail" })],
      0.01,
    );
    expect(pooled.map((g) => g.verdict)).toEqual(["inconclusive", "fail"]);
  });
});
