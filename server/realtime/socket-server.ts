import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import type { Actor, Permission } from "../auth/permissions";
import { can } from "../auth/permissions";
import { type Session, sessionFromCookieHeader } from "../auth/session";
import { isSessionRevoked, type SessionRevocations } from "../auth/session-revocation";
import type { Db } from "../db/client";
import { isOwnOrigin } from "../http/csrf";
import type { UnknownTokenGuard } from "../http/rate-limit";
import { observeSocketClients } from "../observability/sluice-metrics";
import type { DomainEvents, EventBus } from "../services/events/event-bus";
import { authenticateToken } from "../services/tokens/authenticate-token";
import {
  createEventJournal,
  DEFAULT_JOURNAL_LIMITS,
  type JournalLimits,
  type Publication,
  type Replay,
  type RoomEvent,
  type RoomEventName,
} from "./event-journal";

import { overviewRoom, rolloutRoom, roomName, type SubscribeRoom } from "./rooms";

export type { RoomEvent } from "./event-journal";
export type { SubscribeRoom } from "./rooms";

export interface ServerToClientEvents {
  /**
   * Every room event, numbered per room (`seq`) so the client can order, de-duplicate and resume, and
   * stamped with its publish time (`at`, epoch ms), kept in a replay.
   */
  "room.event": (event: RoomEvent) => void;
}

type Refusal = { ok: false; error: string };
/** Joined: events numbered after `head` follow live. */
export type SubscribeResult = { ok: true; head: number } | Refusal;
/** Re-joined: the missed events in order, or a reset (refetch, then continue after `head`). */
export type ResumeResult = ({ ok: true } & Replay) | Refusal;

export interface ClientToServerEvents {
  subscribe: (room: SubscribeRoom, ack?: (result: SubscribeResult) => void) => void;
  resume: (room: SubscribeRoom, after: number, ack?: (result: ResumeResult) => void) => void;
}

/**
 * The permission each client→server event needs, checked on every emit; an event with no entry here
 * cannot be handled (the compiler insists on one per event). The rooms an event may join are checked
 * again per room (ROOM_PERMISSIONS).
 */
export const SOCKET_EVENT_PERMISSIONS = {
  subscribe: "rollouts:read",
  resume: "rollouts:read",
} as const satisfies Record<keyof ClientToServerEvents, Permission>;

/** Who may receive a room's events. Connecting needs "rollouts:read" (what the overview shows). */
export const ROOM_PERMISSIONS = {
  overview: "rollouts:read",
  rollout: "rollouts:read",
} as const satisfies Record<string, Permission>;
const CONNECT_PERMISSION: Permission = "rollouts:read";

interface SocketData {
  actor: Actor;
  /** Epoch ms when the session token used at connect expires. */
  expiresAt: number;
  /** When the user signed in (epoch ms); null for a machine's token, which has its own short life. */
  signedInAt: number | null;
}

type SluiceSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const roomSchema = z.union([
  z.literal(overviewRoom),
  z.object({ rolloutId: z.string().min(1, "rolloutId: must not be empty").max(64, "rolloutId: too long") }),
]);
const MACHINE_SESSION_MS = 3_600_000;
const MACHINE_PREFIX = "token:";
/** The most events numbered in one statement (a samples event can carry a few kB). */
const MAX_BATCH = 100;
const afterSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export interface RealtimeOptions {
  secret: string;
  /** Sessions ended on the server (sign-out, role change): refused at connect and dropped when open. */
  sessions: SessionRevocations;
  events: EventBus;
  /** Where room events are numbered and kept for resuming clients (shared by all instances). */
  db: Db;
  journalLimits?: JournalLimits;
  /** A room event that could not be journaled (and so was not sent): the database is unreachable. */
  onError?: (error: Error) => void;
  /** Public origin of the dashboard: a browser handshake from any other origin is refused. */
  publicUrl?: string;
  /**
   * Unknown tokens per client address, the same count the API and OFREP keep: a handshake guessing
   * tokens spends it, and past it the address's tokens are refused before any lookup.
   */
  unknownTokens?: UnknownTokenGuard;
  now?: () => number;
}

