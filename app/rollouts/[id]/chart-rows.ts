import type { StepBoundary, VerdictMarker } from "../../../server/domain/charts/chart-marks";
import { stepInEffect } from "../../../server/domain/charts/chart-marks";
import { type ChartMetric, type GateMargin, marginLine } from "../../../server/domain/charts/gate-margin";
import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";
import { VERDICT_ICONS } from "./verdict-icons";

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
  /** The nearest row, which draws the marker (one series of dots renders far faster than many overlays). */
  rowT: number;
  /** Height on the chart: the canary's value at the nearest row (the baseline's, or 0, without one). */
  y: number;
  /** Whether the marker's word fits before the next marker; the newest always has it. */
  worded: boolean;
}

/** The share of the time axis a verdict's word takes on a dashboard chart ("inconclusive" at 10 px). */
const WORD_SHARE_OF_AXIS = 0.2;

/**
 * This metric's newest `limit` verdict markers within the rows' span, each on the nearest row at its
 * height (more would hide the lines; the verdict feed lists every judgement). Every marker has its glyph;
 * the word only where it does not run into the next marker.
 */
export function placeVerdicts(
  rows: readonly ChartRow[],
  verdicts: readonly VerdictMarker[],
  metric: ChartMetric,
  from: number,
  limit = 20,
): PlacedVerdict[] {
  const last = rows.at(-1);
  if (!last) return [];
  const placed = verdicts
    .filter((v) => v.metric === metric && v.t >= from && v.t <= last.t)
    .slice(-limit)
    .map((v) => {
      const nearest = rows.reduce((best, row) =>
        Math.abs(row.t - v.t) < Math.abs(best.t - v.t) ? row : best,
      );
      return { ...v, rowT: nearest.t, y: nearest.canary ?? nearest.baseline ?? 0 };
    });
  const axis = Math.max(last.t - from, 1);
  return placed.map((v, i) => {
    const next = placed[i + 1];
    return { ...v, worded: !next || (next.rowT - v.rowT) / axis >= WORD_SHARE_OF_AXIS };
  });
}

/** The chart told in one paragraph, for screen readers and for a glance on a phone. */
export function chartSummary(input: {
  rows: readonly ChartRow[];
  boundaries: readonly StepBoundary[];
  verdicts: readonly PlacedVerdict[];
  format: (v: number) => string;
  clock: (t: number) => string;
  failsWhen: "above" | "below";
}): string {
  const { format, clock } = input;
  const latest = input.rows.findLast((r) => r.canary !== null || r.baseline !== null);
  if (!latest) return "No data yet.";
  const value = (v: number | null) => (v === null ? "no data" : format(v));
  const parts = [
    `Latest at ${clock(latest.t)}: canary ${value(latest.canary)}, baseline ${value(latest.baseline)}`,
  ];
  parts.push(
    latest.threshold === null
      ? "no gate margin (no step's gates judge this interval)"
      : `gate margin ${format(latest.threshold)} (canary ${input.failsWhen} it fails)`,
  );
  const step = input.boundaries.at(-1);
  const stepText = step ? `${step.label} since ${clock(step.t)}.` : "";
  const last = input.verdicts.at(-1);
  const verdictText = last
    ? `${input.verdicts.length} verdict change${input.verdicts.length === 1 ? "" : "s"}; latest ${VERDICT_ICONS[last.verdict]} ${last.verdict} at ${clock(last.t)}.`
    : "No gate verdict yet.";
  return [`${parts.join(", ")}.`, stepText, verdictText].filter(Boolean).join(" ");
}
