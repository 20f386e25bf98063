import net from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { LEADER_LOCK_KEY, type Leadership, startLeadership } from "./leadership";

const RETRY_MS = 100;

interface Instance {
  name: string;
  leadership: Leadership;
  elected: number;
  stopped: number;
  electedAt?: number;
  stoppedAt?: number;
}

describe("leadership", () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let running: Instance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(running.map((instance) => instance.leadership.stop()));
    running = [];
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  function start(name: string, databaseUrl = database.url, stopMs = 0): Instance {
    const instance: Instance = {
      name,
      elected: 0,
      stopped: 0,
      leadership: undefined as unknown as Leadership,
    };
    instance.leadership = startLeadership({
      databaseUrl,
      retryMs: RETRY_MS,
      log: () => {},
      onElected: async () => {
        instance.elected += 1;
        instance.electedAt = Date.now();
        return async () => {
          await sleep(stopMs);
          instance.stopped += 1;
          instance.stoppedAt = Date.now();
        };
      },
    });
    running.push(instance);
    return instance;
  }

  const leaders = () => running.filter((instance) => instance.leadership.isLeader());

  /** The pid of the session holding the leader lock in this database, if any. */
  async function lockHolderPid(): Promise<number | undefined> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND d.datname = current_database()`,
      [LEADER_LOCK_KEY],
    );
    return rows[0]?.pid;
  }

  it("elects exactly one of two instances, and keeps it", async () => {
    const a = start("a");
    const b = start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    // Many retry periods later, still one leader, elected once.
    await sleep(RETRY_MS * 10);
    expect(leaders()).toHaveLength(1);
    expect(a.elected + b.elected).toBe(1);
    expect(await lockHolderPid()).toBeTypeOf("number");
  });

  it("hands over within a few seconds when the leader stops, and stop() releases the lock", async () => {
    start("a");
    start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    const [leader] = leaders() as [Instance];
    const [follower] = running.filter((instance) => instance !== leader) as [Instance];

    const stoppedAt = Date.now();
    await leader.leadership.stop();
    expect(leader.stopped).toBe(1);
    expect(leader.leadership.isLeader()).toBe(false);
    await expect.poll(() => follower.leadership.isLeader(), { timeout: 3000 }).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(3000);

    await follower.leadership.stop();
    expect(follower.stopped).toBe(1);
    await expect.poll(lockHolderPid, { timeout: 2000 }).toBeUndefined();
  });

  it("steps down when the leader's session is killed, and one instance leads again", async () => {
    start("a");
    start("b");
    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    const [leader] = leaders() as [Instance];
    const pid = await lockHolderPid();
    expect(pid).toBeTypeOf("number");

    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await expect.poll(() => leader.stopped, { timeout: 3000 }).toBe(1);

    await expect.poll(() => leaders().length, { timeout: 5000 }).toBe(1);
    expect(await lockHolderPid()).not.toBe(pid);
    // Every election but the current one has been followed by its stop.
    const elected = running.reduce((sum, instance) => sum + instance.elected, 0);
    const stopped = running.reduce((sum, instance) => sum + instance.stopped, 0);
    expect(elected - stopped).toBe(1);
  });

  it("hands over within seconds when the leader's network goes silent, after the leader steps down", async () => {
    const proxy = silentProxy(new URL(database.url));
    try {
      const viaProxy = new URL(database.url);
      viaProxy.hostname = "127.0.0.1";
      viaProxy.port = String(await proxy.listen());
      const a = start("a", viaProxy.toString());
      await expect.poll(() => a.leadership.isLeader(), { timeout: 5000 }).toBe(true);
      const b = start("b");
      await sleep(RETRY_MS * 5);
      expect(b.leadership.isLeader()).toBe(false);

      // A host that vanishes: its socket stays open on the server, and nothing more arrives.
      const silentAt = Date.now();
      proxy.goSilent();
      // The leader's heartbeat times out (5 s); the server ends the silent session a little later,
      // freeing the lock. Without a server-side bound, TCP keepalive defaults kept it for over 2 hours.
      await expect.poll(() => b.leadership.isLeader(), { timeout: 15_000, interval: 100 }).toBe(true);
      expect(Date.now() - silentAt).toBeLessThan(10_000);
      expect(a.stopped).toBe(1);
      expect(a.stoppedAt).toBeLessThan(b.electedAt as number);
    } finally {
      proxy.close();
    }
  }, 30_000);

  it("keeps the lock while a stopping leader's loops wind down, however long they take", async () => {
    // Longer than the session's idle limit (5 s heartbeat timeout + 2 retries + 2 s).
    const a = start("a", database.url, 9000);
    await expect.poll(() => a.leadership.isLeader(), { timeout: 5000 }).toBe(true);
    const b = start("b");
    await a.leadership.stop();
    expect(a.stopped).toBe(1);
    await expect.poll(() => b.leadership.isLeader(), { timeout: 3000 }).toBe(true);
    expect(b.electedAt).toBeGreaterThan(a.stoppedAt as number);
  }, 20_000);
});

/** A TCP proxy that can go silent like a dead host: its sockets stay open, and nothing is forwarded. */
function silentProxy(target: URL) {
  let silent = false;
  const sockets: net.Socket[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.push(client, upstream);
    client.on("data", (data) => silent || upstream.write(data));
    upstream.on("data", (data) => silent || client.write(data));
    client.on("error", () => {});
    upstream.on("error", () => {});
    // A dead host sends no FIN either.
    client.on("close", () => silent || upstream.destroy());
    upstream.on("close", () => silent || client.destroy());
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
      ),
    goSilent: () => {
      silent = true;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
