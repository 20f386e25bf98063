import { type Db, Prisma } from "../db/client";
import type { DomainEvents } from "../services/events/event-bus";

/** The domain events dashboards receive, each through the rooms that may see it. */
export type RoomEventName =
  | "rollout.changed"
  | "samples.ingested"
  | "freeze.changed"
  | "verdict.recorded"
  | "flag.changed";

/**
 * One event as sent to one room: `seq` counts that room's events from 1, without gaps; `at` is when the
 * service published it (epoch ms, the publishing instance's clock), the same in a later replay.
 */
export type RoomEvent = {
  [E in RoomEventName]: { room: string; seq: number; at: number; name: E; payload: DomainEvents[E] };
}[RoomEventName];

/** One event published for one room, not yet numbered; `at` as in RoomEvent. */
export type Publication = {
  [E in RoomEventName]: { room: string; at: number; name: E; payload: DomainEvents[E] };
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

/** Each room's numbered events (in number order) matched to its publications, in the order given. */
function inPublicationOrder(publications: Publication[], events: RoomEvent[]): RoomEvent[] {
  const byRoom = new Map<string, RoomEvent[]>();
  for (const event of [...events].sort((x, y) => x.seq - y.seq)) {
    const room = byRoom.get(event.room);
    if (room) room.push(event);
    else byRoom.set(event.room, [event]);
  }
  return publications.map(({ room }) => {
    const next = byRoom.get(room)?.shift();
    if (!next) throw new Error(`realtime journal: no number given for an event of room ${room}`);
    return next;
  });
}

/**
 * The realtime journal in PostgreSQL (migration 20261127110000_realtime_events), shared by every
 * instance: numbering happens in the database, so a client can resume on any instance.
 */
export function createEventJournal(db: Db, limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) {
  return {
    /**
     * Numbers and stores events published for rooms, in one statement however many (a burst costs one
     * round trip): each room's events take that room's next numbers in the order given, and numbers
     * and rows commit together. Returns the numbered events in the order given.
     */
    async append(publications: Publication[]): Promise<RoomEvent[]> {
      if (publications.length === 0) return [];
      // Heads are locked in room-name order, so two instances' batches cannot deadlock on them.
      const rows = await db.$queryRaw<EventRow[]>`
        WITH input AS (
          SELECT e->>'room' AS room, e->>'name' AS name, e->'payload' AS payload,
                 (e->>'at')::float8 AS at, ord
            FROM jsonb_array_elements(${JSON.stringify(publications)}::jsonb) WITH ORDINALITY AS x(e, ord)
        ), counts AS (
          SELECT room, count(*) AS n FROM input GROUP BY room
        ), heads AS (
          INSERT INTO realtime_room_heads (room, seq)
          SELECT room, n FROM counts ORDER BY room
          ON CONFLICT (room) DO UPDATE SET seq = realtime_room_heads.seq + EXCLUDED.seq
          RETURNING room, seq
        )
        INSERT INTO realtime_events (room, seq, name, payload, created_at)
        SELECT input.room, heads.seq - counts.n + row_number() OVER (PARTITION BY input.room ORDER BY input.ord),
               input.name, input.payload, to_timestamp(input.at / 1000)
          FROM input JOIN counts USING (room) JOIN heads USING (room)
        RETURNING room, seq, name, payload, ${AT_COLUMN}`;
      return inPublicationOrder(publications, rows.map(toEvent));
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
