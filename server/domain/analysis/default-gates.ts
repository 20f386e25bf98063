import type { GateConfig } from "./gate-config";

/**
 * The gates every step gets unless its plan says otherwise: error rate, latency p95 and p99, and the
 * conversion rate, each judged canary against baseline. Conversion is not critical: a dip pauses for a
 * human rather than rolling back on its own.
 */
export function defaultGates(): GateConfig[] {
  return [
    {
      name: "error-rate",
      metric: "error-rate",
      badDirection: "higher",
      minRelativeChange: 0.5,
      minAbsoluteChange: 0.002,
      minSamples: 200,
      critical: true,
    },
    {
      name: "latency-p95",
      metric: "latency-p95",
      badDirection: "higher",
      minRelativeChange: 0.15,
      minAbsoluteChange: 10,
      minSamples: 200,
      critical: true,
    },
    {
      name: "latency-p99",
      metric: "latency-p99",
      badDirection: "higher",
      minRelativeChange: 0.2,
      minAbsoluteChange: 20,
      minSamples: 500,
      critical: true,
    },
    {
      name: "conversion",
      metric: "conversion",
      badDirection: "lower",
      minRelativeChange: 0.1,
      minAbsoluteChange: 0.005,
      minSamples: 300,
      critical: false,
    },
  ];
}
