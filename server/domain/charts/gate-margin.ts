import type { GateConfig, GateMetric } from "../analysis/gate-config";

/** The four metrics the rollout screen charts, named as SeriesPoint names them. */
export type ChartMetric = "errorRate" | "p95" | "p99" | "conversion";

/** latency-shift judges the whole distribution, which no single line shows, so it has no chart. */
const CHART_OF_GATE: Record<GateMetric, ChartMetric | null> = {
  "error-rate": "errorRate",
  "latency-p95": "p95",
  "latency-p99": "p99",
  "latency-shift": null,
  conversion: "conversion",
};

export function chartMetricOf(metric: GateMetric): ChartMetric | null {
  return CHART_OF_GATE[metric];
}

/** What a gate tolerates, without the rest of its configuration. */
export type GateMargin = Pick<GateConfig, "badDirection" | "minRelativeChange" | "minAbsoluteChange">;

/** Proportions cannot leave [0, 1]; latencies only cannot go below 0. */
const IS_PROPORTION: Record<ChartMetric, boolean> = {
  errorRate: true,
  p95: false,
  p99: false,
  conversion: true,
};

/**
 * The line a canary must cross to be worse by both margins, the same line the gates judge against:
 * max(b·(1+rel), b+abs) when higher is bad, min(b·(1−rel), b−abs) when lower is bad.
 */
export function marginLine(metric: ChartMetric, margin: GateMargin, baseline: number): number {
  const line =
    margin.badDirection === "higher"
      ? Math.max(baseline * (1 + margin.minRelativeChange), baseline + margin.minAbsoluteChange)
      : Math.min(baseline * (1 - margin.minRelativeChange), baseline - margin.minAbsoluteChange);
  const ceiling = IS_PROPORTION[metric] ? 1 : Number.POSITIVE_INFINITY;
  return Math.min(ceiling, Math.max(0, line));
}

/** Each charted metric's margin from a step's gates; a metric without a gate has none. */
export function marginsOf(gates: readonly GateConfig[]): Partial<Record<ChartMetric, GateMargin>> {
  const margins: Partial<Record<ChartMetric, GateMargin>> = {};
  for (const gate of gates) {
    const metric = chartMetricOf(gate.metric);
    if (!metric || margins[metric]) continue;
    margins[metric] = {
      badDirection: gate.badDirection,
      minRelativeChange: gate.minRelativeChange,
      minAbsoluteChange: gate.minAbsoluteChange,
    };
  }
  return margins;
}
