"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { use } from "react";
import { appliedByLabel, formatDuration, formatState, stepLabel } from "../../_components/format";
import { KillSwitch } from "../../_components/kill-switch";
import { RequireSession } from "../../_components/require-session";
import { useNow } from "../../_components/use-now";
import { useRoom } from "../../_lib/socket";
import { useTRPC } from "../../_lib/trpc";
import { type ChartMetric, mergePoints, toChartRows } from "./chart-rows";
import { CohortChart } from "./cohort-chart";
import { CommandBar } from "./command-bar";
import { HistoryList } from "./history-list";
import { PlanTimeline } from "./plan-timeline";
import { RegressionSwitch } from "./regression-switch";
import { VerdictFeed } from "./verdict-feed";

const percent = (v: number) => `${(v * 100).toFixed(2)}%`;
const ms = (v: number) => `${Math.round(v)} ms`;
const CHARTS: { metric: ChartMetric; title: string; format: (v: number) => string }[] = [
  { metric: "errorRate", title: "Error rate", format: percent },
  { metric: "p95", title: "Latency p95", format: ms },
  { metric: "p99", title: "Latency p99", format: ms },
  { metric: "conversion", title: "Conversion", format: percent },
];

function RolloutDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const rollout = useQuery(trpc.rollouts.byId.queryOptions({ id }));
  const series = useQuery(trpc.rollouts.series.queryOptions({ id }));
  const me = useQuery(trpc.session.me.queryOptions());

  const onChanged = () => {
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.byId.queryKey({ id }) });
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.history.queryKey({ id }) });
  };
  const connection = useRoom(
    { rolloutId: id },
    {
      "samples.ingested": (event) =>
        queryClient.setQueryData(trpc.rollouts.series.queryKey({ id }), (known) =>
          mergePoints(known ?? [], event.points),
        ),
      "rollout.changed": onChanged,
      resync: () => {
        onChanged();
        queryClient.invalidateQueries({ queryKey: trpc.rollouts.series.queryKey({ id }) });
      },
    },
  );

  if (rollout.error) return <p role="alert">{rollout.error.message}</p>;
  if (!rollout.data) return <p className="muted">Loading…</p>;
  const r = rollout.data;
  const permissions = me.data?.permissions ?? [];
  return (
    <section>
      <div className="title-row">
        <h1>
          {r.service.name} <span className="muted">{r.release.version}</span>
        </h1>
        <span className={`connection ${connection}`} data-testid="connection">
          {connection}
        </span>
      </div>
      <dl className="facts card">
        <div>
          <dt>State</dt>
          <dd data-testid="rollout-state">{formatState(r.state, r.phase)}</dd>
        </div>
        <div>
          <dt>Mechanism</dt>
          <dd>{r.mechanism}</dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd>{stepLabel(r.currentStep, r.steps)}</dd>
        </div>
        <div>
          <dt>Exposure</dt>
          <dd data-testid="rollout-exposure">{r.exposurePercent}%</dd>
        </div>
        <div>
          <dt>Applied by</dt>
          <dd data-testid="rollout-applied-by">{appliedByLabel(r)}</dd>
        </div>
        <div>
          <dt>Last known good</dt>
          <dd>{r.lastKnownGoodPercent}%</dd>
        </div>
        <div>
          <dt>Time in step</dt>
          <dd>{r.stepStartedAt ? formatDuration(now - r.stepStartedAt.getTime()) : "—"}</dd>
        </div>
      </dl>
      <CommandBar rollout={r} />
      <PlanTimeline
        steps={r.steps as never}
        currentStep={r.currentStep}
        state={r.state}
        phase={r.phase}
        holdUntil={r.holdUntil}
        holdExtended={r.holdExtended}
        now={now}
      />
      {permissions.includes("rollouts:kill") ? <KillSwitch service={r.service.name} /> : null}
      {permissions.includes("simulator:control") ? <RegressionSwitch rollout={r} /> : null}
      <div className="charts">
        {CHARTS.map((chart) => (
          <CohortChart
            key={chart.metric}
            title={chart.title}
            rows={toChartRows(series.data ?? [], chart.metric)}
            format={chart.format}
            testId={`chart-${chart.metric}`}
          />
        ))}
      </div>
      <VerdictFeed rolloutId={id} />
      <HistoryList rolloutId={id} />
    </section>
  );
}

export default function RolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return <RequireSession>{() => <RolloutDetail id={id} />}</RequireSession>;
}
