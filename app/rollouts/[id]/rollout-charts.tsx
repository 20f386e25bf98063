"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { appendVerdicts } from "../../../server/domain/charts/chart-marks";
import type { SeriesPoint } from "../../../server/domain/metrics/cohort-sample";
import { ErrorAlert } from "../../_components/error-alert";
import { useRoom } from "../../_lib/socket";
import { useTRPC } from "../../_lib/trpc";
import {
  type ChartMetric,
  chartSummary,
  type MarginSource,
  mergePoints,
  placeVerdicts,
  timeAxis,
  toChartRows,
} from "./chart-rows";
import { CohortChart, clock } from "./cohort-chart";

const percent = (v: number) => `${(v * 100).toFixed(2)}%`;
const ms = (v: number) => `${Math.round(v)} ms`;
const CHARTS: { metric: ChartMetric; title: string; format: (v: number) => string }[] = [
  { metric: "errorRate", title: "Error rate", format: percent },
  { metric: "p95", title: "Latency p95", format: ms },
  { metric: "p99", title: "Latency p99", format: ms },
  { metric: "conversion", title: "Conversion", format: percent },
];

type Marks = MarginSource & { verdicts: Parameters<typeof placeVerdicts>[1] };

function MetricChart(props: {
  chart: (typeof CHARTS)[number];
  points: SeriesPoint[];
  marks: Marks | undefined;
}) {
  const { chart } = props;
  // Redrawing a chart is the heaviest work on the page: deferred, it yields to commands and state changes.
  const points = useDeferredValue(props.points);
  const marks = useDeferredValue(props.marks);
  const shaped = useMemo(() => {
    const rows = toChartRows(points, chart.metric, marks);
    const axis = timeAxis(rows, marks?.boundaries ?? []);
    const verdicts = axis ? placeVerdicts(rows, marks?.verdicts ?? [], chart.metric, axis.from) : [];
    const margin = marks?.steps.map((s) => s.margins[chart.metric]).find(Boolean);
    const failsWhen = margin?.badDirection === "lower" ? ("below" as const) : ("above" as const);
    const summary = chartSummary({
      rows,
      boundaries: axis?.boundaries ?? [],
      verdicts,
      format: chart.format,
      clock,
      failsWhen,
    });
    return { rows, axis, verdicts, failsWhen, summary };
  }, [points, marks, chart]);
  return (
    <CohortChart title={chart.title} {...shaped} format={chart.format} testId={`chart-${chart.metric}`} />
  );
}

const NO_POINTS: SeriesPoint[] = [];
/** Live intervals can come every second: the four charts redraw at most once a second, so a burst of
 * intervals costs one redraw, and a new point is on screen within a second. */
const REDRAW_EVERY_MS = 1_000;

/** The value as of at most `ms` ago: the first one at once, later ones at most once per `ms`. */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    const show = () => {
      last.current = Date.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

/**
 * The four gate metrics. Live points and verdicts are written into the query cache as they arrive, so
 * only these charts re-render, never the page; boundaries are re-read when the rollout changes.
 */
export function RolloutCharts({ rolloutId, finished }: { rolloutId: string; finished: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const series = useQuery(trpc.rollouts.series.queryOptions({ id: rolloutId }));
  const marks = useQuery(trpc.rollouts.chartMarks.queryOptions({ id: rolloutId }));
  const points = useThrottled(series.data ?? NO_POINTS, REDRAW_EVERY_MS);
  const shownMarks = useThrottled(marks.data, REDRAW_EVERY_MS);
  useRoom(
    { rolloutId },
    {
      "samples.ingested": (event) =>
        queryClient.setQueryData(trpc.rollouts.series.queryKey({ id: rolloutId }), (known) =>
          mergePoints(known ?? [], event.points),
        ),
      "verdict.recorded": (event) =>
        queryClient.setQueryData(trpc.rollouts.chartMarks.queryKey({ id: rolloutId }), (known) => {
          if (!known) return known;
          const verdicts = appendVerdicts(known.verdicts, event);
          // The same marks when no gate's verdict changed: the charts stay as they are.
          return verdicts === known.verdicts ? known : { ...known, verdicts: [...verdicts] };
        }),
      "rollout.changed": () =>
        queryClient.invalidateQueries({ queryKey: trpc.rollouts.chartMarks.queryKey({ id: rolloutId }) }),
      resync: () => {
        queryClient.invalidateQueries({ queryKey: trpc.rollouts.series.queryKey({ id: rolloutId }) });
        queryClient.invalidateQueries({ queryKey: trpc.rollouts.chartMarks.queryKey({ id: rolloutId }) });
      },
    },
  );
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">Baseline and canary</h2>
      <p className="muted chart-legend-note">
        Solid: baseline; dashed: canary; dotted: the gate's margin from the baseline, with the tolerated drift
        shaded. Vertical lines mark step changes; ✓ pass, ✗ fail and ? inconclusive mark where a gate's
        verdict changed.
      </p>
      <ErrorAlert error={series.error ?? marks.error} />
      {/* Empty charts say "no data yet", which is true only once the series has loaded. */}
      {series.data?.length === 0 && finished ? (
        <p className="muted" data-testid="charts-pruned">
          No traffic samples are stored for this rollout: it ended before its first interval, or its samples
          are past the retention (SLUICE_SAMPLE_RETENTION_DAYS). Its verdicts remain below.
        </p>
      ) : series.data ? (
        <div className="charts">
          {CHARTS.map((chart) => (
            <MetricChart key={chart.metric} chart={chart} points={points} marks={shownMarks} />
          ))}
        </div>
      ) : series.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
