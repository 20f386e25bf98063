import { type Db, Prisma } from "../db/client";
import type { DomainEvents } from "../services/events/event-bus";

/** The domain events dashboards receive, each through the rooms that may see it. */
export type RoomEventName = "rollout.changed" | "samples.ingested" | "freeze.changed" | "verdict.recorded";

/**
 * One event as sent to one room: `seq` counts that room's events from 1, without gaps; `at` is when the
 * service published it (epoch ms, the publishing instance's clock), the same in a later replay.
 */
export type RoomEvent = {
  [E in RoomEventName]: { room: string; seq: number; at: number; name: E; payload: DomainEvents[E] };
}[RoomEventName];

/** What a resuming client gets: exactly the events after its last one, or "start again from `head`". */
export type Replay = { events: RoomEvent[] } | { reset: true; head: number };

export interface JournalLimits {
  /** How long events are kept for replay; a client away longer refetches. */
  retentionMs: number;
  /** The most events one replay sends; a client further behind refetches. */
  maxReplay: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { retentionMs: 15 * 60_000, maxReplay: 1000 };

interface EventRow {
  room: string;
  seq: bigint;
  at: bigint;
  name: string;
  payload: unknown;
}

const toEvent = (row: EventRow) =>
  ({
    room: row.room,
    seq: Number(row.seq),
    at: Number(row.at),
    name: row.name,
    payload: row.payload,
  }) as RoomEvent;

/**
 * The publish time is kept in `created_at` (microsecond precision, so epoch ms survive the round trip
 * exactly): a replayed event carries the time it was first published, and retention counts from it.
 */
const AT_COLUMN = Prisma.sql`(extract(epoch FROM created_at) * 1000)::bigint AS at`;

/**
 * The realtime journal in PostgreSQL (migration 20261127110000_realtime_events), shared by every
 * instance: numbering happens in the database, so a client can resume on any instance.
 */
export function createEventJournal(db: Db, limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) {
  return {
    /**
     * Numbers and stores one event for one room, published at `at` (epoch ms); one statement, so number
     * and row commit together.
     */
    async append<E extends RoomEventName>(
      room: string,
      name: E,
      payload: DomainEvents[E],
      at: number,
    ): Promise<RoomEvent> {
      const [row] = await db.$queryRaw<EventRow[]>`
        WITH next AS (
          INSERT INTO realtime_room_heads (room, seq) VALUES (${room}, 1)
          ON CONFLICT (room) DO UPDATE SET seq = realtime_room_heads.seq + 1
          RETURNING seq
        )
        INSERT INTO realtime_events (room, seq, name, payload, created_at)
        SELECT ${room}, next.seq, ${name}, ${JSON.stringify(payload)}::jsonb, to_timestamp(${at}::float8 / 1000)
          FROM next
        RETURNING room, seq, name, payload, ${AT_COLUMN}`;
      if (!row) throw new Error(`realtime journal: no row numbered for room ${room}`);
      return toEvent(row);
    },

    /** The room's last number (0 before its first event): a new subscriber starts after it. */
    async head(room: string): Promise<number> {
      const [row] = await db.$queryRaw<{ seq: bigint }[]>`
        SELECT seq FROM realtime_room_heads WHERE room = ${room}`;
      return row ? Number(row.seq) : 0;
    },

    /** The events after `after`, in order, or a reset when some of them are no longer kept. */
    async replay(room: string, after: number): Promise<Replay> {
      const rows = await db.$queryRaw<EventRow[]>`
        SELECT room, seq, name, payload, ${AT_COLUMN} FROM realtime_events
         WHERE room = ${room} AND seq > ${after}
         ORDER BY seq LIMIT ${limits.maxReplay + 1}`;
      const head = await this.head(room);
      if (rows.length === 0) return after === head ? { events: [] } : { reset: true, head };
      const contiguous = Number(rows[0]?.seq) === after + 1 && rows.length <= limits.maxReplay;
      return contiguous ? { events: rows.map(toEvent) } : { reset: true, head };
    },

    /** Forgets events published longer ago than the retention, by the database's clock. */
    async prune(): Promise<number> {
      return db.$executeRaw`
        DELETE FROM realtime_events
         WHERE created_at < now() - make_interval(secs => ${limits.retentionMs / 1000})`;
    },
  };
}

export type EventJournal = ReturnType<typeof createEventJournal>;
