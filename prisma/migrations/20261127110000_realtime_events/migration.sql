-- The realtime journal (server/realtime/event-journal.ts): every event sent to a socket.io room, numbered
-- per room without gaps, so a client that lost its connection can ask for exactly what it missed, from
-- whichever instance it reconnects to. socket.io's own connection state recovery keeps missed packets in
-- one process's memory and is not supported by the PostgreSQL adapter, hence this table.
-- Not modelled in schema.prisma: only the journal reads or writes it, with raw SQL.

-- The last number given out per room. Taking the next one locks the room's row until the event's
-- INSERT commits, so a room's events commit in number order and a rolled-back one leaves no hole.
CREATE TABLE realtime_room_heads (
    room  text PRIMARY KEY,
    seq   bigint NOT NULL
);

-- Recent events, pruned by age; a client further behind refetches instead of replaying.
CREATE TABLE realtime_events (
    room        text NOT NULL,
    seq         bigint NOT NULL,
    name        text NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room, seq)
);
CREATE INDEX realtime_events_created_at_idx ON realtime_events (created_at);
