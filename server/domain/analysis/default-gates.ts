import type { GateConfig } from "./gate-config";

/**
 * The gates every canary step gets unless its plan says otherwise. Margins are what a change must exceed to
 * matter: a regression smaller than both the relative and absolute margin neither fails nor blocks a pass.
 */
export function defaultGates(): GateConfig[] {
  return [
    {
      name: "error-rate",
      metric: "error-rate",
      badDirection: "higher",
      minRelativeChange: 0.25,
      minAbsoluteChange: 0.0007,
      minSamples: 50,
      critical: true,
    },
    {
      name: "latency-p95",
      metric: "latency-p95",
      badDirection: "higher",
      minRelativeChange: 0.15,
      minAbsoluteChange: 5,
      minSamples: 50,
      critical: true,
    },
    {
      name: "latency-p99",
      metric: "latency-p99",
      badDirection: "higher",
      minRelativeChange: 0.2,
      minAbsoluteChange: 10,
      minSamples: 50,
      critical: true,
    },
    {
      name: "latency-shift",
      metric: "latency-shift",
      badDirection: "higher",
      minRelativeChange: 0.12,
      minAbsoluteChange: 2,
      minSamples: 50,
      critical: true,
    },
    {
      name: "conversion",
      metric: "conversion",
      badDirection: "lower",
      minRelativeChange: 0.08,
      minAbsoluteChange: 0.002,
      minSamples: 30,
      critical: true,
    },
  ];
}
