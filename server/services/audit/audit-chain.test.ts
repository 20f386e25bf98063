import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../testing/test-database";
import { systemActor } from "../actors";
import type { ServiceContext } from "../context";
import { EventBus } from "../events/event-bus";
import { exportAuditEvents } from "./export-audit-events";
import { pageAuditEvents } from "./list-audit-events";
import { recordAuditEvent } from "./record-audit-event";
import { verifyAuditChain } from "./verify-audit-chain";

const AT = new Date("2026-11-27T10:00:00Z");
// 50 transactions queue for a small connection pool and then for the append lock; on a busy test
// machine Prisma's default 2 s wait for a connection is not enough.
const LONG_WAIT = { maxWait: 30_000, timeout: 30_000 };

describe("audit hash chain against PostgreSQL", () => {
  let database: TestDatabase;
  let ctx: ServiceContext;

  /** A DBA's session: it may switch the append-only triggers off, which the app never does. */
  async function asDba(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
      await client.query(sql);
      await client.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = { db: database.db, events: new EventBus(), now: () => AT };
  });
  afterAll(() => database.drop());

  it("keeps one valid chain under 50 concurrent transactions, some rolled back", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        ctx.db.$transaction(async (tx) => {
          await recordAuditEvent(tx, {
            actor: systemActor("load"),
            action: "test.concurrent",
            targetType: "rollout",
            targetId: `r${i % 5}`,
            reason: `writer ${i}`,
            after: { i },
            at: new Date(AT.getTime() + i),
          });
          if (i % 7 === 3) throw new Error("roll back");
        }, LONG_WAIT),
      ),
    );
    const committed = outcomes.filter((o) => o.status === "fulfilled").length;
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
    expect(failures).toEqual(Array(7).fill("Error: roll back"));
    expect(committed).toBe(50 - 7);
    const report = await verifyAuditChain(ctx, 10);
    expect(report.result).toMatchObject({ ok: true, checked: committed, unchained: 0 });
    const rows = await database.db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    expect(rows).toHaveLength(committed);
  });

  it("refuses the app's UPDATE and DELETE, and TRUNCATE", async () => {
    const event = await database.db.auditEvent.findFirstOrThrow({ select: { id: true } });
    await expect(
      database.db.auditEvent.update({ where: { id: event.id }, data: { reason: "x" } }),
    ).rejects.toThrow(/append-only/);
    await expect(database.db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(database.db.$executeRaw`TRUNCATE "AuditEvent"`).rejects.toThrow(/append-only/);
  });

  it("names an event whose reason a DBA edited", async () => {
    const target = await database.db.auditEvent.findMany({ orderBy: { id: "asc" }, skip: 10, take: 1 });
    const id = (target[0] as { id: bigint }).id;
    await asDba(`UPDATE "AuditEvent" SET reason = 'nothing happened' WHERE id = ${id}`);
    const { result } = await verifyAuditChain(ctx, 7);
    expect(result).toMatchObject({ ok: false, checked: 10, broken: { id: String(id), kind: "edited" } });
  });

  it("names the event after one a DBA deleted, and the first of two whose contents were swapped", async () => {
    const fresh = await createTestDatabase();
    const freshCtx = { ...ctx, db: fresh.db };
    try {
      for (let i = 0; i < 8; i++) {
        await fresh.db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor: systemActor("test"),
            action: `test.step-${i}`,
            targetType: "rollout",
            targetId: "r1",
            reason: `step ${i}`,
            at: new Date(AT.getTime() + i),
          }),
        );
      }
      const ids = (await fresh.db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map(
        (r) => r.id,
      );
      const previous = database;
      database = fresh;
      try {
        await asDba(`DELETE FROM "AuditEvent" WHERE id = ${ids[5]}`);
        expect((await verifyAuditChain(freshCtx, 3)).result).toMatchObject({
          ok: false,
          broken: { id: String(ids[6]), kind: "link-broken" },
        });
        // Swap every column but the id of events 2 and 3 (hashes included): a reordering.
        await asDba(`
          UPDATE "AuditEvent" a SET at = b.at, actor = b.actor, action = b.action, "targetType" = b."targetType",
            "targetId" = b."targetId", reason = b.reason, before = b.before, after = b.after,
            "prevHash" = b."prevHash", hash = b.hash
          FROM "AuditEvent" b
          WHERE (a.id, b.id) IN ((${ids[2]}, ${ids[3]}), (${ids[3]}, ${ids[2]}))`);
        const swapped = await fresh.db.auditEvent.findUniqueOrThrow({ where: { id: ids[2] as bigint } });
        expect(swapped.action).toBe("test.step-3");
        expect((await verifyAuditChain(freshCtx, 3)).result).toMatchObject({
          ok: false,
          checked: 2,
          broken: { id: String(ids[2]), kind: "edited" },
        });
      } finally {
        database = previous;
      }
    } finally {
      await fresh.drop();
    }
  });
});

