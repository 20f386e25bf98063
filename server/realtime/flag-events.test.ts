import { createServer } from "node:http";
import { type Socket as ClientSocket, io as connectClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionRevocations } from "../auth/session-revocation";
import { sessionCookie, TEST_SECRET } from "../http/http-test-server";
import { EventBus } from "../services/events/event-bus";
import { createFlag } from "../services/flags/create-flag";
import { setFlagKilled } from "../services/flags/kill-flag";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { freePort } from "../testing/free-port";
import type { RoomEvent } from "./event-journal";
import { attachPostgresAdapter } from "./postgres-adapter";
import { overviewRoom, rolloutRoom } from "./rooms";
import { attachRealtime } from "./socket-server";

/** The flag the demo's `search` rollout drives. */
const LINKED_FLAG = "search.semantic-ranking";

/**
 * Flag changes reach the dashboards: the overview (the Flags page) and the room of the rollout the flag
 * gates (its mechanism view), numbered and replayable like every room event, from any instance.
 */
describe("flag events on the realtime rooms", () => {
  let demo: DemoFixture;
  let rolloutId: string;
  const closers: (() => Promise<void>)[] = [];
  const sockets: ClientSocket[] = [];

  /** An instance over the demo's database, publishing from `events`. */
  async function startInstance(events: EventBus): Promise<string> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const httpServer = createServer();
    const sessions = createSessionRevocations({ db: demo.database.db, events });
    const realtime = attachRealtime(httpServer, {
      secret: TEST_SECRET,
      sessions,
      events,
      db: demo.database.db,
      publicUrl: url,
    });
    const closeAdapter = attachPostgresAdapter(realtime.io, demo.database.url);
    await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
    closers.push(async () => {
      await realtime.close();
      sessions.close();
      await closeAdapter();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    });
    return url;
  }

  async function connect(url: string) {
    const socket = connectClient(url, {
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { Cookie: await sessionCookie(demo.actor("viewer")) },
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

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let tries = 0; !condition(); tries++) {
      if (tries > 500) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    demo = await createDemoFixture();
    rolloutId = demo.rollouts.search as string;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const close of closers) await close();
    await demo?.database.drop();
  });

  it("sends a kill to the overview and the gated rollout's room, on another instance too", async () => {
    const here = await startInstance(demo.services.events); // where the flags are changed
    const there = await startInstance(new EventBus());
    const { socket, received } = await connect(there);
    await socket.timeout(10_000).emitWithAck("subscribe", overviewRoom);
    const { head } = (await socket.timeout(10_000).emitWithAck("subscribe", { rolloutId })) as {
      head: number;
    };
    // The other instance's LISTEN connection starts asynchronously: wait until a broadcast crosses.
    const probe = setInterval(
      () => demo.services.events.publish("freeze.changed", { incidentId: "probe" }),
      100,
    );
    await until(() => received.length > 0, "the adapter").finally(() => clearInterval(probe));

    const operator = demo.actor("operator");
    const manager = demo.actor("release_manager");
    await createFlag(demo.services, manager, {
      key: "search.unlinked",
      service: "search",
      variants: [
        { name: "on", value: true },
        { name: "off", value: false },
      ],
      defaultVariant: "off",
      offVariant: "off",
    });
    const killed = await setFlagKilled(demo.services, operator, LINKED_FLAG, true, "bad ranking");
    const flagEvents = () => received.filter((e) => e.name === "flag.changed"); // not the last probes
    await until(() => flagEvents().length === 3, "the flag events");
    const overviewHead = (flagEvents()[0]?.seq ?? 0) - 1;

    const flagEvent = (room: string, seq: number, key: string, version: number, linked: string | null) => ({
      room,
      seq,
      at: expect.any(Number),
      name: "flag.changed",
      payload: { kind: "flag", key, version, rolloutId: linked },
    });
    // A flag no rollout gates reaches the overview only; the killed one both rooms, in publish order.
    expect(flagEvents()).toEqual([
      flagEvent(overviewRoom, overviewHead + 1, "search.unlinked", 0, null),
      flagEvent(overviewRoom, overviewHead + 2, LINKED_FLAG, killed.version, rolloutId),
      flagEvent(rolloutRoom(rolloutId), head + 1, LINKED_FLAG, killed.version, rolloutId),
    ]);

    // Journaled like any room event: a client that missed it gets it in a replay.
    const late = await connect(here);
    expect(await late.socket.timeout(10_000).emitWithAck("resume", { rolloutId }, head)).toEqual({
      ok: true,
      events: [flagEvents()[2]],
    });
  });
});
