import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeFeed, EXPOSURE_CHANNEL, listenForChanges } from "../../db/change-listener";
import { createDb, type Db } from "../../db/client";
import { defaultGates } from "../../domain/analysis/default-gates";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { systemActor } from "../actors";
import { registerDeploy } from "../deploys/register-deploy";
import { EventBus } from "../events/event-bus";
import { createRollout } from "../rollouts/create-rollout";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { createFlag } from "./create-flag";
import { createFlagStore, type FlagStore } from "./flag-store";
import { setFlagKilled } from "./kill-flag";
import { defaultRolloutFlagKey } from "./link-rollout-flag";

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

  describe("when a re-read after a change fails", () => {
    /** Instance B's client, failing the next `failing` flag reads (a pool timeout, a failover). */
    let failing = 0;
    let flagReads = 0;
    const flaky = () =>
      new Proxy(otherDb, {
        get(target, prop, receiver) {
          if (prop !== "flag") return Reflect.get(target, prop, receiver);
          flagReads++;
          if (failing === 0) return Reflect.get(target, prop, receiver);
          failing--;
          return { findMany: () => Promise.reject(new Error("connection timeout")) };
        },
      }) as Db;
    /** A change feed the test drives by hand. */
    const feed = () => {
      const listeners = new Set<(table: string | null) => void>();
      return {
        notify: (table: string | null) => {
          for (const listener of listeners) listener(table);
        },
        subscribe(listener: (table: string | null) => void) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    };
    const instanceB = (changes: ReturnType<typeof feed>, errors: unknown[]) =>
      createFlagStore(
        { db: flaky(), events: new EventBus(), now: () => new Date() },
        { changes, refreshIntervalMs: 0, retryDelaysMs: [10, 20, 40], onError: (e) => errors.push(e) },
      );

    it("retries soon, so a kill made elsewhere is still served within moments", async () => {
      await createFlag(demo.services, demo.actor("release_manager"), {
        key: "search.retried",
        service: "search",
        variants: [
          { name: "off", value: false },
          { name: "on", value: true },
        ],
        defaultVariant: "on",
        offVariant: "off",
      });
      const changes = feed();
      const errors: unknown[] = [];
      const store = await instanceB(changes, errors);
      try {
        await setFlagKilled(demo.services, demo.actor("operator"), "search.retried", true, "incident");
        failing = 3;
        changes.notify("Flag");
        await until(
          () => store.evaluate("search.retried", user).reason === "DISABLED",
          "B to serve the kill",
        );
        expect(errors).toHaveLength(3);
      } finally {
        store.close();
        failing = 0;
      }
    });

    it("stops retrying once closed", async () => {
      const changes = feed();
      const store = await instanceB(changes, []);
      failing = Number.POSITIVE_INFINITY;
      try {
        const before = flagReads;
        changes.notify(null);
        await until(() => flagReads >= before + 3, "B to retry");
        store.close();
        const atClose = flagReads;
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(flagReads).toBe(atClose);
      } finally {
        store.close();
        failing = 0;
      }
    });
  });

  it("follows the exposure of a flag rollout driven on instance A: started, then killed", async () => {
    const a = demo.services;
    const evaluator = systemActor("evaluator");
    await registerDeploy(a, evaluator, {
      service: "search",
      environment: "prod",
      version: "9.1.0",
      artifact: "search:9.1.0",
    });
    const steps = [25, 100].map((exposurePercent) => ({
      exposurePercent,
      holdSeconds: 60,
      requiresApproval: false,
      gates: defaultGates(),
    }));
    const rollout = await createRollout(a, demo.actor("release_manager"), {
      service: "search",
      environment: "prod",
      version: "9.1.0",
      mechanism: "flag",
      steps,
    });
    const flagKey = defaultRolloutFlagKey("search", "9.1.0");
    const users = Array.from({ length: 400 }, (_, i) => ({ targetingKey: `user-${i}` }));
    const exposed = () =>
      users.filter((u) => {
        const evaluation = listening.evaluate(flagKey, u);
        return "variant" in evaluation && evaluation.variant === "on";
      }).length;
    await until(() => listening.keys().includes(flagKey), "B to learn of the rollout's flag");
    expect(exposed()).toBe(0);

    await runRolloutCommand(a, demo.actor("release_manager"), rollout.id, { type: "start" });
    await until(() => exposed() > 0, "B to expose the first step");
    expect(exposed()).toBeGreaterThan(60); // 25% of 400, give or take
    expect(exposed()).toBeLessThan(140);

    await runRolloutCommand(a, demo.actor("operator"), rollout.id, { type: "kill", reason: "bad ranking" });
    await until(() => exposed() === 0, "B to serve the kill");
  });
});
