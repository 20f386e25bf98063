import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import type { ServiceContext } from "../services/context";
import { EventBus } from "../services/events/event-bus";
import { freePort } from "../testing/free-port";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { createHealthHandler } from "./health";

async function probe(services: ServiceContext, databaseUrl: string, path: string, isLeader?: () => boolean) {
  const handler = createHealthHandler({ services, databaseUrl, isLeader });
  const server = createServer((req, res) => void handler(req, res, path));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.close();
  }
}

describe("health endpoints", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("reports live and ready when the database answers and migrations are current", async () => {
    const services = { db: database.db, events: new EventBus(), now: () => new Date() };
    expect(await probe(services, database.url, "/healthz")).toEqual({
      status: 200,
      body: { status: "ok", role: "follower" },
    });
    expect(await probe(services, database.url, "/readyz")).toEqual({
      status: 200,
      body: { status: "ready", database: "ok", migrations: "current", role: "follower" },
    });
    expect((await probe(services, database.url, "/readyz", () => true)).body).toMatchObject({
      status: "ready",
      role: "leader",
    });
  });

  it("is unready, saying why, when the database cannot be reached", async () => {
    const url = `postgresql://nobody:x@127.0.0.1:${await freePort()}/none`;
    const services = { db: createDb(url), events: new EventBus(), now: () => new Date() };
    expect(await probe(services, url, "/readyz")).toEqual({
      status: 503,
      body: { status: "unready", reason: "database unreachable", role: "follower" },
    });
    expect((await probe(services, url, "/healthz")).status).toBe(200);
  });
});
