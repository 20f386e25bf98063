"use client";
import { memo, useMemo } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StepBoundary } from "../../../server/domain/charts/chart-marks";
import type { ChartRow, PlacedVerdict } from "./chart-rows";
import { VERDICT_ICONS } from "./verdict-icons";

export const clock = (t: number) =>
  new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

type MarkedRow = ChartRow & { marker: number | null; verdict: PlacedVerdict | null };

/** The dot renderer of the marker series: a glyph where a row carries a verdict, nothing elsewhere. */
function renderMarker(props: { cx?: number; cy?: number; payload?: MarkedRow; index?: number }) {
  const verdict = props.payload?.verdict;
  if (!verdict || props.cx === undefined || props.cy === undefined) return <g key={props.index} />;
  return <VerdictGlyph key={props.index} cx={props.cx} cy={props.cy} verdict={verdict} />;
}

function VerdictGlyph(props: { cx: number; cy: number; verdict: PlacedVerdict }) {
  const { cx, cy, verdict } = props;
  const label = `${verdict.gate} ${verdict.verdict} at ${clock(verdict.t)}`;
  return (
    <g className={`verdict-marker ${verdict.verdict}`} data-verdict={verdict.verdict}>
      <title>{`${label}: ${verdict.detail}`}</title>
      <circle cx={cx} cy={cy} r={8} />
      <text x={cx} y={cy} textAnchor="middle" dominantBaseline="central">
        {VERDICT_ICONS[verdict.verdict]}
      </text>
      {verdict.worded ? (
        <text x={cx + 11} y={cy} dominantBaseline="central" className="verdict-word">
          {verdict.verdict}
        </text>
      ) : null}
    </g>
  );
}

/**
 * Baseline against canary for one metric, with the gate's margin line and band, step boundaries and
 * verdict markers on the time axis. Every shape comes ready from chart-rows.ts; this only draws.
 */
export const CohortChart = memo(function CohortChart(props: {
  title: string;
  rows: ChartRow[];
  axis: { from: number; to: number; boundaries: StepBoundary[] } | null;
  verdicts: PlacedVerdict[];
  format: (v: number) => string;
  /** Which side of the margin line fails, for the legend and the summary. */
  failsWhen: "above" | "below";
  testId: string;
  summary: string;
}) {
  const summaryId = `${props.testId}-summary`;
  const thresholdPoints = props.rows.filter((r) => r.threshold !== null).length;
  const data = useMemo((): MarkedRow[] => {
    const byRow = new Map(props.verdicts.map((v) => [v.rowT, v]));
    return props.rows.map((row) => {
      const verdict = byRow.get(row.t) ?? null;
      return { ...row, verdict, marker: verdict ? verdict.y : null };
    });
  }, [props.rows, props.verdicts]);
  return (
    <figure
      className="chart card"
      data-testid={props.testId}
      data-points={props.rows.length}
      data-threshold-points={thresholdPoints}
      aria-labelledby={`${props.testId}-title`}
      aria-describedby={summaryId}
    >
      <figcaption id={`${props.testId}-title`}>{props.title}</figcaption>
      {props.axis ? (
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart
            data={data}
            margin={{ top: 18, right: 16, bottom: 0, left: 8 }}
            title={`${props.title}: baseline and canary`}
            desc={props.summary}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[props.axis.from, props.axis.to]}
              tickFormatter={clock}
              stroke="var(--muted)"
              minTickGap={40}
            />
            <YAxis tickFormatter={props.format} stroke="var(--muted)" width={64} />
            <Tooltip
              labelFormatter={(t) => clock(Number(t))}
              formatter={(v) =>
                Array.isArray(v) ? v.map((x) => props.format(Number(x))).join(" – ") : props.format(Number(v))
              }
              contentStyle={{ background: "var(--card)", borderColor: "var(--border)", color: "var(--fg)" }}
            />
            <Legend />
            <Area
              type="linear"
              dataKey="band"
              name="Tolerated drift"
              stroke="none"
              fill="var(--band)"
              isAnimationActive={false}
              legendType="square"
            />
            <Line
              type="linear"
              dataKey="baseline"
              stroke="var(--baseline)"
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              type="linear"
              dataKey="canary"
              stroke="var(--canary)"
              strokeDasharray="6 3"
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              type="stepAfter"
              dataKey="threshold"
              name={`Gate margin (canary ${props.failsWhen} fails)`}
              className="threshold-line"
              stroke="var(--threshold)"
              strokeDasharray="2 3"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            {props.axis.boundaries.map((b) => (
              <ReferenceLine
                key={`${b.t}-${b.label}`}
                x={b.t}
                className={`step-boundary ${b.kind}`}
                stroke={b.kind === "rollback" ? "var(--danger)" : "var(--muted)"}
                strokeDasharray="4 2"
                label={{ value: `▏${b.label}`, position: "insideTopLeft", fill: "var(--fg)", fontSize: 11 }}
              />
            ))}
            <Line
              dataKey="marker"
              name="Verdict changes"
              stroke="none"
              legendType="none"
              tooltipType="none"
              dot={renderMarker}
              activeDot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      ) : (
        <p className="muted">No data yet: the first interval has not arrived.</p>
      )}
      <p className="chart-summary" id={summaryId} data-testid={`${props.testId}-text`}>
        {props.summary}
      </p>
    </figure>
  );
});
