import { describe, expect, it } from "vitest";
import { type NotifiableAuditEvent, toNotification } from "./audit-notification";
import { retryDelayMs } from "./retry-policy";
import { plainText, type SlackBody, webhookBody } from "./webhook-body";

const BASE = "https://sluice.example";
const at = new Date("2026-11-27T10:00:00Z");

function auditEvent(overrides: Partial<NotifiableAuditEvent>): NotifiableAuditEvent {
  return {
    id: 41n,
    at,
    actor: "system:evaluator",
    action: "rollout.rolled-back",
    targetType: "rollout",
    targetId: "r1",
    reason: null,
    before: null,
    after: null,
    ...overrides,
  };
}

const checkout = { service: "checkout-api", version: "2.14.0" };
const errorRateFail = {
  gate: "error-rate",
  verdict: "fail",
  detail: "canary 4.10% (41/1000) vs baseline 1.00% (190/19000), e=512 ≥ 100: fail",
};

describe("notifications made from audit events", () => {
  it("auto-rollback: the failing gate with its numbers, the exposure change and the rollout link", () => {
    const n = toNotification(
      auditEvent({
        reason: "error-rate failed at step 2 (5%): critical gate failed: error-rate (canary 4.10% vs 1.00%)",
        before: { currentStep: 1, exposurePercent: 5 },
        after: {
          event: { trigger: "gates-failed", failedGates: ["error-rate"], fromPercent: 5, toPercent: 1 },
        },
      }),
      { baseUrl: BASE, rollout: checkout, gates: [errorRateFail] },
    );
    expect(n).toMatchObject({
      kind: "auto-rollback",
      title: "checkout-api 2.14.0 rolled back automatically",
      what: "Exposure went from 5% to 1% (step 2), the last known good.",
      why: "error-rate failed at step 2 (5%): critical gate failed: error-rate (canary 4.10% vs 1.00%)",
      failedGates: ["error-rate"],
      link: "https://sluice.example/rollouts/r1",
      subject: { type: "rollout", id: "r1", service: "checkout-api", version: "2.14.0" },
      auditEventId: "41",
      at: "2026-11-27T10:00:00.000Z",
    });
    const text = plainText(n as NonNullable<typeof n>);
    expect(text).toContain("error-rate: canary 4.10% (41/1000) vs baseline 1.00% (190/19000)");
    expect(text).toContain("https://sluice.example/rollouts/r1");
  });

  it("kill: the reason a person typed", () => {
    const n = toNotification(
      auditEvent({
        actor: "operator:Olga",
        reason: "checkout errors on the status page",
        before: { currentStep: 0 },
        after: { event: { trigger: "kill", failedGates: [], fromPercent: 25, toPercent: 0 } },
      }),
      { baseUrl: BASE, rollout: checkout },
    );
    expect(n).toMatchObject({
      kind: "kill",
      title: "checkout-api 2.14.0 killed",
      what: "Exposure went from 25% to 0% (step 1), the last known good.",
      why: "checkout errors on the status page",
      actor: "operator:Olga",
      link: "https://sluice.example/rollouts/r1",
    });
  });

  it("approval needed: the step and the exposure waiting for a release manager", () => {
    const n = toNotification(
      auditEvent({
        action: "rollout.approval-requested",
        after: { event: { stepIndex: 2, exposurePercent: 100 } },
      }),
      { baseUrl: BASE, rollout: checkout },
    );
    expect(n).toMatchObject({
      kind: "approval-needed",
      title: "checkout-api 2.14.0 needs approval",
      what: "The next step (step 3) goes to 100% once a release manager approves it.",
      link: "https://sluice.example/rollouts/r1",
    });
  });

  it("step completed: the new last known good and every gate's numbers", () => {
    const latency = {
      gate: "latency-p95",
      verdict: "pass",
      detail: "canary 212 ms vs baseline 208 ms: pass",
    };
    const n = toNotification(
      auditEvent({
        action: "rollout.step-passed",
        after: { event: { stepIndex: 0, lastKnownGoodPercent: 5 } },
      }),
      { baseUrl: BASE, rollout: checkout, gates: [latency] },
    );
    expect(n).toMatchObject({
      kind: "step-completed",
      title: "checkout-api 2.14.0 completed step 1",
      what: "The step passed its gates; 5% is now the last known good exposure.",
      gates: [latency],
    });
    expect(plainText(n as NonNullable<typeof n>)).toContain("latency-p95: canary 212 ms vs baseline 208 ms");
  });

  it("freeze: an incident names what it freezes and links to the incidents", () => {
    const n = toNotification(
      auditEvent({
        action: "incident.declared",
        actor: "operator:Olga",
        targetType: "incident",
        targetId: "inc1",
        reason: "payments latency spike",
        after: { severity: "sev1", services: ["*"] },
      }),
      { baseUrl: BASE },
    );
    expect(n).toMatchObject({
      kind: "freeze",
      title: "Delivery frozen: incident declared",
      what: "Incident (sev1) freezes starts, advances, approvals and resumes of every service.",
      why: "payments latency spike",
      link: "https://sluice.example/incidents",
    });
  });

  it("freeze: an incident widened by a repeat declaration says so, with what it freezes now", () => {
    const n = toNotification(
      auditEvent({
        action: "incident.updated",
        actor: "token:pager",
        targetType: "incident",
        targetId: "inc1",
        reason: "payments latency spike",
        after: { severity: "sev1", services: ["payments", "checkout-api"] },
      }),
      { baseUrl: BASE },
    );
    expect(n).toMatchObject({
      kind: "freeze",
      title: "Delivery frozen: incident updated",
      what: "Incident (sev1) freezes starts, advances, approvals and resumes of payments, checkout-api.",
    });
  });

  it("freeze: an exhausted error budget says why with the budget's numbers", () => {
    const reason = "checkout-api/availability error budget exhausted (spent 104% of 43 min): frozen";
    const n = toNotification(
      auditEvent({
        action: "slo.budget-exhausted",
        targetType: "service",
        targetId: "svc1",
        reason,
        after: { slo: { id: "slo1", name: "availability", environment: "production" } },
      }),
      { baseUrl: BASE },
    );
    expect(n).toMatchObject({
      kind: "freeze",
      what: "Starts, advances, approvals and resumes of the service in production are frozen until its error budget recovers.",
      why: reason,
      link: "https://sluice.example/slos",
    });
  });

  it("freeze: says when an incident's or a budget's freeze lifts, to those told it began", () => {
    const resolved = toNotification(
      auditEvent({
        action: "incident.resolved",
        targetType: "incident",
        targetId: "inc1",
        reason: "payments down",
      }),
      { baseUrl: BASE },
    );
    expect(resolved).toMatchObject({
      kind: "freeze",
      title: "Delivery unfrozen: incident resolved",
      what: expect.stringMatching(
        /^Incident “payments down” no longer freezes starts, advances, approvals and resumes/,
      ),
      link: "https://sluice.example/incidents",
    });
    const reason = "checkout-api/availability error budget no longer exhausted (spent 97% of 43 min)";
    const restored = toNotification(
      auditEvent({
        action: "slo.budget-restored",
        targetType: "service",
        targetId: "svc1",
        reason,
        after: { slo: { id: "slo1", name: "availability", environment: "production" } },
      }),
      { baseUrl: BASE },
    );
    expect(restored).toMatchObject({
      kind: "freeze",
      title: "Delivery unfrozen: error budget recovered",
      what: expect.stringMatching(
        /^Starts, advances, approvals and resumes of the service in production are no longer frozen/,
      ),
      why: reason,
      link: "https://sluice.example/slos",
    });
  });

  it("other audit events are not notifications", () => {
    for (const action of ["rollout.started", "rollout.paused", "token.created", "rollout.resumed"]) {
      expect(toNotification(auditEvent({ action }), { baseUrl: BASE })).toBeNull();
    }
  });
});

