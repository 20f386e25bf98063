"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { use } from "react";
import { isTerminalState } from "../../../server/domain/rollout/rollout-types";
import { formatState } from "../../../server/domain/rollout/state-labels";
import { ErrorAlert } from "../../_components/error-alert";
import { appliedByLabel, formatDuration, stepLabel } from "../../_components/format";
import { KillSwitch } from "../../_components/kill-switch";
import { RequireSession } from "../../_components/require-session";
import { useNow } from "../../_components/use-now";
import { useRoom } from "../../_lib/socket";
import { useTRPC } from "../../_lib/trpc";
import { CommandBar } from "./command-bar";
import { HistoryList } from "./history-list";
import { MechanismView } from "./mechanism-view";
import { PlanTimeline } from "./plan-timeline";
import { RegressionSwitch } from "./regression-switch";
import { RolloutCharts } from "./rollout-charts";
import { VerdictFeed } from "./verdict-feed";

function RolloutDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const rollout = useQuery(trpc.rollouts.byId.queryOptions({ id }));
  const me = useQuery(trpc.session.me.queryOptions());

  const onFlagChanged = () =>
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.mechanism.queryKey({ id }) });
  const onChanged = () => {
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.byId.queryKey({ id }) });
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.history.queryKey({ id }) });
    onFlagChanged();
  };
  // The flag a flag rollout drives can change apart from the rollout (killed from the Flags page).
  const connection = useRoom(
    { rolloutId: id },
    { "rollout.changed": onChanged, "flag.changed": onFlagChanged, resync: onChanged },
  );

  if (!rollout.data) {
    return rollout.error ? <ErrorAlert error={rollout.error} /> : <p className="muted">Loading…</p>;
  }
  const r = rollout.data;
  const permissions = me.data?.permissions ?? [];
  return (
    <section>
      {/* A failed refetch keeps the last known rollout, kill switch included, on screen below it. */}
      <ErrorAlert error={rollout.error} />
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
          <dd data-testid="rollout-last-known-good">{r.lastKnownGoodPercent}%</dd>
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
      <MechanismView rolloutId={id} />
      <RolloutCharts rolloutId={id} finished={isTerminalState(r.state)} />
      <VerdictFeed rolloutId={id} />
      <HistoryList rolloutId={id} />
    </section>
  );
}

export default function RolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return <RequireSession>{() => <RolloutDetail id={id} />}</RequireSession>;
}
