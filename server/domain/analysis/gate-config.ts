/**
 * How one gate judges the canary against the baseline. Stored with each plan step.
 * "latency-shift" compares the whole latency distribution (a rank test), for slowdowns that barely move
 * p95/p99; its margins apply to the median.
 */
export type GateMetric = "error-rate" | "latency-p95" | "latency-p99" | "latency-shift" | "conversion";

export interface GateConfig {
  /** Stable name shown in verdicts and audit events, e.g. "error-rate". */
  name: string;
  metric: GateMetric;
  /** Which direction of change is a regression. */
  badDirection: "higher" | "lower";
  /** Smallest relative change that matters (0.2 = 20% worse than baseline). */
  minRelativeChange: number;
  /** Smallest absolute change that matters, in the metric's unit (a proportion, or ms). */
  minAbsoluteChange: number;
  /** Fewer canary observations than this (requests, or trials for conversion) is inconclusive. */
  minSamples: number;
  /** A failing critical gate rolls the canary back at once. */
  critical: boolean;
}
