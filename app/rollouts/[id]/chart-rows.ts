import type { StepBoundary, VerdictMarker } from "../../../server/domain/charts/chart-marks";
import { stepInEffect } from "../../../server/domain/charts/chart-marks";
import { type ChartMetric, type GateMargin, marginLine } from "../../../server/domain/charts/gate-margin";
import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";

export type { ChartMetric };

export interface ChartRow {
  t: number;
  baseline: number | null;
  canary: number | null;
  /** The gate's margin line from this interval's baseline, while a step's gates judge it. */
  threshold: number | null;
  /** From the baseline to the margin line: how far the canary may drift before it matters. */
  band: [number, number] | null;
}

/** The server's chart marks that shape rows: each step's margins and when each step began. */
export interface MarginSource {
  steps: readonly { margins: Partial<Record<ChartMetric, GateMargin>> }[];
  boundaries: readonly StepBoundary[];
}

/** Merges newly arrived points into the known ones, one point per (interval, cohort), oldest first. */
export function mergePoints(known: SeriesPoint[], arrived: SeriesPoint[]): SeriesPoint[] {
  const byKey = new Map(known.map((p) => [`${p.t}|${p.cohort}`, p]));
  for (const point of arrived) byKey.set(`${point.t}|${point.cohort}`, point);
  return [...byKey.values()].sort((a, b) => a.t - b.t || a.cohort.localeCompare(b.cohort));
}

/**
 * Baseline and canary side by side per interval for one metric, ready for a recharts chart, with the
 * margin line of the step whose gates judged each interval.
 */
export function toChartRows(points: SeriesPoint[], metric: ChartMetric, marks?: MarginSource): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const point of points) {
    const row = rows.get(point.t) ?? {
      t: point.t,
      baseline: null,
      canary: null,
      threshold: null,
      band: null,
    };
    row[point.cohort] = point[metric];
    rows.set(point.t, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.t - b.t);
  if (!marks) return sorted;
  return sorted.map((row) => {
    const step = stepInEffect(marks.boundaries, row.t);
    const margin = step === null ? undefined : marks.steps[step]?.margins[metric];
    if (row.baseline === null || !margin) return row;
    const threshold = marginLine(metric, margin, row.baseline);
    return {
      ...row,
      threshold,
      band: [Math.min(row.baseline, threshold), Math.max(row.baseline, threshold)],
    };
  });
}

/**
 * The time axis: the rows' span, reaching back to the boundary of the step already live when the first
 * row arrived (so it is labelled), with the boundaries that fall inside it. Null without rows.
 */
export function timeAxis(
  rows: readonly ChartRow[],
  boundaries: readonly StepBoundary[],
): { from: number; to: number; boundaries: StepBoundary[] } | null {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return null;
  const live = boundaries.filter((b) => b.t <= first.t).at(-1);
  const from = Math.min(first.t, live?.t ?? first.t);
  return { from, to: last.t, boundaries: boundaries.filter((b) => b.t >= from && b.t <= last.t) };
}

export interface PlacedVerdict extends VerdictMarker {
  /** Height on the chart: the canary's value at the nearest row (the baseline's, or 0, without one). */
  y: number;
}

/** This metric's verdict markers within the rows' span, each at the height of the nearest row. */
export function placeVerdicts(
  rows: readonly ChartRow[],
  verdicts: readonly VerdictMarker[],
  metric: ChartMetric,
  from: number,
): PlacedVerdict[] {
  const last = rows.at(-1);
  if (!last) return [];
  return verdicts
    .filter((v) => v.metric === metric && v.t >= from && v.t <= last.t)
    .map((v) => {
      const nearest = rows.reduce((best, row) =>
        Math.abs(row.t - v.t) < Math.abs(best.t - v.t) ? row : best,
      );
      return { ...v, y: nearest.canary ?? nearest.baseline ?? 0 };
    });
}
