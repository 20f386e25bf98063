"use client";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/realtime/socket-server";

export type SluiceSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: SluiceSocket | null = null;

/** Closes the tab's websocket (at sign-out, so no session-less socket lingers). */
export function closeSocket(): void {
  shared?.disconnect();
  shared = null;
}

/** One websocket per tab, shared by every component; the session cookie authenticates it. */
function getSocket(): SluiceSocket {
  shared ??= io({ transports: ["websocket"], withCredentials: true });
  return shared;
}

export type ConnectionState = "connecting" | "live" | "reconnecting";

/** Joins a room (and re-joins after every reconnect) and reports the connection state. */
export function useRoom(
  room: { rolloutId: string } | "overview",
  onEvent: (socket: SluiceSocket) => () => void,
) {
  const [state, setState] = useState<ConnectionState>("connecting");
  const key = typeof room === "string" ? room : room.rolloutId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the room is identified by key; onEvent is re-bound by its owner
  useEffect(() => {
    const socket = getSocket();
    const join = () => {
      socket.emit("subscribe", room, () => setState("live"));
    };
    const lost = () => setState("reconnecting");
    socket.on("connect", join);
    socket.on("disconnect", lost);
    socket.on("connect_error", lost);
    if (socket.connected) join();
    const unbind = onEvent(socket);
    return () => {
      socket.off("connect", join);
      socket.off("disconnect", lost);
      socket.off("connect_error", lost);
      unbind();
    };
  }, [key]);
  return state;
}
