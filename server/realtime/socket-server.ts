import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Actor } from "../auth/permissions";
import { can } from "../auth/permissions";
import { actorFromCookieHeader } from "../auth/session";
import type { SeriesPoint } from "../domain/metrics/cohort-sample";
import type { DomainEvents, EventBus } from "../services/events/event-bus";

export interface ServerToClientEvents {
  "rollout.changed": (event: DomainEvents["rollout.changed"]) => void;
  "samples.ingested": (event: { rolloutId: string; points: SeriesPoint[] }) => void;
  "freeze.changed": (event: DomainEvents["freeze.changed"]) => void;
  "verdict.recorded": (event: DomainEvents["verdict.recorded"]) => void;
}

export interface ClientToServerEvents {
  subscribe: (
    room: { rolloutId: string } | "overview",
    ack?: (result: { ok: boolean; error?: string }) => void,
  ) => void;
}

interface SocketData {
  actor: Actor;
}

export const overviewRoom = "overview";
export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;

/**
 * socket.io on the same HTTP server as Next. A connection needs a signed-in session (checked at the
 * handshake, from the same cookie as HTTP requests); clients then join the rooms they watch.
 */
export function attachRealtime(httpServer: HttpServer, options: { secret: string; events: EventBus }) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      // Leave upgrade requests that are not socket.io's (Next's dev websocket) to their own handlers.
      destroyUpgrade: false,
      serveClient: false,
    },
  );

  io.use(async (socket, next) => {
    const actor = await actorFromCookieHeader(socket.handshake.headers.cookie, options.secret);
    if (!actor || !can(actor.role, "rollouts:read")) return next(new Error("unauthorized"));
    socket.data.actor = actor;
    next();
  });

  io.on("connection", (socket) => {
    socket.on("subscribe", (room, ack) => {
      if (room === overviewRoom) socket.join(overviewRoom);
      else if (typeof room?.rolloutId === "string" && room.rolloutId.length <= 64) {
        socket.join(rolloutRoom(room.rolloutId));
      } else return ack?.({ ok: false, error: "room: expected 'overview' or { rolloutId }" });
      ack?.({ ok: true });
    });
  });

  const unsubscribers = [
    options.events.subscribe("rollout.changed", (event) => {
      io.to([overviewRoom, rolloutRoom(event.rolloutId)]).emit("rollout.changed", event);
    }),
    options.events.subscribe("freeze.changed", (event) => {
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
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
