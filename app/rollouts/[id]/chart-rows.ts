import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";

export type ChartMetric = "errorRate" | "p95" | "p99" | "conversion";

export interface ChartRow {
  t: number;
  baseline: number | null;
  canary: number | null;
}

/** Merges newly arrived points into the known ones, one point per (interval, cohort), oldest first. */
export function mergePoints(known: SeriesPoint[], arrived: SeriesPoint[]): SeriesPoint[] {
  const byKey = new Map(known.map((p) => [`${p.t}|${p.cohort}`, p]));
  for (const point of arrived) byKey.set(`${point.t}|${point.cohort}`, point);
  return [...byKey.values()].sort((a, b) => a.t - b.t || a.cohort.localeCompare(b.cohort));
}

/** Baseline and canary side by side per interval for one metric, ready for a recharts line chart. */
export function toChartRows(points: SeriesPoint[], metric: ChartMetric): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const point of points) {
    const row = rows.get(point.t) ?? { t: point.t, baseline: null, canary: null };
    row[point.cohort] = point[metric];
    rows.set(point.t, row);
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}
