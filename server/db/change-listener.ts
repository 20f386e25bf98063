import pg from "pg";

/** Notified at commit by the triggers of migration 20261127140000_exposure_notify. */
export const EXPOSURE_CHANNEL = "sluice_exposure_changed";

/** What other processes changed in the shared database, as PostgreSQL tells this one. */
export interface ChangeFeed {
  /**
   * Whether LISTEN is in place now. Only then does silence mean "nothing changed": a cache fed by this
   * feed must read through to the database while it is false.
   */
  listening(): boolean;
  /**
   * `listener` runs on every notification with the table the commit wrote (the triggers send its name),
   * and with null whenever listening stops or starts again (notifications sent meanwhile are lost, so
   * anything may have changed).
   */
  subscribe(listener: (table: string | null) => void): () => void;
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` over a dedicated connection (notifications need one held open, outside any pool),
 * and reconnects every `retryMs` after it drops: a database restart, a terminated backend.
 */
export function listenForChanges(
  databaseUrl: string,
  channel: string,
  options: { retryMs?: number; onError?: (error: Error) => void } = {},
): ChangeFeed {
  const retryMs = options.retryMs ?? 1_000;
  const onError = options.onError ?? (() => {});
  const listeners = new Set<(table: string | null) => void>();
  let client: pg.Client | null = null;
  let up = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  /** An outage is reported once, not at every attempt to reconnect. */
  let reported = false;

  const tell = (table: string | null) => {
    for (const listener of listeners) listener(table);
  };

  function lost(from: pg.Client, error?: Error): void {
    from.end().catch(() => {});
    if (client !== from) return; // a late 'error' or 'end' of a connection already given up
    if (error && !reported) onError(error);
    reported ||= error !== undefined;
    client = null;
    up = false;
    tell(null);
    if (closed) return;
    retry = setTimeout(connect, retryMs);
    retry.unref();
  }

  async function connect(): Promise<void> {
    retry = null;
    const next = new pg.Client({ connectionString: databaseUrl, application_name: "sluice-change-listener" });
    client = next;
    next.on("notification", (message) => {
      if (message.channel === channel) tell(message.payload ?? null);
    });
    next.on("error", (error) => lost(next, error));
    next.on("end", () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    } catch (error) {
      lost(next, error as Error);
      return;
    }
    if (client !== next) {
      await next.end().catch(() => {}); // closed while connecting
      return;
    }
    up = true;
    reported = false;
    tell(null);
  }

  void connect();
  return {
    listening: () => up,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      up = false;
      await last?.end().catch(() => {});
    },
  };
}
