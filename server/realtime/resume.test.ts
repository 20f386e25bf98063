import { createServer } from "node:http";
import { type Socket as ClientSocket, io as connectClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionRevocations } from "../auth/session-revocation";
import { sessionCookie, TEST_SECRET } from "../http/http-test-server";
import { EventBus } from "../services/events/event-bus";
import { freePort } from "../testing/free-port";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { createEventJournal, type RoomEvent } from "./event-journal";
import { attachPostgresAdapter } from "./postgres-adapter";
import { RoomSequence } from "./room-sequence";
import { rolloutRoom } from "./rooms";
import { attachRealtime } from "./socket-server";

interface Instance {
  url: string;
  events: EventBus;
  /** Moves this instance's clock (session expiry) forward. */
  skipAhead(ms: number): void;
  close(): Promise<void>;
}

const MAX_REPLAY = 5;

/**
 * Resuming after a disconnect, across two instances joined by the PostgreSQL adapter: the client
 * reconnects to the other instance, as it would behind a load balancer.
 */
describe("realtime resume", () => {
  let database: TestDatabase;
  let a: Instance;
  let b: Instance;
  let rolloutId: string;
  let room: string;
  const sockets: ClientSocket[] = [];

  async function startInstance(): Promise<Instance> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const httpServer = createServer();
    const events = new EventBus();
    let offset = 0;
    const sessions = createSessionRevocations({ db: database.db, events });
    const realtime = attachRealtime(httpServer, {
      secret: TEST_SECRET,
      sessions,
      events,
      db: database.db,
      publicUrl: url,
      journalLimits: { retentionMs: 15 * 60_000, maxReplay: MAX_REPLAY },
      now: () => Date.now() + offset,
    });
    const closeAdapter = attachPostgresAdapter(realtime.io, database.url);
    await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
    return {
      url,
      events,
      skipAhead: (ms) => {
        offset += ms;
      },
      close: async () => {
        await realtime.close();
        sessions.close();
        await closeAdapter();
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      },
    };
  }

  /** A signed-in client that records every room event it receives. */
  async function connect(instance: Instance, role: "viewer" | "operator" = "viewer") {
    const socket = connectClient(instance.url, {
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { Cookie: await sessionCookie({ id: `user-${role}`, name: role, role }) },
    });
    sockets.push(socket);
    const received: RoomEvent[] = [];
    socket.on("room.event", (event: RoomEvent) => received.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    return { socket, received };
  }

  const journal = () => createEventJournal(database.db);

  /** Polls a condition on a slow machine: no fixed sleeps, a generous limit. */
  async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let tries = 0; !(await condition()); tries++) {
      if (tries > 500) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until the room's journal reaches `seq` (events are numbered asynchronously after publish). */
  const journaled = (seq: number) =>
    until(async () => (await journal().head(room)) >= seq, `event ${seq} of room ${room}`);

  const changed = (version: number) => ({ rolloutId, version, state: "running", exposurePercent: version });

  beforeAll(async () => {
    // Rooms are names: the session is all a connection needs, so no rollout rows are seeded.
    database = await createTestDatabase();
    rolloutId = "rollout-resume-test";
    room = rolloutRoom(rolloutId);
    a = await startInstance();
    b = await startInstance();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it("replays exactly the events missed while disconnected, in order, on another instance", async () => {
    const first = await connect(a);
    const subscribed = await first.socket.timeout(10_000).emitWithAck("subscribe", { rolloutId });
    expect(subscribed).toEqual({ ok: true, head: expect.any(Number) });
    const head = (subscribed as { head: number }).head;
    // Stays connected throughout: what it receives live is what a replay must repeat, stamps included.
    const watcher = await connect(b);
    await watcher.socket.timeout(10_000).emitWithAck("subscribe", { rolloutId });

    const beforePublish = Date.now();
    a.events.publish("rollout.changed", changed(1));
    await until(() => first.received.length === 1, "the live event");
    const afterDelivery = Date.now();
    expect(first.received).toEqual([
      { room, seq: head + 1, at: expect.any(Number), name: "rollout.changed", payload: changed(1) },
    ]);
    const [live] = first.received as [RoomEvent];
    expect(live.at).toBeGreaterThanOrEqual(beforePublish);
    expect(live.at).toBeLessThanOrEqual(afterDelivery);
    first.socket.disconnect();

    // Meanwhile: events from both instances, numbered in one sequence for the room.
    a.events.publish("rollout.changed", changed(2));
    a.events.publish("rollout.changed", changed(3));
    await journaled(head + 3);
    // Published on a clock a minute behind: the stamp is the publisher's, not the journal's own time.
    b.skipAhead(-60_000);
    const beforeLatePublish = Date.now();
    b.events.publish("rollout.changed", changed(4)); // stamped during the call
    const afterLatePublish = Date.now();
    b.skipAhead(60_000);
    await journaled(head + 4);
    await until(() => watcher.received.length === 4, "the watcher's live copies");
    expect(watcher.received.map((e) => e.seq)).toEqual([1, 2, 3, 4].map((n) => head + n));
    const late = watcher.received[3] as RoomEvent;
    expect(late.at).toBeGreaterThanOrEqual(beforeLatePublish - 60_000);
    expect(late.at).toBeLessThanOrEqual(afterLatePublish - 60_000);

    const second = await connect(b);
    const delivered: RoomEvent[] = [];
    const sequence = new RoomSequence<RoomEvent>((event) => delivered.push(event));
    sequence.startAfter(head + 1); // what the first connection had seen
    second.socket.on("room.event", (event: RoomEvent) => sequence.receive(event));
    const resumed = await second.socket.timeout(10_000).emitWithAck("resume", { rolloutId }, head + 1);
    expect(resumed).toEqual({
      ok: true,
      events: [2, 3, 4].map((n) => ({
        room,
        seq: head + n,
        at: expect.any(Number),
        name: "rollout.changed",
        payload: changed(n),
      })),
    });
    // Each replayed event is the one sent live, publish time included.
    expect((resumed as { events: RoomEvent[] }).events).toEqual(watcher.received.slice(1));
    for (const event of (resumed as { events: RoomEvent[] }).events) sequence.receive(event);

    // Live again, through the adapter from the other instance; a second copy of a replayed event is dropped.
    a.events.publish("rollout.changed", changed(5));
    await until(() => second.received.length === 1, "the live event after resuming");
    sequence.receive({ room, seq: head + 3, at: 0, name: "rollout.changed", payload: changed(3) });
    expect(delivered.map((e) => e.payload)).toEqual([2, 3, 4, 5].map(changed));
    expect(delivered.map((e) => e.seq)).toEqual([2, 3, 4, 5].map((n) => head + n));
  });

  it("answers 'nothing missed' with no events, and a reset when the client is further behind than kept", async () => {
    const { socket } = await connect(b);
    const head = await journal().head(room);
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, head)).toEqual({
      ok: true,
      events: [],
    });
    for (let n = 1; n <= MAX_REPLAY + 1; n++) a.events.publish("rollout.changed", changed(10 + n));
    await journaled(head + MAX_REPLAY + 1);
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, head)).toEqual({
      ok: true,
      reset: true,
      head: head + MAX_REPLAY + 1,
    });
    // Events pruned by age cannot be replayed either.
    await createEventJournal(database.db, { retentionMs: 0, maxReplay: MAX_REPLAY }).prune();
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, head + MAX_REPLAY)).toEqual({
      ok: true,
      reset: true,
      head: head + MAX_REPLAY + 1,
    });
    // A number from before the database's current life (ahead of the head) means: start again.
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, 10 ** 9)).toEqual({
      ok: true,
      reset: true,
      head: head + MAX_REPLAY + 1,
    });
  });

  it("keeps each room's numbering separate: the overview counts its own events", async () => {
    const { socket, received } = await connect(a);
    const overview = await socket.timeout(10_000).emitWithAck("subscribe", "overview");
    const overviewHead = (overview as { head: number }).head;
    const rolloutHead = await journal().head(room);
    a.events.publish("verdict.recorded", {
      rolloutId,
      stepIndex: 0,
      intervalEnd: 1,
      decision: "hold",
      reason: "test",
      gates: [],
    });
    await until(() => received.length === 1, "the overview's copy");
    expect(received.map((e) => [e.room, e.seq])).toEqual([["overview", overviewHead + 1]]);
    await journaled(rolloutHead + 1);
  });

  it("delivers a burst, numbered together, in number order on both instances", async () => {
    const here = await connect(a);
    const there = await connect(b);
    const overview = (await here.socket.timeout(10_000).emitWithAck("subscribe", "overview")) as {
      head: number;
    };
    await there.socket.timeout(10_000).emitWithAck("subscribe", "overview");
    const burst = 30;
    for (let n = 1; n <= burst; n++) a.events.publish("freeze.changed", { incidentId: `burst-${n}` });
    await until(() => here.received.length === burst && there.received.length === burst, "the burst");
    // Arrival order is number order: no client has to hold an event back and ask for a replay.
    const expected = Array.from({ length: burst }, (_, k) => overview.head + k + 1);
    expect(here.received.map((e) => e.seq)).toEqual(expected);
    expect(there.received.map((e) => e.seq)).toEqual(expected);
    expect(there.received.map((e) => e.payload)).toEqual(
      Array.from({ length: burst }, (_, k) => ({ incidentId: `burst-${k + 1}` })),
    );
  });

  it("applies authorization on resume: a bad request or an expired session gets nothing", async () => {
    const { socket, received } = await connect(b, "operator");
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId: "" }, 0)).toEqual({
      ok: false,
      error: "room: expected 'overview' or { rolloutId }",
    });
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, -1)).toEqual({
      ok: false,
      error: "after: expected the last seq seen, an integer ≥ 0",
    });
    b.skipAhead(2 * 3600_000); // past the session's expiry
    const disconnected = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
    expect(await socket.timeout(10_000).emitWithAck("resume", { rolloutId }, 0)).toEqual({
      ok: false,
      error: "session expired",
    });
    await disconnected;
    expect(received).toEqual([]);
    b.skipAhead(-2 * 3600_000);
  });
});
