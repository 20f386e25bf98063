"use client";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorAlert } from "../_components/error-alert";
import { RequireSession } from "../_components/require-session";
import { useTRPC } from "../_lib/trpc";
import styles from "./audit.module.css";
import { ChainStatus } from "./chain-status";
import { downloadFile } from "./download-file";
import { EventList } from "./event-list";

interface Filter {
  service?: string;
  rolloutId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

const TEXT_FIELDS = [
  { name: "service", label: "Service", placeholder: "checkout-api" },
  { name: "rolloutId", label: "Rollout id", placeholder: "" },
  { name: "actor", label: "Actor", placeholder: "operator" },
  { name: "action", label: "Action (or prefix)", placeholder: "rollout." },
] as const;

function readFilter(form: FormData): Filter {
  const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
  const date = (name: string) => {
    const value = text(name);
    return value ? new Date(value) : undefined;
  };
  return {
    service: text("service"),
    rolloutId: text("rolloutId"),
    actor: text("actor"),
    action: text("action"),
    from: date("from"),
    to: date("to"),
  };
}

function Audit() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const [filter, setFilter] = useState<Filter>({});
  const [exporting, setExporting] = useState<"csv" | "json" | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const canExport = me.data?.permissions.includes("audit:export") ?? false;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFilter(readFilter(new FormData(event.currentTarget)));
  }

  async function exportAs(format: "csv" | "json") {
    setExporting(format);
    setExportError(null);
    try {
      const file = await queryClient.fetchQuery({
        ...trpc.audit.export.queryOptions({ ...filter, format }),
        staleTime: 0,
      });
      downloadFile(file);
    } catch (error) {
      setExportError((error as Error).message);
    } finally {
      setExporting(null);
    }
  }

  const loaded = events.data?.pages.flatMap((page) => page.events) ?? [];
  return (
    <section>
      <h1>Audit history</h1>
      <ChainStatus />
      <form className={`card ${styles.filters}`} onSubmit={submit} aria-label="Filter the audit history">
        {TEXT_FIELDS.map((field) => (
          <label key={field.name}>
            {field.label}
            <input name={field.name} placeholder={field.placeholder} maxLength={200} />
          </label>
        ))}
        <label>
          From
          <input name="from" type="datetime-local" />
        </label>
        <label>
          To
          <input name="to" type="datetime-local" />
        </label>
        <div className={styles.filterActions}>
          <button type="submit">Apply filters</button>
          <button type="reset" className="secondary" onClick={() => setFilter({})}>
            Clear
          </button>
        </div>
      </form>
      <div className={`card ${styles.exports}`}>
        <button
          type="button"
          onClick={() => exportAs("csv")}
          disabled={!canExport || exporting !== null}
          aria-describedby={canExport ? undefined : "export-why"}
        >
          {exporting === "csv" ? "Exporting…" : "Export CSV"}
        </button>
        <button
          type="button"
          onClick={() => exportAs("json")}
          disabled={!canExport || exporting !== null}
          aria-describedby={canExport ? undefined : "export-why"}
        >
          {exporting === "json" ? "Exporting…" : "Export JSON"}
        </button>
        <span className="muted" id="export-why">
          {canExport
            ? "Exports the filtered events, oldest first, with the chain's verification."
            : "Auditors and admins export the history."}
        </span>
        {exportError ? (
          <p role="alert" className="error">
            {exportError}
          </p>
        ) : null}
      </div>
      <ErrorAlert error={events.error} />
      {events.isPending ? <p className="muted">Loading events…</p> : <EventList events={loaded} />}
      {events.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => events.fetchNextPage()}
          disabled={events.isFetchingNextPage}
        >
          {events.isFetchingNextPage ? "Loading…" : "Load older events"}
        </button>
      ) : null}
    </section>
  );
}

export default function AuditPage() {
  return <RequireSession>{() => <Audit />}</RequireSession>;
}
