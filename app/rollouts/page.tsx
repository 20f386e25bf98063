"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { appliedByLabel, formatDuration, formatState, stepLabel } from "../_components/format";
import { KillSwitch } from "../_components/kill-switch";
import { RequireSession } from "../_components/require-session";
import { useNow } from "../_components/use-now";
import { useRoom } from "../_lib/socket";
import { useTRPC } from "../_lib/trpc";

const ICONS: Record<string, string> = { pass: "✓", fail: "✗", inconclusive: "?" };

/** Icon and word for each gate, never colour alone. */
function GateSummary({ gates }: { gates: { gate: string; verdict: string }[] }) {
  if (gates.length === 0) return <span className="muted">not judged yet</span>;
  return (
    <ul className="gate-summary">
      {gates.map((g) => (
        <li key={g.gate} className={`gate ${g.verdict}`}>
          <span aria-hidden="true">{ICONS[g.verdict]}</span> {g.gate} {g.verdict}
        </li>
      ))}
    </ul>
  );
}

function RolloutTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rollouts = useQuery(trpc.rollouts.list.queryOptions());
  const now = useNow();
  const me = useQuery(trpc.session.me.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rollouts.list.queryKey() });
  const connection = useRoom("overview", {
    "rollout.changed": refresh,
    "verdict.recorded": refresh,
    "freeze.changed": refresh,
    resync: refresh,
  });

  if (rollouts.error) return <p role="alert">Could not load rollouts: {rollouts.error.message}</p>;
  return (
    <section>
      <div className="title-row">
        <h1>Rollouts</h1>
        <span className={`connection ${connection}`} data-testid="connection">
          {connection}
        </span>
      </div>
      {me.data?.permissions.includes("rollouts:kill") ? <KillSwitch /> : null}
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Release</th>
            <th scope="col">Mechanism</th>
            <th scope="col">Step</th>
            <th scope="col">Exposure</th>
            <th scope="col">State</th>
            <th scope="col">Gates (latest)</th>
            <th scope="col">Time in step</th>
            <th scope="col">Hold left</th>
            <th scope="col">Freeze</th>
          </tr>
        </thead>
        <tbody>
          {rollouts.data?.map((r) => (
            <tr key={r.id} data-testid={`rollout-row-${r.service.name}`}>
              <td data-label="Service">
                <Link href={`/rollouts/${r.id}`}>{r.service.name}</Link>
              </td>
              <td data-label="Release">{r.release.version}</td>
              <td data-label="Mechanism">{r.mechanism}</td>
              <td data-label="Step">{stepLabel(r.currentStep, r.steps)}</td>
              <td data-label="Exposure">
                {r.exposurePercent}%
                {r.controller ? <span className="muted"> · {appliedByLabel(r)}</span> : null}
              </td>
              <td data-label="State" data-testid="state">
                {formatState(r.state, r.phase)}
              </td>
              <td data-label="Gates">
                <GateSummary gates={(r.evaluations[0]?.gates ?? []) as { gate: string; verdict: string }[]} />
              </td>
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
      {rollouts.data?.length === 0 ? (
        <p className="muted">
          No rollout yet: a deploy pipeline registers a deploy and its draft rollout through the API (POST
          /api/v1/deploys, then POST /api/v1/rollouts).
        </p>
      ) : null}
    </section>
  );
}

export default function RolloutsPage() {
  return <RequireSession>{() => <RolloutTable />}</RequireSession>;
}
