"use client";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/app-router";

type Delivery = inferRouterOutputs<AppRouter>["notifications"]["deliveries"][number];

/** The recent deliveries, each with every attempt: when, HTTP status or error, and how long it took. */
export function DeliveryLog(props: { deliveries: Delivery[] }) {
  if (props.deliveries.length === 0) return <p className="muted">Nothing sent yet.</p>;
  return (
    <table className="rollouts" data-testid="delivery-log">
      <thead>
        <tr>
          <th scope="col">Queued</th>
          <th scope="col">Channel</th>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
        </tr>
      </thead>
      <tbody>
        {props.deliveries.map((d) => (
          <tr key={d.id}>
            <td>{d.createdAt.toLocaleString()}</td>
            <td>{d.channel}</td>
            <td>
              <strong>{d.kind}</strong> {d.summary}
            </td>
            <td>
              {d.status}
              {d.nextAttemptAt ? (
                <span className="muted"> (next try {d.nextAttemptAt.toLocaleTimeString()})</span>
              ) : null}
            </td>
            <td>
              <ol>
                {d.attemptLog.map((a) => (
                  <li key={a.attempt}>
                    {a.at.toLocaleTimeString()}: {a.ok ? "ok" : "failed"}
                    {a.httpStatus !== null ? ` HTTP ${a.httpStatus}` : ""}
                    {a.error ? ` — ${a.error}` : ""} ({a.durationMs} ms)
                  </li>
                ))}
              </ol>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
