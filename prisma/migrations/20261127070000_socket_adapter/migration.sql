-- socket.io's PostgreSQL adapter (@socket.io/postgres-adapter 0.5) stores here the broadcasts that do not
-- fit in a NOTIFY payload (over 8000 bytes, or binary) and deletes rows older than its cleanup interval.
-- The DDL is the adapter's own (its README); it is created once here because two instances running
-- CREATE TABLE IF NOT EXISTS at the same moment race on pg_type. Not modelled in schema.prisma: only
-- the adapter reads or writes it.
CREATE TABLE IF NOT EXISTS socket_io_attachments (
    id          bigserial UNIQUE,
    created_at  timestamptz DEFAULT NOW(),
    payload     bytea
);
