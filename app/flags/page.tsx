"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../_components/error-alert";
import { ReasonForm } from "../_components/reason-form";
import { RequireSession } from "../_components/require-session";
import { useRoom } from "../_lib/socket";
import { useTRPC } from "../_lib/trpc";

function Flags() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const flags = useQuery(trpc.flags.list.queryOptions());
  const debt = useQuery(trpc.flags.debt.queryOptions());
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.flags.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.flags.debt.queryKey() });
  };
  // Live: flags changed by anyone, and the rollouts in the Rollout column.
  useRoom("overview", { "flag.changed": refresh, "rollout.changed": refresh, resync: refresh });
  const kill = useMutation(trpc.flags.kill.mutationOptions({ onSuccess: refresh }));
  const unkill = useMutation(trpc.flags.unkill.mutationOptions({ onSuccess: refresh }));
  // The flag whose kill or revival is being asked about; either goes into the audit with a reason.
  const [asking, setAsking] = useState<{ key: string; kill: boolean } | null>(null);
  const canKill = me.data?.permissions.includes("flags:kill") ?? false;
  const failed = kill.error ?? unkill.error;

  return (
    <section>
      <h1>Feature flags</h1>
      <ErrorAlert error={flags.error} />
      <table className="rollouts" data-testid="flags">
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col">Service</th>
            <th scope="col">Lifecycle</th>
            <th scope="col">Serving</th>
            <th scope="col">Rules</th>
            <th scope="col">Rollout</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {flags.data?.map((f) => (
            <tr key={f.key}>
              <td>
                <code>{f.key}</code>
                {f.description ? <div className="muted">{f.description}</div> : null}
              </td>
              <td>{f.service}</td>
              <td>{f.archivedAt ? "archived" : f.lifecycle}</td>
              <td>
                {f.killed
                  ? `killed: everyone gets "${f.offVariant}"`
                  : !f.enabled
                    ? "disabled"
                    : f.percentage
                      ? `${f.percentage.percent}% get "${f.percentage.variant}"`
                      : `"${f.defaultVariant}" for everyone`}
              </td>
              <td>{f.rules.length}</td>
              <td>
                {f.rollout
                  ? `${f.rollout.release} · ${f.rollout.state} · ${f.rollout.exposurePercent}%`
                  : "—"}
              </td>
              <td>
                {canKill && !f.archivedAt ? (
                  f.killed ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => setAsking({ key: f.key, kill: false })}
                    >
                      Revive
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setAsking({ key: f.key, kill: true })}
                    >
                      Kill flag
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {flags.data?.length === 0 ? <p className="muted">No feature flag yet.</p> : null}
      {asking ? (
        <ReasonForm
          prompt={
            asking.kill ? (
              <>
                Why kill <code>{asking.key}</code>? Everyone will get its off variant at once.
              </>
            ) : (
              <>
                Why revive <code>{asking.key}</code>? Its rules and rollout decide again at once.
              </>
            )
          }
          submitLabel={asking.kill ? "Confirm kill" : "Confirm revive"}
          onSubmit={(reason) => {
            (asking.kill ? kill : unkill).mutate({ key: asking.key, reason });
            setAsking(null);
          }}
          onCancel={() => setAsking(null)}
        />
      ) : null}
      <ErrorAlert error={failed} />
      <section className="card" aria-labelledby="debt-title">
        <h2 id="debt-title">Flag debt</h2>
        <p className="muted">
          Temporary flags fully rolled out and stable: remove them from the code, then archive.
        </p>
        <ErrorAlert error={debt.error} />
        {debt.data?.length ? (
          <ul data-testid="flag-debt">
            {debt.data.map((d) => (
              <li key={d.key}>
                <code>{d.key}</code> — at 100% for {d.debt?.ageDays ?? "?"} days
              </li>
            ))}
          </ul>
        ) : null}
        {debt.data?.length === 0 ? <p>No flag debt.</p> : null}
      </section>
    </section>
  );
}

export default function FlagsPage() {
  return <RequireSession>{() => <Flags />}</RequireSession>;
}
