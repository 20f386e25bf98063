import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiHandler } from "../../api/api-handler";
import { startTestApi, type TestApi } from "../../api/api-test-client";
import { evaluator, newRollout, passCurrentStep } from "../../api/api-test-rollouts";
import { type ChangeFeed, EXPOSURE_CHANNEL, listenForChanges } from "../../db/change-listener";
import { createDb, type Db } from "../../db/client";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import type { ServiceContext } from "../context";
import { EventBus } from "../events/event-bus";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { createExposureStore, type ExposureStore } from "./exposure-store";
import type { ServiceExposure } from "./get-service-exposure";

/** One Sluice instance as far as exposure goes: its own database client, event bus, listener and server. */
interface Instance {
  ctx: ServiceContext;
  changes: ChangeFeed;
  store: ExposureStore;
  api: TestApi;
  /** Exposure documents this instance read from the database so far. */
  reads(): number;
  close(): Promise<void>;
}

/** Polls a condition on a slow machine: no fixed sleeps, a generous limit. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 1_500) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The database as it is, counting the reads that begin an exposure document (one per document). Only
 * the store reads through it. */
function countingReads(db: Db): { db: Db; reads(): number } {
  let reads = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property === "service") reads++;
      return Reflect.get(target, property, receiver);
    },
  });
  return { db: counted, reads: () => reads };
}

