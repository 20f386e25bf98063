import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { EventBus } from "../services/events/event-bus";
import { createDemoFixture, type DemoFixture } from "../testing/demo-fixture";
import { freePort } from "../testing/free-port";
import { appRouter } from "./app-router";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);

/** tRPC answers database failures a caller can act on as REST does (see api-errors), not as 500s. */
describe("tRPC and database errors", () => {
  let demo: DemoFixture;
  beforeAll(async () => {
    demo = await createDemoFixture();
  });
  afterAll(() => demo.database.drop());

  it("answers SERVICE_UNAVAILABLE when the database cannot be reached", async () => {
    const db = createDb(`postgresql://nobody:x@127.0.0.1:${await freePort()}/none`);
    try {
      const caller = createCaller({
        actor: demo.actor("viewer"),
        services: { db, events: new EventBus(), now: () => new Date() },
      });
      await expect(caller.rollouts.list()).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: "The database is unavailable; retry later",
      });
    } finally {
      await db.$disconnect();
    }
  });

  it("answers CONFLICT to the losers of a race to create the same flag, never an internal error", async () => {
    const caller = createCaller({ actor: demo.actor("release_manager"), services: demo.services });
    const flag = {
      key: "search.raced",
      service: "search",
      variants: [
        { name: "on", value: true },
        { name: "off", value: false },
      ],
      defaultVariant: "off",
      offVariant: "off",
    };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => caller.flags.create(flag)));
    const codes = results.map((r) =>
      r.status === "fulfilled" ? "created" : (r.reason as { code: string }).code,
    );
    expect(codes.filter((c) => c === "created")).toHaveLength(1);
    expect(new Set(codes.filter((c) => c !== "created"))).toEqual(new Set(["CONFLICT"]));
  });
});
