import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import type { Server } from "socket.io";

/** Created by prisma/migrations/20261127070000_socket_adapter, never at runtime (instances would race). */
export const SOCKET_ADAPTER_TABLE = "socket_io_attachments";

// biome-ignore lint/suspicious/noExplicitAny: any socket.io server, whatever its event maps.
type AnyServer = Server<any, any, any, any>;

/**
 * Joins this socket.io server to every other instance on the same database: a broadcast (io.emit, a
 * room emit) reaches the clients of all instances, through LISTEN/NOTIFY (payloads over 8000 bytes
 * through SOCKET_ADAPTER_TABLE). Returns what closes its pool; call it after io.close(), which
 * releases the adapter's listening connection (called first, it closes the adapter itself).
 */
export function attachPostgresAdapter(
  io: AnyServer,
  databaseUrl: string,
  options: { onError?: (error: Error) => void } = {},
): () => Promise<void> {
  const onError = options.onError ?? (() => {});
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // One connection LISTENs; the other carries every broadcast, so NOTIFYs commit in the order they
    // were emitted and each room's events arrive in number order, here and on the other instances
    // (with more, a burst's NOTIFYs raced and clients saw gaps). A payload too large for NOTIFY takes
    // two queries and may still be overtaken; the client holds the next event back until it arrives.
    max: 2,
    application_name: "sluice-socket-adapter",
  });
  // The adapter keeps one client checked out for LISTEN and watches only its 'end' (to reconnect). Two
  // gaps, closed here for every client: a checked-out client has no pool 'error' listener, so its error
  // (a restarted database, a terminated backend) would be an uncaught exception; and the adapter never
  // hands the dead client back, so the pool would count it as busy for ever (each outage would leak a
  // slot, and pool.end() would never finish). Releasing it with an error removes it from the pool; for a
  // client already released (idle, or after a failed pool.query) release throws, which means "nothing
  // to do". Idle clients' errors reach onError here, so the pool's own 'error' event is ignored.
  pool.on("connect", (client) => {
    client.on("error", onError);
    client.on("end", () => {
      try {
        client.release(new Error("connection ended"));
      } catch {}
    });
  });
  pool.on("error", () => {});
  io.adapter(createAdapter(pool, { tableName: SOCKET_ADAPTER_TABLE, errorHandler: onError }));

  let closed: Promise<void> | null = null;
  return () => {
    closed ??= (async () => {
      // Idempotent: io.close() may already have closed them; a second close only publishes a goodbye.
      for (const nsp of io._nsps.values()) await nsp.adapter.close();
      await pool.end();
    })();
    return closed;
  };
}
