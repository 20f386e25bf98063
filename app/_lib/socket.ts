"use client";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { io, type Socket } from "socket.io-client";
import type { RoomEventName } from "../../server/realtime/event-journal";
import { RoomSequence } from "../../server/realtime/room-sequence";
import { roomName, type SubscribeRoom } from "../../server/realtime/rooms";
import type {
  ClientToServerEvents,
  RoomEvent,
  ServerToClientEvents,
} from "../../server/realtime/socket-server";
import type { DomainEvents } from "../../server/services/events/event-bus";
import { signInPath } from "../_components/require-session";

export type SluiceSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connecting" | "live" | "reconnecting";

/** What a component does with its room's events; `resync` when some were lost: refetch what it shows. */
export type RoomHandlers = { [E in RoomEventName]?: (payload: DomainEvents[E]) => void } & {
  resync?: () => void;
};

interface Listener {
  event(event: RoomEvent): void;
  resync(): void;
}

/** A room this tab follows: its event order, the components listening, and whether a replay is asked. */
interface RoomEntry {
  room: SubscribeRoom;
  sequence: RoomSequence<RoomEvent>;
  listeners: Set<Listener>;
  resuming: boolean;
}

const rooms = new Map<string, RoomEntry>();
let shared: SluiceSocket | null = null;
let connection: ConnectionState = "connecting";
const connectionWatchers = new Set<() => void>();

function setConnection(state: ConnectionState): void {
  connection = state;
  for (const watcher of connectionWatchers) watcher();
}

/** Closes the tab's websocket (at sign-out, so no session-less socket lingers). */
export function closeSocket(): void {
  shared?.disconnect();
  shared = null;
}

/** The wait before asking again after the server refused or ended the connection, doubled up to the cap. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/** One websocket per tab, shared by every component; the session cookie authenticates it. */
function getSocket(): SluiceSocket {
  if (shared) return shared;
  const socket: SluiceSocket = io({ transports: ["websocket"], withCredentials: true });
  // socket.io retries lost networks by itself, but not a connection the server refused at the handshake
  // ("unavailable" while its database is away) or ended itself (at shutdown): those are retried here.
  let retryMs = RETRY_FIRST_MS;
  const retryLater = () => {
    setTimeout(() => {
      if (shared === socket) socket.connect(); // not once closeSocket has dropped it
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
  socket.on("connect", () => {
    retryMs = RETRY_FIRST_MS;
    setConnection("live");
    for (const entry of rooms.values()) join(socket, entry);
  });
  socket.on("disconnect", (reason) => {
    setConnection("reconnecting");
    // An unanswered replay request died with the connection; the next connect asks again.
    for (const entry of rooms.values()) entry.resuming = false;
    if (reason === "io server disconnect") retryLater();
  });
  socket.on("connect_error", (error) => {
    setConnection("reconnecting");
    if (socket.active) return; // a network error: socket.io is already retrying
    // The session is over (expired, or ended by a sign-out or role change): sign in again, as pages do.
    if (error.message === "unauthorized") window.location.replace(signInPath());
    else retryLater();
  });
  socket.on("room.event", (event) => {
    const entry = rooms.get(event.room);
    if (entry?.sequence.receive(event)) resume(socket, entry);
  });
  shared = socket;
  return socket;
}

/** A refused subscribe or replay (the journal unreadable for a moment) is asked again after this. */
const REJOIN_MS = 2_000;

function rejoinLater(socket: SluiceSocket, entry: RoomEntry): void {
  setTimeout(() => {
    if (rooms.get(roomName(entry.room)) === entry && socket.connected) join(socket, entry);
  }, REJOIN_MS);
}

/**
 * First join: learn the room's last number, then have the components refetch, since what they loaded
 * before the subscription may miss an event sent in between. After a reconnect: ask for everything
 * after ours.
 */
function join(socket: SluiceSocket, entry: RoomEntry): void {
  if (entry.sequence.lastSeen !== null) {
    resume(socket, entry);
    return;
  }
  socket.emit("subscribe", entry.room, (result) => {
    if (!result.ok) return rejoinLater(socket, entry);
    entry.sequence.startAfter(result.head);
    for (const listener of entry.listeners) listener.resync();
  });
}

function resume(socket: SluiceSocket, entry: RoomEntry): void {
  const after = entry.sequence.lastSeen;
  if (entry.resuming || after === null || !socket.connected) return;
  entry.resuming = true;
  socket.emit("resume", entry.room, after, (result) => {
    entry.resuming = false;
    if (!result.ok) return rejoinLater(socket, entry);
    if ("reset" in result) {
      // Too far behind for a replay: the components refetch, and events continue after the head.
      for (const listener of entry.listeners) listener.resync();
      entry.sequence.startAfter(result.head);
    } else {
      for (const event of result.events) entry.sequence.receive(event);
    }
    if (entry.sequence.hasGap) resume(socket, entry);
  });
}

function follow(room: SubscribeRoom, listener: Listener): () => void {
  const key = roomName(room);
  const socket = getSocket();
  let entry = rooms.get(key);
  if (!entry) {
    const listeners = new Set<Listener>();
    const sequence = new RoomSequence<RoomEvent>((event) => {
      for (const each of listeners) each.event(event);
    });
    entry = { room, sequence, listeners, resuming: false };
    rooms.set(key, entry);
    if (socket.connected) join(socket, entry);
  }
  const followed = entry;
  followed.listeners.add(listener);
  return () => {
    followed.listeners.delete(listener);
    if (followed.listeners.size === 0) rooms.delete(key);
  };
}

/** The tab's connection: "reconnecting" while the server cannot be reached. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (watcher) => {
      connectionWatchers.add(watcher);
      return () => connectionWatchers.delete(watcher);
    },
    () => connection,
    () => "connecting",
  );
}

/**
 * Follows a room: each of its events reaches `handlers` once and in order, including the ones sent
 * while the connection was down (replayed after the reconnect). Returns the connection state.
 */
export function useRoom(room: SubscribeRoom, handlers: RoomHandlers): ConnectionState {
  const current = useRef(handlers);
  current.current = handlers;
  const key = roomName(room);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the room is identified by key; handlers are read through the ref
  useEffect(
    () =>
      follow(room, {
        event: (event) => {
          const handler = current.current[event.name] as
            | ((payload: RoomEvent["payload"]) => void)
            | undefined;
          handler?.(event.payload);
        },
        resync: () => current.current.resync?.(),
      }),
    [key],
  );
  return useConnectionState();
}
