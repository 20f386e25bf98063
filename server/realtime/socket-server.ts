import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import type { Actor, Permission } from "../auth/permissions";
import { can } from "../auth/permissions";
import { sessionFromCookieHeader } from "../auth/session";
import type { SeriesPoint } from "../domain/metrics/cohort-sample";
import { isOwnOrigin } from "../http/csrf";
import { observeSocketClients } from "../observability/sluice-metrics";
import type { DomainEvents, EventBus } from "../services/events/event-bus";

export interface ServerToClientEvents {
  "rollout.changed": (event: DomainEvents["rollout.changed"]) => void;
  "samples.ingested": (event: { rolloutId: string; points: SeriesPoint[] }) => void;
  "freeze.changed": (event: DomainEvents["freeze.changed"]) => void;
  "verdict.recorded": (event: DomainEvents["verdict.recorded"]) => void;
}

export type SubscribeRoom = { rolloutId: string } | "overview";
export type Ack = (result: { ok: boolean; error?: string }) => void;

export interface ClientToServerEvents {
  subscribe: (room: SubscribeRoom, ack?: Ack) => void;
}

/**
 * The permission each client→server event needs, checked on every emit; an event with no entry here
 * cannot be handled (the compiler insists on one per event). The rooms an event may join are checked
 * again per room (ROOM_PERMISSIONS).
 */
export const SOCKET_EVENT_PERMISSIONS = {
  subscribe: "rollouts:read",
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
}

type SluiceSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const overviewRoom = "overview";
export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;

const roomSchema = z.union([
  z.literal(overviewRoom),
  z.object({ rolloutId: z.string().min(1, "rolloutId: must not be empty").max(64, "rolloutId: too long") }),
]);

export interface RealtimeOptions {
  secret: string;
  events: EventBus;
  /** Public origin of the dashboard: a browser handshake from any other origin is refused. */
  publicUrl?: string;
  now?: () => number;
}

/**
 * socket.io on the same HTTP server as Next. A connection needs a signed-in session (checked at the
 * handshake, from the same cookie as HTTP requests, and only from our own pages' origin); clients then
 * join the rooms their role may see. A connection lives no longer than its session: it is closed when
 * the session token expires (the client's automatic reconnect must then present a valid session), and
 * every event re-checks the expiry.
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

  io.use(async (socket, next) => {
    const { origin } = socket.handshake.headers;
    // Cross-site WebSocket hijacking: browsers always send Origin; other clients need not.
    if (origin && !isOwnOrigin(origin, socket.request, publicUrl)) {
      return next(new Error("forbidden origin"));
    }
    const session = await sessionFromCookieHeader(socket.handshake.headers.cookie, options.secret);
    if (!session || session.expiresAt <= now() || !can(session.actor.role, CONNECT_PERMISSION)) {
      return next(new Error("unauthorized"));
    }
    socket.data.actor = session.actor;
    socket.data.expiresAt = session.expiresAt;
    next();
  });

  const expiryTimers = new Set<NodeJS.Timeout>();

  io.on("connection", (socket) => {
    const timer = scheduleAt(socket.data.expiresAt, now, () => endSession(socket));
    expiryTimers.add(timer);
    socket.on("disconnect", () => {
      clearTimeout(timer);
      expiryTimers.delete(timer);
    });

    socket.on("subscribe", (room, ack) => {
      const reply: Ack = typeof ack === "function" ? ack : () => {};
      if (!allowed(socket, "subscribe", reply)) return;
      const parsed = roomSchema.safeParse(room);
      if (!parsed.success) return reply({ ok: false, error: "room: expected 'overview' or { rolloutId }" });
      const [name, permission] =
        parsed.data === overviewRoom
          ? [overviewRoom, ROOM_PERMISSIONS.overview]
          : [rolloutRoom(parsed.data.rolloutId), ROOM_PERMISSIONS.rollout];
      if (!can(socket.data.actor.role, permission)) {
        return reply({ ok: false, error: `Role ${socket.data.actor.role} may not ${permission}` });
      }
      socket.join(name);
      reply({ ok: true });
    });
  });

  /** Session still valid and the role may send this event; otherwise refuse (and drop a stale session). */
  function allowed(socket: SluiceSocket, event: keyof ClientToServerEvents, reply: Ack): boolean {
    if (socket.data.expiresAt <= now()) {
      reply({ ok: false, error: "session expired" });
      endSession(socket);
      return false;
    }
    const permission = SOCKET_EVENT_PERMISSIONS[event];
    if (can(socket.data.actor.role, permission)) return true;
    reply({ ok: false, error: `Role ${socket.data.actor.role} may not ${permission}` });
    return false;
  }

  const unsubscribers = [
    observeSocketClients(() => io.of("/").sockets.size),
    options.events.subscribe("rollout.changed", (event) => {
      io.to([overviewRoom, rolloutRoom(event.rolloutId)]).emit("rollout.changed", event);
    }),
    options.events.subscribe("freeze.changed", (event) => {
      // Every connection may read rollouts (CONNECT_PERMISSION), which is what a freeze affects.
      io.emit("freeze.changed", event);
    }),
    options.events.subscribe("verdict.recorded", (event) => {
      io.to([overviewRoom, rolloutRoom(event.rolloutId)]).emit("verdict.recorded", event);
    }),
    options.events.subscribe("samples.ingested", (event) => {
      io.to(rolloutRoom(event.rolloutId)).emit("samples.ingested", event);
    }),
  ];

  return {
    io,
    close: async () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
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
