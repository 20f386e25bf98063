import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Prisma } from "../../db/client";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { browseAuditEvents } from "../audit/list-audit-events";
import type { ServiceContext } from "../context";
import { registerDeploy } from "../deploys/register-deploy";
import { createRollout } from "./create-rollout";
import { killRollouts } from "./kill-rollouts";
import { runRolloutCommand } from "./run-rollout-command";

type Tx = Prisma.TransactionClient;

/** The demo's client, with `wrap` applied to every transaction's client. */
function withTransactions(db: Db, wrap: (tx: Tx) => Tx): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$transaction") return Reflect.get(target, prop, receiver);
      return (fn: (tx: Tx) => Promise<unknown>, options?: object) =>
        target.$transaction((tx) => fn(wrap(tx)), options);
    },
  });
}

describe("the kill switch against concurrent writers and failures", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  const stateOf = async (id: string) =>
    demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: { state: true, version: true } });

  /** A context in which another writer commits to the rollout right after each of the first `n` reads of it. */
  function racedContext(n: number): { ctx: ServiceContext; races: () => number } {
    let races = 0;
    const db = withTransactions(
      demo.database.db,
      (tx) =>
        new Proxy(tx, {
          get(target, prop, receiver) {
            if (prop !== "rollout") return Reflect.get(target, prop, receiver);
            const rollout = target.rollout;
            return new Proxy(rollout, {
              get(r, method, rr) {
                if (method !== "findUnique") return Reflect.get(r, method, rr);
                return async (args: Prisma.RolloutFindUniqueArgs) => {
                  const row = await rollout.findUnique(args);
                  if (races < n) {
                    races++;
                    // Its own connection: commits at once, as an engine beat on another instance would.
                    await demo.database.db.rollout.update({
                      where: args.where,
                      data: { version: { increment: 1 } },
                    });
                  }
                  return row;
                };
              },
            });
          },
        }),
    );
    return { ctx: { ...demo.services, db }, races: () => races };
  }

  it("retries a kill that lost a race to another commit, and takes no expected version as a reason to refuse", async () => {
    const id = demo.rollouts.search as string;
    const operator = demo.actor("operator");

    // A command that acts on what its caller saw (abort) loses the same race with CONFLICT and changes nothing.
    const stale = racedContext(1);
    const { version } = await stateOf(id);
    await expect(
      runRolloutCommand(
        stale.ctx,
        operator,
        id,
        { type: "abort", reason: "r" },
        { expectedVersion: version },
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await stateOf(id)).state).toBe("running");

    const raced = racedContext(2);
    const outcome = await runRolloutCommand(
      raced.ctx,
      operator,
      id,
      { type: "kill", reason: "bad canary" },
      { expectedVersion: version },
    );
    expect(raced.races()).toBe(2);
    expect(outcome.rollout.state).toBe("rolled_back");
    expect(await stateOf(id)).toEqual({ state: "rolled_back", version: outcome.rollout.version });
  });

  it("kills every other rollout when one kill fails, and a retry with the same key finishes the job", async () => {
    let transactions = 0;
    const flaky: ServiceContext = {
      ...demo.services,
      db: new Proxy(demo.database.db, {
        get(target, prop, receiver) {
          // The first transaction claims the request; the second is the first rollout's kill.
          if (prop === "$transaction" && ++transactions === 2) {
            return () => Promise.reject(new Error("connection reset by peer"));
          }
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    const actor = demo.actor("operator");
    const input = { reason: "everything back", idempotencyKey: "page-1234" };
    await expect(killRollouts(flaky, actor, { all: true }, input)).rejects.toThrow(
      "connection reset by peer",
    );
    const states = async () =>
      (await demo.database.db.rollout.findMany({ select: { state: true } })).map((r) => r.state).sort();
    // The first rollout's kill failed; every other active one is back at last-known-good.
    expect((await states()).filter((s) => s === "running" || s === "draft" || s === "paused")).toHaveLength(
      1,
    );

    const retry = await killRollouts(demo.services, actor, { all: true }, input);
    // The retry covers the first call's rollouts: the unfinished one is killed, the others are repeats.
    expect(retry.map((o) => o.repeated)).toEqual([false, true, true]);
    expect((await states()).filter((s) => s === "running" || s === "draft" || s === "paused")).toEqual([]);
  });

  it("repeats a kill request over the rollouts it first covered: a late retry never reaches one started since", async () => {
    const newSearchRollout = async (version: string) => {
      const release = { service: "search", environment: "production", version };
      await registerDeploy(demo.services, systemActor("ci"), { ...release, artifact: `search:${version}` });
      return (
        await createRollout(demo.services, demo.actor("release_manager"), { ...release, mechanism: "canary" })
      ).id;
    };
    const operator = demo.actor("operator");
    const request = { reason: "search is down", idempotencyKey: "inc-77" };
    const before = await newSearchRollout("7.0.0");
    const [killed] = await killRollouts(demo.services, operator, { service: "search" }, request);
    expect(killed).toMatchObject({ changed: true, rollout: { id: before, state: "rolled_back" } });

    const since = await newSearchRollout("7.0.1");
    const retry = await killRollouts(demo.services, operator, { service: "search" }, request);
    expect(retry.map((o) => [o.rollout.id, o.repeated])).toEqual([[before, true]]);
    expect((await stateOf(since)).state).toBe("draft");
    // The request is audited once, with the rollouts it covers.
    const requested = await demo.database.db.auditEvent.findMany({
      where: { action: "rollout.kill-requested", after: { path: ["idempotencyKey"], equals: "inc-77" } },
      select: { after: true },
    });
    expect(requested).toEqual([
      { after: { scope: "service search", idempotencyKey: "inc-77", rollouts: [before] } },
    ]);

    // The same key on another scope is a client bug, not a retry.
    await expect(killRollouts(demo.services, operator, { all: true }, request)).rejects.toMatchObject({
      code: "CONFLICT",
      field: "idempotencyKey",
      message: "idempotencyKey: inc-77 was used for a kill of service search; use a new key",
    });
    expect((await stateOf(since)).state).toBe("draft");

    const fresh = await killRollouts(
      demo.services,
      operator,
      { service: "search" },
      { ...request, idempotencyKey: "inc-78" },
    );
    expect(fresh.map((o) => [o.rollout.id, o.changed])).toEqual([[since, true]]);
  });

  it("audits who pressed kill, when and why once per request, even with nothing active in scope", async () => {
    const operator = demo.actor("operator");
    const requests = async () =>
      (
        await browseAuditEvents(
          demo.services,
          { action: "rollout.kill-requested", limit: 10 },
          { personalData: true },
        )
      ).events.filter((e) => (e.after as { idempotencyKey?: string }).idempotencyKey?.startsWith("quiet-"));
    const quiet = { reason: "payments 500s, paging", idempotencyKey: "quiet-1" };
    expect(await killRollouts(demo.services, operator, { service: "payments" }, quiet)).toEqual([]);
    expect(await killRollouts(demo.services, operator, { service: "payments" }, quiet)).toEqual([]);
    await killRollouts(
      demo.services,
      operator,
      { all: true },
      { reason: "all out", idempotencyKey: "quiet-2" },
    );
    expect(await requests()).toEqual([
      expect.objectContaining({
        actor: `operator:${operator.name}`,
        targetType: "service",
        targetId: "*",
        targetLabel: "every service",
        reason: "all out",
        after: { scope: "all", idempotencyKey: "quiet-2", rollouts: [] },
      }),
      expect.objectContaining({
        actor: `operator:${operator.name}`,
        targetType: "service",
        targetLabel: "payments",
        reason: "payments 500s, paging",
        after: { scope: "service payments", idempotencyKey: "quiet-1", rollouts: [] },
      }),
    ]);
  });
});
