import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeFeed, EXPOSURE_CHANNEL, listenForChanges } from "../../db/change-listener";
import { createDb, type Db } from "../../db/client";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { EventBus } from "../events/event-bus";
import { createFlag } from "./create-flag";
import { createFlagStore, type FlagStore } from "./flag-store";
import { setFlagKilled } from "./kill-flag";

/** Polls a condition on a slow machine: no fixed sleeps, a generous limit. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 1_500) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("flag store of another instance, kept current through PostgreSQL", () => {
  let demo: DemoFixture;
  let otherDb: Db;
  let changes: ChangeFeed;
  /** Instance B: its own client and event bus, hearing of A's writes only through NOTIFY. */
  let listening: FlagStore;
  /** The same without the change feed (and no periodic re-read): what B would serve without it. */
  let deaf: FlagStore;
  const user = { targetingKey: "user-7" };

  beforeAll(async () => {
    demo = await createDemoFixture();
    otherDb = createDb(demo.database.url);
    changes = listenForChanges(demo.database.url, EXPOSURE_CHANNEL, { retryMs: 500 });
    await until(() => changes.listening(), "the change listener");
    const b = { db: otherDb, events: new EventBus(), now: () => new Date() };
    listening = await createFlagStore(b, { changes, refreshIntervalMs: 0 });
    deaf = await createFlagStore(b, { refreshIntervalMs: 0 });
  });
  afterAll(async () => {
    listening?.close();
    deaf?.close();
    await changes?.close();
    await otherDb?.$disconnect();
    await demo?.database.drop();
  });

  it("serves a flag created on instance A, then its kill, without a periodic re-read", async () => {
    const a = demo.services;
    await createFlag(a, demo.actor("release_manager"), {
      key: "search.ranking",
      service: "search",
      variants: [
        { name: "old", value: "bm25" },
        { name: "new", value: "learned" },
      ],
      defaultVariant: "new",
      offVariant: "old",
    });
    await until(() => listening.keys().includes("search.ranking"), "B to learn of the new flag");
    expect(listening.evaluate("search.ranking", user)).toMatchObject({ value: "learned", variant: "new" });

    await setFlagKilled(a, demo.actor("operator"), "search.ranking", true, "ranking broke checkout");
    await until(
      () => listening.evaluate("search.ranking", user).reason === "DISABLED",
      "B to serve the kill",
    );
    expect(listening.evaluate("search.ranking", user)).toMatchObject({ value: "bm25", variant: "old" });

    // Without the feed the store would still not know the flag: the feed is what carried both changes.
    expect(deaf.evaluate("search.ranking", user)).toMatchObject({ errorCode: "FLAG_NOT_FOUND" });
  });
});
