"use client";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import type { AppRouter } from "../../server/trpc/app-router";
import styles from "./audit.module.css";

export type AuditEvent = inferRouterOutputs<AppRouter>["audit"]["list"]["events"][number];

function json(value: unknown): string {
  return value === null || value === undefined ? "—" : JSON.stringify(value, null, 2);
}

/** The target by the name people know it by (a rollout links to its page), its id beside it. */
function TargetName({ event }: { event: AuditEvent }) {
  if (!event.targetLabel) return <>{event.targetId}</>;
  const name =
    event.targetType === "rollout" ? (
      <Link href={`/rollouts/${event.targetId}`}>{event.targetLabel}</Link>
    ) : (
      event.targetLabel
    );
  return (
    <>
      {name} <span className={styles.targetId}>{event.targetId}</span>
    </>
  );
}

/** Events newest first; before/after stay folded until asked for (a <details> is keyboard-operable). */
export function EventList({ events }: { events: readonly AuditEvent[] }) {
  if (events.length === 0) return <p className="muted">No events match these filters.</p>;
  return (
    <ol className={styles.events} data-testid="audit-events" aria-label="Audit events">
      {events.map((event) => (
        <li key={event.id} className={`card ${styles.event}`} data-testid="audit-event">
          <div className={styles.eventHead}>
            <span className="muted">#{event.id}</span>
            <time dateTime={event.at.toISOString()}>{event.at.toLocaleString()}</time>
            <strong data-testid="audit-action">{event.action}</strong>
            <span>
              by <span data-testid="audit-actor">{event.actor}</span>
            </span>
            <span className="muted" data-testid="audit-target">
              on {event.targetType} <TargetName event={event} />
            </span>
          </div>
          {event.reason ? <p>{event.reason}</p> : null}
          {event.before !== null || event.after !== null ? (
            <details>
              <summary>Before / after</summary>
              <div className={styles.change}>
                <div>
                  <strong>Before</strong>
                  <pre>{json(event.before)}</pre>
                </div>
                <div>
                  <strong>After</strong>
                  <pre>{json(event.after)}</pre>
                </div>
              </div>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
