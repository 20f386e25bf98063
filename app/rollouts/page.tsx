"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { formatState } from "../../server/domain/rollout/state-labels";
import type { RolloutView } from "../../server/services/rollouts/rollout-view";
import { ErrorAlert } from "../_components/error-alert";
import { appliedByLabel, formatDuration, stepLabel } from "../_components/format";
import { KillSwitch } from "../_components/kill-switch";
import { RequireSession } from "../_components/require-session";
import { useNow } from "../_components/use-now";
import { useRoom } from "../_lib/socket";
import { useTRPC } from "../_lib/trpc";
import { VERDICT_ICONS } from "./[id]/verdict-icons";

type Verdict = keyof typeof VERDICT_ICONS;

/** Icon and word for each gate, never colour alone. */
function GateSummary({ gates }: { gates: { gate: string; verdict: Verdict }[] }) {
  if (gates.length === 0) return <span className="muted">not judged yet</span>;
  return (
    <ul className="gate-summary">
      {gates.map((g) => (
        <li key={g.gate} className={`gate ${g.verdict}`}>
          <span aria-hidden="true">{VERDICT_ICONS[g.verdict]}</span> {g.gate} {g.verdict}
        </li>
      ))}
    </ul>
  );
}

const COMMON_COLUMNS = ["Service", "Release", "Mechanism", "Step", "Exposure", "State", "Gates (latest)"];

function Head({ extra }: { extra: string[] }) {
  return (
    <thead>
      <tr>
        {[...COMMON_COLUMNS, ...extra].map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The cells every rollout row starts with, active or ended. */
function CommonCells({ r }: { r: RolloutView }) {
  return (
    <>
      <td data-label="Service">
        <Link href={`/rollouts/${r.id}`}>{r.service.name}</Link>
      </td>
      <td data-label="Release">{r.release.version}</td>
      <td data-label="Mechanism">{r.mechanism}</td>
      <td data-label="Step">{stepLabel(r.currentStep, r.steps)}</td>
      <td data-label="Exposure">
        {r.exposurePercent}%{r.controller ? <span className="muted"> · {appliedByLabel(r)}</span> : null}
      </td>
      <td data-label="State" data-testid="state">
        {formatState(r.state, r.phase)}
      </td>
      <td data-label="Gates">
        <GateSummary gates={(r.evaluations[0]?.gates ?? []) as { gate: string; verdict: Verdict }[]} />
      </td>
    </>
  );
}

function RolloutTables() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.rollouts.list.queryOptions());
  const now = useNow();
  const me = useQuery(trpc.session.me.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rollouts.list.queryKey() });
  const connection = useRoom("overview", {
    "rollout.changed": refresh,
    "verdict.recorded": refresh,
    "freeze.changed": refresh,
    resync: refresh,
  });

  if (overview.error && !overview.data) {
    return <p role="alert">Could not load rollouts: {overview.error.message}</p>;
  }
  const active = overview.data?.active ?? [];
  const ended = overview.data?.ended ?? [];
  return (
    <section>
      <div className="title-row">
        <h1>Rollouts</h1>
        <span className={`connection ${connection}`} data-testid="connection">
          {connection}
        </span>
      </div>
      {/* A failed refresh keeps the last list on screen, kill switch included, and says so. */}
      <ErrorAlert error={overview.error} />
      {me.data?.permissions.includes("rollouts:kill") ? <KillSwitch /> : null}
      <table className="rollouts" aria-label="Active rollouts">
        <Head extra={["Time in step", "Hold left", "Freeze"]} />
        <tbody>
          {active.map((r) => (
            <tr key={r.id} data-testid={`rollout-row-${r.service.name}`}>
              <CommonCells r={r} />
              <td data-label="Time in step">
                {r.stepStartedAt ? formatDuration(now - r.stepStartedAt.getTime()) : "—"}
              </td>
              <td data-label="Hold left">
                {r.holdUntil && r.state === "running" ? formatDuration(r.holdUntil.getTime() - now) : "—"}
              </td>
              <td data-label="Freeze" data-testid="freeze">
                {r.frozenBy ? (
                  <span className="frozen">
                    <span aria-hidden="true">❄</span> frozen by {r.frozenBy}
                  </span>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {overview.isSuccess && active.length === 0 ? (
        <p className="muted">
          No rollout in flight: a deploy pipeline registers a deploy and its draft rollout through the API
          (POST /api/v1/deploys, then POST /api/v1/rollouts).
        </p>
      ) : null}
      {ended.length > 0 ? (
        <>
          <h2>Ended lately</h2>
          <table className="rollouts" aria-label="Rollouts that ended lately">
            <Head extra={["Ended", "Ended by"]} />
            <tbody>
              {ended.map((r) => (
                <tr key={r.id} data-testid={`rollout-row-${r.service.name}`}>
                  <CommonCells r={r} />
                  <td data-label="Ended">
                    {r.endedAt ? `${formatDuration(now - r.endedAt.getTime())} ago` : "—"}
                  </td>
                  <td data-label="Ended by" data-testid="ended-by">
                    {r.endedBy ?? "—"}
                    {r.endReason ? (
                      <div className="muted end-reason" title={r.endReason}>
                        {r.endReason}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            The {ended.length} newest endings; the audit page holds every rollout's history.
          </p>
        </>
      ) : null}
    </section>
  );
}

export default function RolloutsPage() {
  return <RequireSession>{() => <RolloutTables />}</RequireSession>;
}
