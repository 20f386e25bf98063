"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRow } from "./chart-rows";

const time = (t: number) =>
  new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Baseline against canary for one metric; the data comes ready from chart-rows.ts. */
export function CohortChart(props: {
  title: string;
  rows: ChartRow[];
  format: (v: number) => string;
  testId: string;
}) {
  return (
    <figure className="chart card" data-testid={props.testId} data-points={props.rows.length}>
      <figcaption>{props.title}</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={props.rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
          <XAxis dataKey="t" tickFormatter={time} stroke="var(--muted)" minTickGap={40} />
          <YAxis tickFormatter={props.format} stroke="var(--muted)" width={64} />
          <Tooltip labelFormatter={(t) => time(Number(t))} formatter={(v) => props.format(Number(v))} />
          <Legend />
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
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
