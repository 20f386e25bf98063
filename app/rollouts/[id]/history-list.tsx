"use client";
import { useQuery } from "@tanstack/react-query";
import { ErrorAlert } from "../../_components/error-alert";
import { useTRPC } from "../../_lib/trpc";

/** The rollout's audit history, newest first. */
export function HistoryList({ rolloutId }: { rolloutId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.rollouts.history.queryOptions({ id: rolloutId }));
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorAlert error={history.error} />
      <ol className="history" data-testid="history">
        {history.data?.map((event) => (
          <li key={event.id}>
            <time dateTime={event.at.toISOString()}>{event.at.toLocaleString()}</time>{" "}
            <strong>{event.action}</strong> by {event.actor}
            {event.reason ? <span className="muted"> — {event.reason}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