/**
 * socket.io on the same HTTP server as Next. A connection needs a signed-in session (checked at the
 * handshake, from the same cookie as HTTP requests, and only from our own pages' origin) or a machine's
 * API token (machineSession); clients then
 * join the rooms their role may see. A connection lives no longer than its session: it is closed when
 * the session token expires (the client's automatic reconnect must then present a valid session), and
 * every event re-checks the expiry. A session ended on the server (sign-out, role change) is dropped at
 * once on this instance, and within the revocation cache's bound on the others: every event re-checks
 * it, and a sweep of this instance's sockets does too at that interval.
 */
export function attachRealtime(httpServer: HttpServer, options: RealtimeOptions) {
  const now = options.now ?? Date.now;
  const publicUrl = options.publicUrl ?? process.env.NEXTAUTH_URL;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      // Leave upgrade requests that are not socket.io's (Next's dev websocket) to their own handlers.
      destroyUpgrade: false,
      serveClient: false,
    },
  );

  const onError = options.onError ?? (() => {});

  io.use(async (socket, next) => {
    const { origin } = socket.handshake.headers;
    // Cross-site WebSocket hijacking: browsers always send Origin; other clients need not.
    if (origin && !isOwnOrigin(origin, socket.request, publicUrl)) {
      return next(new Error("forbidden origin"));
    }
    const token = socket.handshake.auth?.token;
    if (typeof token === "string" && options.unknownTokens?.check(socket.request).allowed === false) {
      return next(new Error("too many unknown tokens"));
    }
    let session: Awaited<ReturnType<typeof machineSession>> | Session | null;
    try {
      session =
        typeof token === "string"
          ? await machineSession(token, socket.request)
          : await sessionFromCookieHeader(socket.handshake.headers.cookie, options.secret, options.sessions);
    } catch (error) {
      onError(error as Error); // the database is away; the page retries with back-off (app/_lib/socket.ts)
      return next(new Error("unavailable"));
    }
    if (!session || session.expiresAt <= now() || !can(session.actor.role, CONNECT_PERMISSION)) {
      return next(new Error("unauthorized"));
    }
    socket.data.actor = session.actor;
    socket.data.expiresAt = session.expiresAt;
    socket.data.signedInAt = session.signedInAt;
    next();
  });

  /**
   * A machine (a controller, a bot) connects with an API token of scope `read` in the handshake's
   * `auth.token` and sees what a viewer sees. The sweep drops it once the token is revoked or expired;
   * it reconnects (and is checked again) at least every MACHINE_SESSION_MS.
   */
  async function machineSession(token: string, request: IncomingMessage) {
    const services = { db: options.db, events: options.events, now: () => new Date(now()) };
    const found = await authenticateToken(services, `Bearer ${token}`);
    if (!found) options.unknownTokens?.strike(request);
    if (!found?.scopes.includes("read")) return null;
    return {
      actor: { id: `${MACHINE_PREFIX}${found.id}`, name: `token/${found.name}`, role: "viewer" as const },
      expiresAt: now() + MACHINE_SESSION_MS,
      signedInAt: null,
    };
  }

  /** A machine's token is still unrevoked and unexpired. */
  async function isTokenActive(tokenId: string): Promise<boolean> {
    const active = await options.db.apiToken.count({
      where: {
        id: tokenId,
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(now()) } }],
      },
    });
    return active > 0;
  }

  const expiryTimers = new Set<NodeJS.Timeout>();
  const limits = options.journalLimits ?? DEFAULT_JOURNAL_LIMITS;
  const journal = createEventJournal(options.db, limits);

  // This instance's events are numbered and sent in the order they were published. Each is stamped
  // here, as the service publishes it, so its `at` counts the wait and the numbering too. What is
  // published while a batch is being numbered goes in the next batch, one statement for all of it: a
  // burst (a busy ingest's samples) costs one round trip rather than one per event and room, and so
  // cannot queue a kill behind it for long.
  const pending: Publication[] = [];
  let sending: Promise<void> | null = null;
  function send<E extends RoomEventName>(rooms: string[], name: E, payload: DomainEvents[E]): void {
    const at = now();
    for (const room of rooms) pending.push({ room, at, name, payload } as Publication);
    // From a microtask: the events a service publishes together are numbered together.
    sending ??= Promise.resolve().then(sendPending);
  }
  async function sendPending(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, MAX_BATCH);
      try {
        for (const event of await journal.append(batch)) io.to(event.room).emit("room.event", event);
      } catch (error) {
        onError(error as Error);
      }
    }
    sending = null;
  }

  io.on("connection", (socket) => {
    const timer = scheduleAt(socket.data.expiresAt, now, () => endSession(socket));
    expiryTimers.add(timer);
    socket.on("disconnect", () => {
      clearTimeout(timer);
      expiryTimers.delete(timer);
    });

    socket.on("subscribe", async (room, ack) => {
      const reply = replyTo(ack);
      const name = await join(socket, "subscribe", room, reply);
      if (!name) return;
      await answerFromJournal(socket, name, reply, async () => ({
        ok: true as const,
        head: await journal.head(name),
      }));
    });

    // After a reconnect: re-join, then send what the room had after the client's last event. Joining
    // first means an event numbered during the read arrives live as well (the client drops the copy).
    socket.on("resume", async (room, after, ack) => {
      const reply = replyTo(ack);
      if (!(await allowed(socket, "resume", reply))) return; // before validation: strangers learn nothing
      const last = afterSchema.safeParse(after);
      if (!last.success)
        return reply({ ok: false, error: "after: expected the last seq seen, an integer ≥ 0" });
      const name = await join(socket, "resume", room, reply);
      if (!name) return;
      await answerFromJournal(socket, name, reply, async () => ({
        ok: true as const,
        ...(await journal.replay(name, last.data)),
      }));
    });
  });

  /** Joins the socket to the room if its session and role allow; the room's name, or null if refused. */
  async function join(
    socket: SluiceSocket,
    event: keyof ClientToServerEvents,
    room: unknown,
    reply: (refusal: Refusal) => void,
  ): Promise<string | null> {
    if (!(await allowed(socket, event, reply))) return null;
    const parsed = roomSchema.safeParse(room);
    if (!parsed.success) {
      reply({ ok: false, error: "room: expected 'overview' or { rolloutId }" });
      return null;
    }
    const permission = parsed.data === overviewRoom ? ROOM_PERMISSIONS.overview : ROOM_PERMISSIONS.rollout;
    if (!can(socket.data.actor.role, permission)) {
      reply({ ok: false, error: `Role ${socket.data.actor.role} may not ${permission}` });
      return null;
    }
    const name = roomName(parsed.data);
    socket.join(name);
    return name;
  }

  /** Replies with what the journal says; if it cannot be read, leaves the room (the client retries). */
  async function answerFromJournal<R>(
    socket: SluiceSocket,
    room: string,
    reply: (result: R | Refusal) => void,
    read: () => Promise<R>,
  ): Promise<void> {
    try {
      reply(await read());
    } catch (error) {
      socket.leave(room);
      onError(error as Error);
      reply({ ok: false, error: "realtime journal unavailable" });
    }
  }

  /** Session still valid and the role may send this event; otherwise refuse (and drop a stale session). */
  async function allowed(
    socket: SluiceSocket,
    event: keyof ClientToServerEvents,
    reply: (refusal: Refusal) => void,
  ): Promise<boolean> {
    if (socket.data.expiresAt <= now()) {
      reply({ ok: false, error: "session expired" });
      endSession(socket);
      return false;
    }
    const current = await isCurrent(socket).catch((error: Error) => {
      onError(error);
      return null;
    });
    if (current === null) {
      reply({ ok: false, error: "session check unavailable" });
      return false;
    }
    if (!current) {
      reply({ ok: false, error: "session ended" });
      endSession(socket);
      return false;
    }
    const permission = SOCKET_EVENT_PERMISSIONS[event];
    if (can(socket.data.actor.role, permission)) return true;
    reply({ ok: false, error: `Role ${socket.data.actor.role} may not ${permission}` });
    return false;
  }

  /** Whether the socket's session has not been ended on the server, or its machine token revoked. */
  async function isCurrent(socket: SluiceSocket): Promise<boolean> {
    const { actor, signedInAt } = socket.data;
    if (actor.id.startsWith(MACHINE_PREFIX)) return isTokenActive(actor.id.slice(MACHINE_PREFIX.length));
    return signedInAt === null || options.sessions.isCurrent({ userId: actor.id, signedInAt });
  }

  /** Drops this instance's sockets whose sessions were ended, here or on another instance. */
  async function sweepEndedSessions(): Promise<void> {
    for (const socket of io.of("/").sockets.values()) {
      if (!(await isCurrent(socket))) endSession(socket);
    }
  }
  const sweeping = setInterval(
    () => sweepEndedSessions().catch((error: Error) => onError(error)),
    options.sessions.ttlMs,
  );
  sweeping.unref();

  const unsubscribers = [
    observeSocketClients(() => io.of("/").sockets.size),
    // Ended on this instance: drop the user's older sockets now rather than at the next sweep.
    options.events.subscribe("sessions.revoked", ({ userId, validFrom }) => {
      for (const socket of io.of("/").sockets.values()) {
        const { actor, signedInAt } = socket.data;
        if (actor.id === userId && signedInAt !== null && isSessionRevoked(signedInAt, validFrom)) {
          endSession(socket);
        }
      }
    }),
    options.events.subscribe("rollout.changed", (event) => {
      send([overviewRoom, rolloutRoom(event.rolloutId)], "rollout.changed", event);
    }),
    options.events.subscribe("freeze.changed", (event) => {
      // Every page joins the overview (the freeze banner), and a freeze concerns every rollout.
      send([overviewRoom], "freeze.changed", event);
    }),
    options.events.subscribe("verdict.recorded", (event) => {
      send([overviewRoom, rolloutRoom(event.rolloutId)], "verdict.recorded", event);
    }),
    options.events.subscribe("samples.ingested", (event) => {
      send([rolloutRoom(event.rolloutId)], "samples.ingested", event);
    }),
    options.events.subscribe("flag.changed", (event) => {
      // The Flags page lists every flag; a rollout's page shows the flag it drives.
      const gated = event.kind === "flag" && event.rolloutId !== null ? [rolloutRoom(event.rolloutId)] : [];
      send([overviewRoom, ...gated], "flag.changed", event);
    }),
  ];
  const pruning = setInterval(
    () => journal.prune().catch((error: Error) => onError(error)),
    Math.min(limits.retentionMs, 60_000),
  );
  pruning.unref();

  return {
    io,
    close: async () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      clearInterval(pruning);
      clearInterval(sweeping);
      await sending;
      for (const timer of expiryTimers) clearTimeout(timer);
      // Only this instance's sockets: with the PostgreSQL adapter the plain call reaches every instance.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/**
 * Ends a connection whose session is over by closing its transport: rooms are left at once, and the
 * client's automatic reconnect must pass the handshake again, which it does only with a fresh session
 * cookie (next-auth renews it while the user is active) and not after sign-out or expiry.
 */
function endSession(socket: SluiceSocket): void {
  socket.leave(overviewRoom);
  for (const room of socket.rooms) if (room !== socket.id) socket.leave(room);
  socket.conn.close();
}

/** setTimeout for a wall-clock moment. Past Node's 32-bit limit (~24 days) it fires early, which only
 * makes the client reconnect. */
function scheduleAt(at: number, now: () => number, fn: () => void): NodeJS.Timeout {
  return setTimeout(fn, Math.min(Math.max(0, at - now()), 2 ** 31 - 1));
}

/** Acks are optional for a client; a missing one is answered into the void. */
function replyTo<R>(ack: ((result: R) => void) | undefined): (result: R) => void {
  return typeof ack === "function" ? ack : () => {};
}