describe("webhook bodies", () => {
  const notification = toNotification(
    auditEvent({
      reason: "critical gate failed: error-rate (canary <4.10%> & rising)",
      before: { currentStep: 1 },
      after: {
        event: { trigger: "gates-failed", failedGates: ["error-rate"], fromPercent: 5, toPercent: 1 },
      },
    }),
    { baseUrl: BASE, rollout: checkout, gates: [errorRateFail] },
  );
  if (!notification) throw new Error("expected a notification");

  it("generic: the notification with a schema tag and a readable text", () => {
    const body = webhookBody("generic", notification);
    expect(body).toMatchObject({
      schema: "sluice.notification/v1",
      kind: "auto-rollback",
      failedGates: ["error-rate"],
      link: "https://sluice.example/rollouts/r1",
    });
    expect((body as { text: string }).text.split("\n")[0]).toBe(
      "checkout-api 2.14.0 rolled back automatically",
    );
  });

  it("slack: text plus blocks, a header, mrkdwn escaped, and a button to the rollout", () => {
    const body = webhookBody("slack", notification) as SlackBody;
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toContain("<https://sluice.example/rollouts/r1|Open>");
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "checkout-api 2.14.0 rolled back automatically" },
    });
    const sections = body.blocks.filter((b) => b.type === "section").map((b) => b.text.text);
    expect(sections).toContain("*Why:* critical gate failed: error-rate (canary &lt;4.10%&gt; &amp; rising)");
    expect(sections.join("\n")).toContain("*error-rate* (fail): canary 4.10% (41/1000)");
    expect(body.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open rollout" },
          url: "https://sluice.example/rollouts/r1",
          action_id: "open",
        },
      ],
    });
  });
});

describe("retry back-off", () => {
  it("doubles from the base, caps at the maximum, and stops after the last attempt", () => {
    const policy = { maxAttempts: 6, baseDelayMs: 10_000, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, policy))).toEqual([
      10_000,
      20_000,
      40_000,
      60_000,
      60_000,
      null,
    ]);
  });
});