describe("exposure served from memory, kept current by change events", () => {
  let demo: DemoFixture;
  let clock = new Date("2026-11-27T10:00:00Z");
  const setNow = (now: Date) => {
    clock = now;
  };
  let a: Instance;
  let b: Instance;
  let writer: string;
  let reader: string;

  async function startInstance(db: Db, events: EventBus): Promise<Instance> {
    const ctx: ServiceContext = { db, events, now: () => clock };
    const counting = countingReads(db);
    const changes = listenForChanges(demo.database.url, EXPOSURE_CHANNEL, { retryMs: 500 });
    const store = createExposureStore({ ...ctx, db: counting.db }, changes);
    const api = await startTestApi(ctx, createApiHandler(ctx, { exposure: store }));
    await until(() => changes.listening(), "the change listener");
    return {
      ctx,
      changes,
      store,
      api,
      reads: counting.reads,
      async close() {
        await api.close();
        store.close();
        await changes.close();
      },
    };
  }

  const read = async (instance: Instance, service: string, etag?: string) => {
    const response = await instance.api.request("GET", `/api/v1/exposure/${service}`, {
      token: reader,
      headers: etag ? { "If-None-Match": etag } : {},
    });
    return {
      status: response.status,
      etag: response.headers.get("etag") as string,
      body: response.json as ServiceExposure,
    };
  };
  const command = (id: string, type: string, body: object = {}) =>
    a.api.request("POST", `/api/v1/rollouts/${id}/${type}`, { token: writer, body });

  beforeAll(async () => {
    demo = await createDemoFixture(clock);
    a = await startInstance(demo.database.db, new EventBus());
    // Another instance shares only the database: no event of A's reaches its bus.
    b = await startInstance(createDb(demo.database.url), new EventBus());
    writer = await a.api.token(["rollouts:write", "read"]);
    reader = await a.api.token(["read"]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await b?.ctx.db.$disconnect();
    await demo?.database.drop();
  });

  it("an advance, a rollback and a kill change the exposure and its ETag at once on the same instance", async () => {
    const id = await newRollout(a.api, writer, "exposure-same");
    expect((await command(id, "start")).status).toBe(200);
    const started = await read(a, "exposure-same");
    expect(started).toMatchObject({
      status: 200,
      body: { rollouts: [{ rolloutId: id, state: "running", exposure: { canaryWeight: 1 } }] },
    });
    expect(started.etag).toMatch(/^"[\w-]+"$/);
    expect(await read(a, "exposure-same", started.etag)).toMatchObject({ status: 304, etag: started.etag });

    await passCurrentStep(a.ctx, setNow, id);
    expect((await command(id, "advance")).status).toBe(200);
    const advanced = await read(a, "exposure-same", started.etag);
    expect(advanced).toMatchObject({ status: 200, body: { rollouts: [{ exposure: { canaryWeight: 5 } }] } });
    expect(advanced.etag).not.toBe(started.etag);

    await runRolloutCommand(a.ctx, evaluator, id, {
      type: "gates-failed",
      stepIndex: 1,
      critical: true,
      failedGates: ["error-rate"],
      reason: "error rate 3× baseline",
    });
    const rolledBack = await read(a, "exposure-same", advanced.etag);
    expect(rolledBack).toMatchObject({
      status: 200,
      body: { rollouts: [{ state: "rolled_back", lastKnownGoodPercent: 1, exposure: { canaryWeight: 1 } }] },
    });
    expect(rolledBack.etag).not.toBe(advanced.etag);

    const other = await newRollout(a.api, writer, "exposure-killed");
    expect((await command(other, "start")).status).toBe(200);
    const running = await read(a, "exposure-killed");
    expect((await command(other, "kill", { reason: "pager" })).status).toBe(200);
    const killed = await read(a, "exposure-killed", running.etag);
    expect(killed).toMatchObject({
      status: 200,
      body: { rollouts: [{ rolloutId: other, state: "rolled_back", exposure: { canaryWeight: 0 } }] },
    });
    expect(killed.etag).not.toBe(running.etag);
  });

  it("reads the database once per change, not per request, and keeps a strong ETag across others' changes", async () => {
    const id = await newRollout(a.api, writer, "exposure-cached");
    expect((await command(id, "start")).status).toBe(200);
    const first = await read(a, "exposure-cached");
    const readsAfterFirst = a.reads();
    for (let i = 0; i < 20; i++) {
      expect(await read(a, "exposure-cached", i % 2 === 0 ? first.etag : undefined)).toMatchObject({
        status: i % 2 === 0 ? 304 : 200,
        etag: first.etag,
      });
    }
    expect(a.reads()).toBe(readsAfterFirst);

    // A change elsewhere drops the document; read again, it is the same, so the ETag still matches.
    const elsewhere = await newRollout(a.api, writer, "exposure-elsewhere");
    expect((await command(elsewhere, "start")).status).toBe(200);
    expect(await read(a, "exposure-cached", first.etag)).toMatchObject({ status: 304, etag: first.etag });
    expect(a.reads()).toBe(readsAfterFirst + 1);
  });

  it("a kill on instance A is served by instance B, which heard of it only through PostgreSQL", async () => {
    const id = await newRollout(a.api, writer, "exposure-shared");
    expect((await command(id, "start")).status).toBe(200);
    const before = await read(b, "exposure-shared");
    expect(before).toMatchObject({ status: 200, body: { rollouts: [{ state: "running" }] } });
    expect(await read(b, "exposure-shared", before.etag)).toMatchObject({ status: 304 });

    expect((await command(id, "kill", { reason: "from A" })).status).toBe(200);
    const onA = await read(a, "exposure-shared", before.etag);
    expect(onA).toMatchObject({ status: 200, body: { rollouts: [{ state: "rolled_back" }] } });
    let onB = before;
    await until(async () => {
      onB = await read(b, "exposure-shared", before.etag);
      return onB.status !== 304;
    }, "instance B to serve the kill");
    expect(onB).toMatchObject({ status: 200, etag: onA.etag, body: onA.body });
  });

  it("reads through to the database while not listening, and listens again when the connection returns", async () => {
    const id = await newRollout(a.api, writer, "exposure-outage");
    expect((await command(id, "start")).status).toBe(200);
    const before = await read(b, "exposure-outage");
    // Every listener of this test database loses its connection, as in a database restart.
    await demo.database.db.$executeRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'sluice-change-listener'`;
    await until(() => !b.changes.listening(), "B to notice its listener is gone");
    // What A does while B cannot hear it: B serves it anyway, from the database.
    await passCurrentStep(a.ctx, setNow, id);
    expect((await command(id, "advance")).status).toBe(200);
    expect(await read(b, "exposure-outage", before.etag)).toMatchObject({
      status: 200,
      body: { rollouts: [{ exposure: { canaryWeight: 5 } }] },
    });

    await until(() => b.changes.listening(), "B to listen again");
    const relistened = await read(b, "exposure-outage");
    expect((await command(id, "kill", { reason: "after the outage" })).status).toBe(200);
    await until(
      async () => (await read(b, "exposure-outage", relistened.etag)).status === 200,
      "B to serve the kill after reconnecting",
    );
  });
});
