"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_lib/trpc";

const CHANGE_LABEL = {
  started: "freeze started",
  changed: "freeze changed",
  ended: "freeze ended",
  overridden: "break glass",
} as const;

/** When freezes started and ended and who broke glass through them, as the audit history records it. */
export function FreezeHistory() {
  const trpc = useTRPC();
  const history = useQuery(trpc.incidents.freezeHistory.queryOptions());
  return (
    <section className="card" aria-labelledby="freeze-history-title">
      <h2 id="freeze-history-title">Freeze history</h2>
      {history.error ? <p role="alert">Could not load the freeze history: {history.error.message}</p> : null}
      {history.data?.length === 0 ? <p className="muted">No freeze so far.</p> : null}
      <ol className="freeze-history" data-testid="freeze-history">
        {history.data?.map((entry) => {
          const where = entry.services.includes("*") ? "all services" : entry.services.join(", ") || "—";
          return (
            <li key={entry.eventId} className={`freeze-entry ${entry.change}`}>
              <time dateTime={entry.at.toISOString()}>{entry.at.toLocaleString()}</time>{" "}
              <strong>
                {entry.kind === "error-budget" ? "error budget" : entry.kind === "incident" ? "incident" : ""}{" "}
                {CHANGE_LABEL[entry.change]}
              </strong>{" "}
              — {entry.rolloutId ? <Link href={`/rollouts/${entry.rolloutId}`}>{where}</Link> : where}
              {entry.overrode.length > 0 ? <> through {entry.overrode.join(", ")}</> : null}
              {entry.reason ? <>: {entry.reason}</> : null}{" "}
              <span className="muted">
                by {entry.actor}, audit event #{entry.eventId}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
