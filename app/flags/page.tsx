"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../_components/error-alert";
import { ReasonForm } from "../_components/reason-form";
import { RequireSession } from "../_components/require-session";
import { useTRPC } from "../_lib/trpc";

function Flags() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const flags = useQuery(trpc.flags.list.queryOptions());
  const debt = useQuery(trpc.flags.debt.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flags.list.queryKey() });
  const kill = useMutation(trpc.flags.kill.mutationOptions({ onSuccess: refresh }));
  const unkill = useMutation(trpc.flags.unkill.mutationOptions({ onSuccess: refresh }));
  const [killing, setKilling] = useState<string | null>(null);
  const canKill = me.data?.permissions.includes("flags:kill") ?? false;
  const failed = kill.error ?? unkill.error;

  return (
    <section>
      <h1>Feature flags</h1>
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
                    <button type="button" className="secondary" onClick={() => unkill.mutate({ key: f.key })}>
                      Revive
                    </button>
                  ) : (
                    <button type="button" className="danger" onClick={() => setKilling(f.key)}>
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
      {killing ? (
        <ReasonForm
          prompt={
            <>
              Why kill <code>{killing}</code>? Everyone will get its off variant at once.
            </>
          }
          submitLabel="Confirm kill"
          onSubmit={(reason) => {
            kill.mutate({ key: killing, reason });
            setKilling(null);
          }}
          onCancel={() => setKilling(null)}
        />
      ) : null}
      <ErrorAlert error={failed} />
      <section className="card" aria-labelledby="debt-title">
        <h2 id="debt-title">Flag debt</h2>
        <p className="muted">
          Temporary flags fully rolled out and stable: remove them from the code, then archive.
        </p>
        {debt.data?.length ? (
          <ul data-testid="flag-debt">
            {debt.data.map((d) => (
              <li key={d.key}>
                <code>{d.key}</code> — at 100% for {d.debt?.ageDays ?? "?"} days
              </li>
            ))}
          </ul>
        ) : (
          <p>No flag debt.</p>
        )}
      </section>
    </section>
  );
}

export default function FlagsPage() {
  return <RequireSession>{() => <Flags />}</RequireSession>;
}
