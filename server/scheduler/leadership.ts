import pg from "pg";
import { ADVISORY_LOCKS } from "../db/advisory-locks";

/** Session-level: held by the leader for its whole term (see db/advisory-locks.ts). */
export const LEADER_LOCK_KEY = ADVISORY_LOCKS.leader;

export interface LeadershipOptions {
  databaseUrl: string;
  /** Starts the background loops; returns what stops them. Runs each time this instance is elected. */
  onElected: () => Promise<() => Promise<void>>;
  log: (line: string) => void;
  /** How often a follower tries to take the lock, and how often the leader checks its connection. */
  retryMs?: number;
  lockKey?: number;
}

export interface Leadership {
  /** True while this instance holds the lock and its loops run. */
  isLeader(): boolean;
  /** Stops the loops (if leading), then releases the lock by closing the session. */
  stop(): Promise<void>;
}

/**
 * Exactly one instance runs the background loops: the one holding a session-level advisory lock on
 * its own connection (never a pooled one, which could hand the session to someone else). When the
 * leader's process dies, PostgreSQL ends its session and frees the lock (when its host or network
 * goes silent, the server's idle_session_timeout ends it); a follower, trying every `retryMs`, takes
 * it. A leader that loses its connection (an 'error' or 'end' event, or a heartbeat query that fails
 * or times out) stops its loops at once and starts over as a follower. The loops' commands are
 * idempotent and compare-and-set on the rollout's version, so the few seconds two instances may
 * overlap cannot apply a step twice (docs/decisions/0008-scale-out.md).
 */
export function startLeadership(options: LeadershipOptions): Leadership {
  const retryMs = options.retryMs ?? 2000;
  // A heartbeat that hangs (a silent network) counts as a lost connection.
  const heartbeatTimeoutMs = Math.max(retryMs, 5000);
  // The server ends our session after this long without a query: a vanished host's session (and the
  // lock) would otherwise live on until TCP keepalive defaults notice, over two hours. Heartbeats reach
  // the server at most `retryMs` apart, and the leader steps down at most `retryMs + heartbeatTimeoutMs`
  // after the network goes silent, so this is later than that, with 2 s to spare: no overlap.
  const sessionTimeoutMs = heartbeatTimeoutMs + 2 * retryMs + 2000;
  const key = options.lockKey ?? LEADER_LOCK_KEY;
  let stopped = false;
  let client: pg.Client | null = null;
  let stopLoops: (() => Promise<void>) | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lastProblem = "";

  // Ticks, lost connections and stop() run one at a time, in order.
  let queue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error) => options.log(`leadership: ${describeError(error)}`));
    return queue;
  };

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void serially(tick), retryMs);
  };

  async function tick() {
    if (stopped) return;
    try {
      if (stopLoops && client) await client.query("SELECT 1");
      else await tryToLead();
      lastProblem = "";
    } catch (error) {
      // Logged once per distinct problem, not every retry while the database is away.
      const problem = describeError(error);
      if (problem !== lastProblem) options.log(`leadership: ${problem}`);
      lastProblem = problem;
      if (client) await lose(client, error);
    }
    schedule();
  }

  async function tryToLead() {
    client ??= await connect();
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      key,
    ]);
    if (!rows[0]?.locked) return;
    options.log("leadership: elected; starting the background loops");
    try {
      stopLoops = await options.onElected();
    } catch (error) {
      options.log(`leadership: the background loops failed to start: ${describeError(error)}`);
      await client.query("SELECT pg_advisory_unlock($1)", [key]);
    }
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: "sluice-leadership",
      keepAlive: true,
      connectionTimeoutMillis: heartbeatTimeoutMs,
      query_timeout: heartbeatTimeoutMs,
    });
    c.on("error", (error) => void serially(() => lose(c, error)));
    c.on("end", () => void serially(() => lose(c, new Error("connection ended"))));
    try {
      await c.connect();
      // This session only ever carries the lock and heartbeats, never a transaction, so it is idle
      // between them and idle_session_timeout (PostgreSQL 14+) applies. tcp_user_timeout also bounds
      // a write to a dead host, during which the session is not idle.
      await c.query(
        `SET idle_session_timeout = ${sessionTimeoutMs}; SET tcp_user_timeout = ${sessionTimeoutMs}`,
      );
    } catch (error) {
      c.end().catch(() => {});
      throw error;
    }
    return c;
  }

  /** The session is gone (or doubtful), and the lock with it: step down now, then retry as a follower. */
  async function lose(c: pg.Client, reason: unknown) {
    if (c !== client) return;
    client = null;
    // Not awaited: on a dead socket, end() may wait for a goodbye that never comes.
    c.end().catch(() => {});
    const stop = stopLoops;
    stopLoops = null;
    if (!stop) return;
    options.log(
      `leadership: lost the database session (${describeError(reason)}); stopping the background loops`,
    );
    try {
      await stop();
    } finally {
      schedule();
    }
  }

  void serially(tick);

  return {
    isLeader: () => stopLoops !== null,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await serially(async () => {
        const stop = stopLoops;
        stopLoops = null;
        const c = client;
        client = null;
        // Heartbeats go on while the loops wind down, or the server could end the session first.
        const heartbeat = c && setInterval(() => c.query("SELECT 1").catch(() => {}), retryMs);
        try {
          // Loops first, lock second: no moment with two instances running them.
          if (stop) await stop();
        } finally {
          clearInterval(heartbeat ?? undefined);
          await c?.end().catch(() => {});
        }
      });
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
