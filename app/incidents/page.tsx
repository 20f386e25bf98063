"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "../_components/confirm-button";
import { ErrorAlert } from "../_components/error-alert";
import { RequireSession } from "../_components/require-session";
import { useTRPC } from "../_lib/trpc";
import { FreezeHistory } from "./freeze-history";

function Incidents() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const incidents = useQuery(trpc.incidents.list.queryOptions());
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.incidents.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.incidents.freezeHistory.queryKey() });
  };
  const declare = useMutation(trpc.incidents.declare.mutationOptions({ onSuccess: refresh }));
  const resolve = useMutation(trpc.incidents.resolve.mutationOptions({ onSuccess: refresh }));
  const [severity, setSeverity] = useState<"sev1" | "sev2" | "sev3">("sev2");
  const canManage = me.data?.permissions.includes("incidents:manage") ?? false;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const services = String(form.get("services"))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    declare.mutate({ title: String(form.get("title")), severity, services });
  }

  return (
    <section>
      <h1>Incidents</h1>
      {canManage ? (
        <form className="card reason-form" onSubmit={submit} aria-label="Declare an incident">
          <label>
            What is happening
            <input name="title" required minLength={3} />
          </label>
          <label>
            Services (comma-separated, or *)
            <input name="services" required defaultValue="*" />
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
              <option value="sev1">sev1</option>
              <option value="sev2">sev2</option>
              <option value="sev3">sev3</option>
            </select>
          </label>
          <button type="submit" className="danger" disabled={declare.isPending}>
            Declare incident
          </button>
          <ErrorAlert error={declare.error} />
        </form>
      ) : (
        <p className="muted">Operators and release managers declare and resolve incidents.</p>
      )}
      <ErrorAlert error={resolve.error} />
      <ErrorAlert error={incidents.error} />
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Severity</th>
            <th scope="col">Services</th>
            <th scope="col">Declared</th>
            <th scope="col">Resolved</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {incidents.data?.map((i) => (
            <tr key={i.id}>
              <td data-label="Incident">{i.title}</td>
              <td data-label="Severity">{i.severity}</td>
              <td data-label="Services">{i.services.join(", ")}</td>
              <td data-label="Declared">
                {i.declaredAt.toLocaleString()} by {i.declaredBy}
              </td>
              <td data-label="Resolved">
                {i.resolvedAt ? `${i.resolvedAt.toLocaleString()} by ${i.resolvedBy}` : "active"}
              </td>
              <td>
                {canManage && !i.resolvedAt ? (
                  <ConfirmButton
                    label="Resolve"
                    confirmLabel="Resolve and lift its freeze"
                    disabled={resolve.isPending}
                    onConfirm={() => resolve.mutate({ id: i.id })}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {incidents.data?.length === 0 ? <p className="muted">No incident declared.</p> : null}
      <FreezeHistory />
    </section>
  );
}

export default function IncidentsPage() {
  return <RequireSession>{() => <Incidents />}</RequireSession>;
}