describe("audit listing and export", () => {
  let database: TestDatabase;
  let ctx: ServiceContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = { db: database.db, events: new EventBus(), now: () => AT };
    const service = await database.db.service.create({ data: { name: "checkout-api" } });
    const entries = [
      { action: "service.slo-defined", targetType: "service" as const, targetId: service.id, reason: null },
      {
        action: "rollout.paused",
        targetType: "rollout" as const,
        targetId: "ro-1",
        reason: `=1+1, said "stop", then`,
      },
      { action: "rollout.resumed", targetType: "rollout" as const, targetId: "ro-2", reason: "two\nlines" },
      {
        action: "incident.declared",
        targetType: "incident" as const,
        targetId: "inc-1",
        reason: "@everyone",
      },
    ];
    for (const [i, entry] of entries.entries()) {
      await database.db.$transaction((tx) =>
        recordAuditEvent(tx, {
          ...entry,
          actor: i === 3 ? systemActor("pager") : { id: "u1", name: "alice", role: "operator" },
          before: i === 1 ? { state: "running" } : undefined,
          after: i === 1 ? { state: "paused" } : undefined,
          at: new Date(AT.getTime() + i * 60_000),
        }),
      );
    }
    // Rollout ro-2 belongs to checkout-api; its events count as the service's.
    const release = await database.db.release.create({
      data: { serviceId: service.id, environment: "prod", version: "1", artifact: "a" },
    });
    await database.db.rollout.create({
      data: {
        id: "ro-2",
        serviceId: service.id,
        releaseId: release.id,
        mechanism: "canary",
        steps: [],
        state: "draft",
      },
    });
  });
  afterAll(() => database.drop());

  it("filters by service (its rollouts too), actor, action and time, and pages by id", async () => {
    const reader = { personalData: true };
    const actions = async (filter: Parameters<typeof pageAuditEvents>[1]) =>
      (await pageAuditEvents(ctx, filter, reader)).events.map((e) => e.action);
    expect(await actions({ limit: 10, service: "checkout-api" })).toEqual([
      "rollout.resumed",
      "service.slo-defined",
    ]);
    expect(await actions({ limit: 10, rolloutId: "ro-2" })).toEqual(["rollout.resumed"]);
    expect(await actions({ limit: 10, actor: "PAGER" })).toEqual(["incident.declared"]);
    expect(await actions({ limit: 10, action: "rollout." })).toEqual(["rollout.resumed", "rollout.paused"]);
    expect(
      await actions({
        limit: 10,
        from: new Date(AT.getTime() + 60_000),
        to: new Date(AT.getTime() + 120_000),
      }),
    ).toEqual(["rollout.resumed", "rollout.paused"]);
    await expect(pageAuditEvents(ctx, { limit: 10, service: "nope" }, reader)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const first = await pageAuditEvents(ctx, { limit: 3 }, reader);
    expect(first.events.map((e) => e.action)).toEqual([
      "incident.declared",
      "rollout.resumed",
      "rollout.paused",
    ]);
    const second = await pageAuditEvents(ctx, { limit: 3, cursor: first.nextCursor ?? undefined }, reader);
    expect(second).toMatchObject({ events: [{ action: "service.slo-defined" }], nextCursor: null });
  });

  it("exports CSV with escaping, the formula guard and the verification", async () => {
    const file = await exportAuditEvents(ctx, { action: "rollout." }, "csv");
    expect(file).toMatchObject({ contentType: "text/csv; charset=utf-8", events: 2, truncated: false });
    expect(file.filename).toMatch(/^sluice-audit-2026-11-27T10-00-00Z\.csv$/);
    const lines = file.content.split("\r\n");
    expect(lines[1]).toBe(
      `# chain: intact, 4 events verified, head #4 ${file.chain.ok && file.chain.head?.hash}`,
    );
    expect(lines[2]).toBe("# range: 2 events, content intact, 1 direct links, 0 gaps (verifies on its own)");
    expect(lines[3]).toBe("id,at,actor,action,targetType,targetId,reason,before,after,prevHash,hash");
    expect(lines[4]).toMatch(
      /^2,2026-11-27T10:01:00.000Z,operator:alice,rollout.paused,rollout,ro-1,"'=1\+1, said ""stop"", then","{""state"":""running""}","{""state"":""paused""}",[0-9a-f]{64},[0-9a-f]{64}$/,
    );
    expect(file.content).toContain('ro-2,"two\nlines",,,');
  });

  it("exports JSON with the range's own check, gaps where the filter left events out", async () => {
    const file = await exportAuditEvents(ctx, { actor: "alice", action: "" }, "json");
    const document = JSON.parse(file.content);
    expect(document.chain).toMatchObject({ ok: true, checked: 4 });
    expect(document.range).toMatchObject({
      events: 3,
      firstId: "1",
      lastId: "3",
      links: 2,
      gaps: 0,
      linksIntact: true,
    });
    expect(document.events[1]).toMatchObject({
      id: "2",
      at: "2026-11-27T10:01:00.000Z",
      reason: `=1+1, said "stop", then`,
      before: { state: "running" },
    });
    const gapped = JSON.parse((await exportAuditEvents(ctx, { targetType: "rollout" }, "json")).content);
    expect(gapped.range).toMatchObject({ events: 2, links: 1, gaps: 0 });
    const split = JSON.parse((await exportAuditEvents(ctx, { action: "incident." }, "json")).content);
    expect(split.range).toMatchObject({ events: 1, linksIntact: true });
    const skipping = JSON.parse((await exportAuditEvents(ctx, { service: "checkout-api" }, "json")).content);
    expect(skipping.range).toMatchObject({
      events: 2,
      links: 0,
      gaps: 1,
      linksIntact: false,
      contentIntact: true,
    });
  });
});
