"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatBurnRate, formatShare } from "../../server/domain/slo/burn-rate";
import { describeObjective } from "../../server/domain/slo/slo-definition";
import { ErrorAlert } from "../_components/error-alert";
import { RequireSession } from "../_components/require-session";
import { useRoom } from "../_lib/socket";
import { useTRPC } from "../_lib/trpc";

/** slo-watch judges every ~30 s; the burn rates shown are read again as often. */
const REFRESH_MS = 30_000;

const at = (ms: number) => new Date(ms).toLocaleString(undefined, { timeZoneName: "short" });

function Slos() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const slos = useQuery(trpc.slos.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.slos.list.queryKey() });
  useRoom("overview", { "freeze.changed": refresh, resync: refresh });
  const define = useMutation(trpc.slos.define.mutationOptions({ onSuccess: refresh }));
  const [kind, setKind] = useState<"availability" | "latency">("availability");
  const canManage = me.data?.permissions.includes("slos:manage") ?? false;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    define.mutate({
      service: String(form.get("service")).trim(),
      environment: String(form.get("environment")).trim(),
      name: String(form.get("name")).trim(),
      kind,
      // 99.9 / 100 is 0.9990000000000001 in binary: stored as typed, a later 0.999 would read as a change.
      objective: Number((Number(form.get("objective")) / 100).toFixed(10)),
      windowDays: Number(form.get("windowDays")),
      latencyThresholdMs: kind === "latency" ? Number(form.get("latencyThresholdMs")) : null,
    });
  }

  return (
    <section>
      <h1>Service-level objectives</h1>
      <p className="muted">
        What each service promises in each environment, with its budget and burn rates as slo-watch last
        judged them. Every ~30 s a fast burn (both windows of a page rule above its rate) rolls that
        environment&apos;s rollouts back; a spent budget freezes them. An empty short window does not clear an
        alert while traffic is expected.
      </p>
      <ErrorAlert error={slos.error} />
      {slos.isPending ? <p className="muted">Loading SLOs…</p> : null}
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Environment</th>
            <th scope="col">Objective</th>
            <th scope="col">Budget left</th>
            <th scope="col">Alert</th>
            <th scope="col">Burn rates (long / short, above)</th>
          </tr>
        </thead>
        <tbody>
          {slos.data?.map((slo) => (
            <tr key={slo.id} data-testid={`slo-${slo.service}-${slo.environment}-${slo.name}`}>
              <td data-label="Service">{slo.service}</td>
              <td data-label="Environment">{slo.environment}</td>
              <td data-label="Objective">
                <span>
                  <strong>{slo.name}</strong>: {describeObjective(slo)}
                </span>
              </td>
              <td data-label="Budget left">
                <span>
                  {slo.budget === null
                    ? "not judged yet (its samples could not be read)"
                    : slo.budget.total === 0
                      ? "no traffic yet"
                      : formatShare(slo.budget.remaining)}
                  {slo.budgetExhaustedSince ? (
                    <span className="danger-text"> (frozen since {at(slo.budgetExhaustedSince)})</span>
                  ) : null}
                </span>
              </td>
              <td data-label="Alert">
                {slo.alertSeverity && slo.alertSince
                  ? `${slo.alertSeverity} since ${at(slo.alertSince)}`
                  : "none"}
              </td>
              <td data-label="Burn rates">
                <div>
                  <ul className="burn-rates">
                    {slo.burnRates.map((rule) => (
                      <li key={rule.long} className={rule.firing ? "firing" : undefined}>
                        {rule.severity} {rule.long}/{rule.short}: {formatBurnRate(rule.longBurnRate)} /{" "}
                        {rule.heldWithoutData ? "no data" : formatBurnRate(rule.shortBurnRate)} (
                        {rule.threshold}){rule.firing ? " firing" : ""}
                      </li>
                    ))}
                  </ul>
                  {slo.assessedAt === null ? null : (
                    <span className="muted">judged {at(slo.assessedAt)}</span>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {slos.data?.length === 0 ? <p className="muted">No SLOs yet.</p> : null}
      {!me.data ? null : canManage ? (
        <>
          <h2 id="define-slo">Define an SLO</h2>
          <p className="muted">The same service, environment and name redefines it.</p>
          <form className="card reason-form" onSubmit={submit} aria-labelledby="define-slo">
            <label>
              Service
              <input name="service" required />
            </label>
            <label>
              Environment
              <input name="environment" required defaultValue="production" />
            </label>
            <label>
              Name
              <input name="name" required placeholder="availability" />
            </label>
            <label>
              Kind
              <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                <option value="availability">availability (requests without error)</option>
                <option value="latency">latency (requests at or below a threshold)</option>
              </select>
            </label>
            <label>
              Objective (%)
              <input
                name="objective"
                type="number"
                required
                min="1"
                max="99.999"
                step="any"
                defaultValue="99.5"
              />
            </label>
            <label>
              Window (days)
              <input name="windowDays" type="number" required min="1" max="90" step="1" defaultValue="30" />
            </label>
            {kind === "latency" ? (
              <label>
                Latency threshold (ms, a histogram bucket bound)
                <input
                  name="latencyThresholdMs"
                  type="number"
                  required
                  min="1"
                  step="any"
                  defaultValue="250"
                />
              </label>
            ) : null}
            <button type="submit" disabled={define.isPending}>
              Save SLO
            </button>
            <ErrorAlert error={define.error} />
            {define.isSuccess && !define.error ? <p role="status">Saved {define.data.name}.</p> : null}
          </form>
        </>
      ) : (
        <p className="muted">Admins define SLOs.</p>
      )}
    </section>
  );
}

export default function SlosPage() {
  return <RequireSession>{() => <Slos />}</RequireSession>;
}
