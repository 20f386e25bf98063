import { createServer } from "node:http";
import pg from "pg";
import { Server } from "socket.io";
import { type Socket as ClientSocket, io as connectClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { attachPostgresAdapter } from "./postgres-adapter";

interface Instance {
  io: Server;
  url: string;
  close(): Promise<void>;
}

describe("postgres-adapter", () => {
  let database: TestDatabase;
  let a: Instance;
  let b: Instance;
  let client: ClientSocket;
  const errors: Error[] = [];

  async function startInstance(): Promise<Instance> {
    const port = await freePort();
    const httpServer = createServer();
    const io = new Server(httpServer, { transports: ["websocket"] });
    const closeAdapter = attachPostgresAdapter(io, database.url, { onError: (e) => errors.push(e) });
    io.on("connection", (socket) => {
      socket.on("join", (room: string, ack: () => void) => {
        socket.join(room);
        ack();
      });
    });
    await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
    return {
      io,
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        await io.close();
        await closeAdapter();
      },
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startInstance();
    b = await startInstance();
    client = connectClient(b.url, { transports: ["websocket"], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", resolve);
      client.once("connect_error", reject);
    });
    await client.emitWithAck("join", "rollout:r1");
  });
  afterAll(async () => {
    client?.close();
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  /** Emits from A until the client on B receives it (the LISTEN connections start asynchronously). */
  async function receiveOnB(event: string, emit: (payload: string) => void): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => emit("x".repeat(20)), 100);
      const giveUp = setTimeout(() => finish(new Error(`${event} never reached server B's client`)), 10_000);
      const finish = (outcome: string | Error) => {
        clearInterval(timer);
        clearTimeout(giveUp);
        client.off(event);
        outcome instanceof Error ? reject(outcome) : resolve(outcome);
      };
      client.on(event, (payload: string) => finish(payload));
    });
  }

  it("delivers io.emit and room emits made on one instance to a client of another", async () => {
    expect(await receiveOnB("everyone", (p) => a.io.emit("everyone", p))).toHaveLength(20);
    expect(await receiveOnB("room", (p) => a.io.to("rollout:r1").emit("room", p))).toHaveLength(20);
  });

  it("carries payloads too large for NOTIFY through the migration's table", async () => {
    const big = await receiveOnB("big", () => a.io.emit("big", "y".repeat(20_000)));
    expect(big).toHaveLength(20_000);
    const [row] = await database.db.$queryRawUnsafe<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM socket_io_attachments",
    );
    expect(row?.n).toBeGreaterThan(0);
  });

  it("survives its listening connections being killed, and delivers again", async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'sluice-socket-adapter' AND datname = current_database()`,
      );
    } finally {
      await admin.end();
    }
    expect(await receiveOnB("after", (p) => a.io.emit("after", p))).toHaveLength(20);
    expect(errors.length).toBeGreaterThan(0);
  });
});
