import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../../metrics/simulator";
import { dispatchNotifications } from "../../scheduler/notification-dispatcher";
import { createDemoFixture, type DemoFixture } from "../../testing/demo-fixture";
import { seededRandom } from "../../testing/seeded-random";
import { startWebhookReceiver, type WebhookReceiver } from "../../testing/webhook-receiver";
import { systemActor } from "../actors";
import { judgeStep } from "../analysis/judge-step";
import { declareIncident } from "../incidents/declare-incident";
import { killRollouts } from "../rollouts/kill-rollouts";
import { progressRollouts } from "../rollouts/progress-rollouts";
import { snapshotSelect, toSnapshot } from "../rollouts/rollout-snapshot";
import { runRolloutCommand } from "../rollouts/run-rollout-command";
import { setSimulatedRegression } from "../rollouts/set-simulated-regression";
import { createChannel } from "./create-channel";

const BASE = "https://sluice.example";
const SECRET = "a-shared-secret-of-some-length";
const settings = {
  baseUrl: BASE,
  timeoutMs: 10_000,
  retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
};
const ALL_KINDS = ["auto-rollback", "kill", "freeze", "approval-needed", "step-completed"] as const;

interface Generic {
  kind: string;
  title: string;
  what: string;
  why: string | null;
  text: string;
  link: string;
  failedGates: string[];
  gates: { gate: string; verdict: string; detail: string }[];
}
interface Slack {
  text: string;
  blocks: { type: string; text?: { text: string }; elements?: { url?: string }[] }[];
}

/**
 * Real events from the real engine (a simulated regression, commands, an incident) reach a real HTTP
 * receiver as a generic JSON webhook and as a Slack message, each saying what, why and where.
 */
