import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { dispatchNotifications, type NotificationSettings } from "../../scheduler/notification-dispatcher";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { freePort } from "../../testing/free-port";
import { type Answer, startWebhookReceiver, type WebhookReceiver } from "../../testing/webhook-receiver";
import { systemActor } from "../actors";
import { EventBus } from "../events/event-bus";
import { declareIncident } from "../incidents/declare-incident";
import { killRollouts } from "../rollouts/kill-rollouts";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { createChannel } from "./create-channel";
import { listDeliveries } from "./list-deliveries";

const settings = (overrides: Partial<NotificationSettings> = {}): NotificationSettings => ({
  baseUrl: "https://sluice.example",
  timeoutMs: 60_000,
  retry: { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 600_000 },
  ...overrides,
});

describe("notification delivery", () => {
  let demo: DemoFixture;
  const receivers: WebhookReceiver[] = [];

  beforeEach(async () => {
    demo = await createDemoFixture();
    // Start the audit cursor now, so only what each test does is announced.
    await dispatchNotifications(demo.services, settings());
  });
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
    await demo?.database.drop();
  });
  afterAll(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function receiver(answer?: Answer) {
    const started = await startWebhookReceiver(answer);
    receivers.push(started);
    return started;
  }

  async function channelTo(url: string, name = "ops") {
    return createChannel(demo.services, demo.actor("admin"), {
      name,
      kind: "generic",
      url,
      events: ["kill", "auto-rollback", "freeze"],
    });
  }

  const kill = (service: string, reason = "bad release") =>
    killRollouts(
      demo.services,
      demo.actor("operator"),
      { service },
      { reason, idempotencyKey: randomUUID() },
    );

  it("retries a failing receiver with exponential back-off until it answers 2xx, logging every attempt", async () => {
    const statuses = [500, 503, 502, 200];
    const hook = await receiver((i) => statuses[i] ?? 200);
    await channelTo(hook.url);
    await kill("checkout-api");
    const beatAfter = async (ms: number) => {
      demo.advanceClock(ms);
      await dispatchNotifications(demo.services, settings());
      return hook.received.length;
    };

    expect(await beatAfter(0)).toBe(1);
    // Not due before its back-off: 10 s, then 20 s, then 40 s.
    expect(await beatAfter(9_999)).toBe(1);
    expect(await beatAfter(1)).toBe(2);
    expect(await beatAfter(19_999)).toBe(2);
    expect(await beatAfter(1)).toBe(3);
    expect(await beatAfter(39_999)).toBe(3);
    expect(await beatAfter(1)).toBe(4);
    expect(await beatAfter(3_600_000)).toBe(4);

    const [delivery] = await listDeliveries(demo.services);
    expect(delivery).toMatchObject({ channel: "ops", kind: "kill", status: "delivered", attempts: 4 });
    expect(delivery?.attemptLog.map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([
      [1, false, 500],
      [2, false, 503],
      [3, false, 502],
      [4, true, 200],
    ]);
    expect(delivery?.attemptLog[0]?.error).toBe("HTTP 500: receiver says no");
    expect(new Set(hook.received.map((r) => r.headers["x-sluice-delivery"])).size).toBe(1);
  });

  it("sends a channel its messages one at a time and in order, a retried one before any later", async () => {
    const hook = await receiver((i) => (i === 0 ? 503 : 200));
    await channelTo(hook.url);
    await kill("checkout-api");
    await kill("search");
    // One pass: only the channel's oldest is sent (it fails once); the later one waits behind it.
    await dispatchNotifications(demo.services, settings());
    expect(hook.received).toHaveLength(1);
    demo.advanceClock(2_000);
    await dispatchNotifications(demo.services, settings());
    expect(hook.received).toHaveLength(1);
    for (let pass = 0; pass < 3; pass++) {
      demo.advanceClock(10_000);
      await dispatchNotifications(demo.services, settings());
    }
    const ids = hook.received.map((r) => Number(r.headers["x-sluice-delivery"]));
    expect(ids).toHaveLength(3);
    const [first, retried, later] = ids as [number, number, number];
    expect([retried, later]).toEqual([first, first + 1]);
  });

  it("gives up after the last attempt and says so in the log", async () => {
    const hook = await receiver(() => 500);
    await channelTo(hook.url);
    await kill("search");
    const retry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 };
    for (let beat = 0; beat < 6; beat++) {
      await dispatchNotifications(demo.services, settings({ retry }));
      demo.advanceClock(60_000);
    }
    expect(hook.received).toHaveLength(3);
    const [delivery] = await listDeliveries(demo.services);
    expect(delivery).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });
  });

  it("a receiver that is down or hangs neither prevents nor holds up a rollback", async () => {
    const hanging = await receiver(() => "hang");
    await channelTo(hanging.url, "hangs");
    await channelTo(`http://127.0.0.1:${await freePort()}/hook`, "down");
    await kill("search");

    let dispatched = false;
    const beat = dispatchNotifications(demo.services, settings()).then(() => {
      dispatched = true;
    });
    await hanging.waitFor(1);

    // The dispatcher is stuck waiting on the receiver; the engine rolls back and commits regardless.
    const checkout = demo.rollouts["checkout-api"] as string;
    const outcome = await runRolloutCommand(demo.services, systemActor("evaluator"), checkout, {
      type: "gates-failed",
      stepIndex: 1,
      critical: true,
      failedGates: ["error-rate"],
      reason: "critical gate failed: error-rate (canary 4.1% vs baseline 0.4%)",
    });
    expect(outcome.rollout.state).toBe("rolled_back");
    const saved = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: checkout } });
    expect(saved).toMatchObject({ state: "rolled_back", exposurePercent: 1 });
    expect(dispatched).toBe(false);

    await hanging.close();
    await beat;
    const log = await listDeliveries(demo.services);
    const down = log.find((d) => d.channel === "down");
    expect(down?.attemptLog[0]).toMatchObject({ ok: false, httpStatus: null });
    expect(down?.attemptLog[0]?.error).toMatch(/ECONNREFUSED/);
    expect(log.find((d) => d.channel === "hangs")?.attemptLog[0]).toMatchObject({
      ok: false,
      httpStatus: null,
    });
    // The rollback made while the dispatcher was stuck is queued for the next beat, not lost.
    await dispatchNotifications(demo.services, settings());
    expect((await listDeliveries(demo.services)).filter((d) => d.kind === "auto-rollback")).toHaveLength(2);
  });

  it("abandons a hanging receiver after the timeout and retries later", async () => {
    const hook = await receiver((i) => (i === 0 ? "hang" : 200));
    await channelTo(hook.url);
    await kill("payments");
    await dispatchNotifications(demo.services, settings({ timeoutMs: 300 }));
    const [first] = await listDeliveries(demo.services);
    expect(first).toMatchObject({ status: "pending", attempts: 1 });
    expect(first?.attemptLog[0]).toMatchObject({
      ok: false,
      httpStatus: null,
      error: "no answer within 300 ms",
    });
    demo.advanceClock(10_000);
    await dispatchNotifications(demo.services, settings({ timeoutMs: 300 }));
    expect((await listDeliveries(demo.services))[0]).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("a dispatcher that stalls mid-send loses its lease: another delivers, and the stale one cannot undo it", async () => {
    const hook = await receiver((i) => (i === 0 ? "hang" : 200));
    await channelTo(hook.url);
    await kill("checkout-api");
    // The first dispatcher claims the delivery and hangs on the receiver, as if its process had frozen.
    const stalled = dispatchNotifications(demo.services, settings());
    await hook.waitFor(1);
    // Its lease (two timeouts and a second) runs out; any dispatcher, e.g. a new leader, takes over.
    demo.advanceClock(121_001);
    await dispatchNotifications(demo.services, settings());
    expect(hook.received).toHaveLength(2);
    await hook.close();
    await stalled;
    const [delivery] = await listDeliveries(demo.services);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2 });
    expect(delivery?.attemptLog.map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([
      [1, false, null],
      [2, true, 200],
    ]);
  });

  it("two dispatchers on separate connections never send a delivery twice", async () => {
    const hook = await receiver();
    await channelTo(hook.url, "one");
    await channelTo(hook.url, "two");
    await kill("checkout-api");
    await kill("search");
    await kill("payments");
    await declareIncident(demo.services, demo.actor("operator"), {
      title: "database failover",
      severity: "sev2",
      services: ["*"],
    });
    const otherDb = createDb(demo.database.url);
    const other = { db: otherDb, events: new EventBus(), now: demo.services.now };
    try {
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          dispatchNotifications(demo.services, settings()),
          dispatchNotifications(other, settings()),
          dispatchNotifications(demo.services, settings()),
          dispatchNotifications(other, settings()),
        ]);
      }
    } finally {
      await otherDb.$disconnect();
    }
    // 4 notifications (3 kills, 1 freeze) × 2 channels, each received exactly once.
    const ids = hook.received.map((r) => r.headers["x-sluice-delivery"]);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    const log = await listDeliveries(demo.services);
    expect(log.map((d) => [d.status, d.attempts])).toEqual(Array(8).fill(["delivered", 1]));
  });
});