describe("notification messages, end to end", () => {
  let demo: DemoFixture;
  let generic: WebhookReceiver;
  let slack: WebhookReceiver;
  const byKind = new Map<string, { generic: Generic; slack: Slack; signature: string; raw: string }>();
  let checkout: string;
  let payments: string;

  beforeAll(async () => {
    demo = await createDemoFixture();
    checkout = demo.rollouts["checkout-api"] as string;
    payments = demo.rollouts.payments as string;
    generic = await startWebhookReceiver();
    slack = await startWebhookReceiver();
    const admin = demo.actor("admin");
    await createChannel(demo.services, admin, {
      name: "ops-json",
      kind: "generic",
      url: generic.url,
      events: [...ALL_KINDS],
      secret: SECRET,
    });
    await createChannel(demo.services, admin, {
      name: "ops-slack",
      kind: "slack",
      url: slack.url,
      events: [...ALL_KINDS],
    });
    // The dispatcher starts reading at the end of the history: the seed is not announced.
    await dispatchNotifications(demo.services, settings);
    expect(generic.received).toHaveLength(0);

    await rollBackCheckoutOnItsOwn();
    await passPaymentsStepsUntilApprovalIsNeeded();
    await killRollouts(
      demo.services,
      demo.actor("operator"),
      { service: "search" },
      {
        reason: "search results empty for EU users",
        idempotencyKey: "search-empty-eu",
      },
    );
    await declareIncident(demo.services, demo.actor("operator"), {
      title: "checkout latency spike",
      severity: "sev1",
      services: ["checkout-api"],
    });

    await dispatchNotifications(demo.services, settings);
    expect(slack.received).toHaveLength(generic.received.length);
    for (const request of generic.received) {
      const body = request.body as Generic;
      const twin = slack.received.find((s) => s.headers["x-sluice-event"] === body.kind);
      if (byKind.has(body.kind) || !twin) continue;
      const signature = String(request.headers["x-sluice-signature"]);
      byKind.set(body.kind, { generic: body, slack: twin.body as Slack, signature, raw: request.raw });
    }
  }, 120_000);

  afterAll(async () => {
    await generic?.close();
    await slack?.close();
    await demo?.database.drop();
  });

  /** Simulated traffic with an 8× error rate on the canary, judged every interval, until it rolls back. */
  async function rollBackCheckoutOnItsOwn() {
    await setSimulatedRegression(demo.services, demo.actor("operator"), {
      id: checkout,
      errorMultiplier: 8,
      latencyShiftMs: 0,
      conversionDrop: 0,
    });
    const simulator = startSimulator(demo.services, { intervalSeconds: 10, random: seededRandom(42) });
    try {
      for (let i = 0; i < 40; i++) {
        demo.advanceClock(10_000);
        await simulator.tick();
        await progressRollouts(demo.services, judgeStep, { only: [checkout] });
        const { state } = await demo.database.db.rollout.findUniqueOrThrow({ where: { id: checkout } });
        if (state === "rolled_back") break;
      }
      // One real judgement of the payments step, so its completion has gate numbers to report.
      await judgeStep(demo.services, await snapshot(payments));
    } finally {
      await simulator.stop();
    }
  }

  async function passPaymentsStepsUntilApprovalIsNeeded() {
    const evaluator = systemActor("evaluator");
    const scheduler = systemActor("scheduler");
    for (const stepIndex of [0, 1]) {
      demo.advanceClock(301_000);
      await runRolloutCommand(demo.services, evaluator, payments, { type: "gates-passed", stepIndex });
      await runRolloutCommand(demo.services, scheduler, payments, { type: "advance" });
    }
    expect((await snapshot(payments)).phase).toBe("awaiting_approval");
  }

  async function snapshot(id: string) {
    return toSnapshot(
      await demo.database.db.rollout.findUniqueOrThrow({ where: { id }, select: snapshotSelect }),
    );
  }

  it("sends every kind to both channels", () => {
    expect([...byKind.keys()].sort()).toEqual([...ALL_KINDS].sort());
  });

  it("auto-rollback says which gate failed, with its numbers, and links to the rollout", () => {
    const m = byKind.get("auto-rollback");
    expect(m?.generic).toMatchObject({
      title: "checkout-api 2.14.0 rolled back automatically",
      failedGates: ["error-rate"],
      link: `${BASE}/rollouts/${checkout}`,
    });
    expect(m?.generic.why).toMatch(/critical gate failed: error-rate \(canary [^)]*\d+(\.\d+)?%/);
    expect(m?.generic.gates.find((g) => g.gate === "error-rate")).toMatchObject({ verdict: "fail" });
    expect(m?.generic.what).toMatch(/^Exposure went from 5% to 1% \(step 2\)/);
    expect(m?.slack.text).toContain(`<${BASE}/rollouts/${checkout}|Open>`);
    expect(JSON.stringify(m?.slack.blocks)).toMatch(/\*Why:\* error-rate failed at step 2/);
  });

  it("kill carries the reason the operator typed", () => {
    const m = byKind.get("kill");
    expect(m?.generic).toMatchObject({
      title: expect.stringMatching(/^search \S+ killed$/),
      why: expect.stringContaining("search results empty for EU users"),
      link: `${BASE}/rollouts/${demo.rollouts.search}`,
    });
    expect(m?.generic.what).toMatch(/^Exposure went from \d+% to \d+%/);
  });

  it("step completed lists the step's gate judgements with their numbers", () => {
    const m = byKind.get("step-completed");
    expect(m?.generic).toMatchObject({
      title: "payments 7.1.0 completed step 1",
      what: "The step passed its gates; 2% is now the last known good exposure.",
      link: `${BASE}/rollouts/${payments}`,
    });
    expect(m?.generic.gates.length).toBeGreaterThan(0);
    for (const gate of m?.generic.gates ?? []) expect(gate.detail).toMatch(/\d/);
    expect(m?.generic.text).toContain(`- ${m?.generic.gates[0]?.gate}: `);
  });

  it("approval needed names the step and exposure waiting", () => {
    expect(byKind.get("approval-needed")?.generic).toMatchObject({
      title: "payments 7.1.0 needs approval",
      what: "The next step (step 3) goes to 100% once a release manager approves it.",
      link: `${BASE}/rollouts/${payments}`,
    });
  });

  it("freeze says which incident froze what, and links to the incidents", () => {
    expect(byKind.get("freeze")?.generic).toMatchObject({
      title: "Delivery frozen: incident declared",
      what: "Incident (sev1) freezes starts, advances, approvals and resumes of checkout-api.",
      why: "checkout latency spike",
      link: `${BASE}/incidents`,
    });
  });

  it("Slack messages have Slack's shape: text plus header, sections and a link button", () => {
    for (const kind of ALL_KINDS) {
      const body = byKind.get(kind)?.slack;
      expect(Object.keys(body ?? {}).sort()).toEqual(["blocks", "text"]);
      expect(body?.blocks[0]).toEqual({
        type: "header",
        text: { type: "plain_text", text: byKind.get(kind)?.generic.title },
      });
      expect(body?.blocks.at(-1)?.elements?.[0]?.url).toBe(byKind.get(kind)?.generic.link);
    }
  });

  it("signs generic webhooks with the channel's secret over the exact body", () => {
    const m = byKind.get("kill");
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(m?.signature ?? "") ?? [];
    expect(v1).toBe(createHmac("sha256", SECRET).update(`${t}.${m?.raw}`).digest("hex"));
    expect(slack.received.every((r) => r.headers["x-sluice-signature"] === undefined)).toBe(true);
  });
});
