import { describe, expect, it } from "vitest";
import { assessSlo, planSloActions, type SloState, type SloSubject } from "./slo-decision";
import { windowCounts } from "./slo-fixtures";

const slo: SloSubject = {
  id: "slo1",
  service: "checkout-api",
  environment: "production",
  name: "availability",
  kind: "availability",
  objective: 0.995,
  windowDays: 30,
  latencyThresholdMs: null,
};
const quiet: SloState = { alertSeverity: null, alertSince: null, budgetExhaustedSince: null };
const T0 = Date.UTC(2026, 10, 27, 10);
// 1 000 000 requests in 30 d allow 5 000 bad.
const healthyBudget = { total: 1_000_000, bad: 1_000 };
const paging = assessSlo(
  slo,
  { windows: windowCounts({ "1h": 0.075, "5m": 0.1 }), sloWindow: healthyBudget },
  null,
);

describe("planning an SLO's actions", () => {
  it("raises a page with its numbers and asks for a kill keyed to the burn", () => {
    const plan = planSloActions(slo, quiet, paging, T0);
    expect(plan.next).toEqual({ alertSeverity: "page", alertSince: T0, budgetExhaustedSince: null });
    expect(plan.changes).toEqual([
      {
        action: "slo.alert-raised",
        reason:
          "SLO checkout-api/availability in production (99.5% of requests without error over 30d) raised to page: " +
          "1h burn rate 15.0 and 5m burn rate 20.0 both above 14.4",
      },
    ]);
    expect(plan.kill).toEqual({
      reason:
        "SLO checkout-api/availability in production (99.5% of requests without error over 30d) is burning its error " +
        "budget fast: 1h burn rate 15.0 and 5m burn rate 20.0 both above 14.4",
      idempotencyKey: `slo-page:slo1:${T0}`,
    });
  });

  it("keeps the same kill key and records nothing while the same burn goes on", () => {
    const first = planSloActions(slo, quiet, paging, T0);
    const later = planSloActions(slo, first.next, paging, T0 + 30_000);
    expect(later.changes).toEqual([]);
    expect(later.next).toEqual(first.next);
    expect(later.kill?.idempotencyKey).toBe(first.kill?.idempotencyKey);
  });

  it("eases to a ticket, clears, and a new burn gets a new key", () => {
    const first = planSloActions(slo, quiet, paging, T0);
    const ticket = assessSlo(
      slo,
      { windows: windowCounts({ "1d": 0.0175, "2h": 0.02 }), sloWindow: healthyBudget },
      "page",
    );
    const eased = planSloActions(slo, first.next, ticket, T0 + 60_000);
    expect(eased.changes.map((c) => c.action)).toEqual(["slo.alert-eased"]);
    expect(eased.kill).toBeNull();
    const calm = assessSlo(slo, { windows: windowCounts(), sloWindow: healthyBudget }, "ticket");
    const cleared = planSloActions(slo, eased.next, calm, T0 + 120_000);
    expect(cleared.changes).toEqual([
      {
        action: "slo.alert-cleared",
        reason: expect.stringMatching(
          /no longer alerts \(was ticket\): 1d burn rate 0\.20 and 2h burn rate 0\.20 not both above 3/,
        ),
      },
    ]);
    expect(cleared.next).toEqual(quiet);
    const again = planSloActions(slo, cleared.next, paging, T0 + 180_000);
    expect(again.kill?.idempotencyKey).toBe(`slo-page:slo1:${T0 + 180_000}`);
  });

  it("holds a page through a metrics outage until the long window drains, and raises nothing on no data", () => {
    const first = planSloActions(slo, quiet, paging, T0);
    const noData = { total: 0, bad: 0 };
    // The burning hour is still in the 1 h window, but the last 5 min brought no samples at all.
    const outage = { windows: { ...windowCounts({ "1h": 0.075 }), "5m": noData }, sloWindow: healthyBudget };
    const held = planSloActions(slo, first.next, assessSlo(slo, outage, "page"), T0 + 5 * 60_000);
    expect(held.changes).toEqual([]);
    expect(held.next).toEqual(first.next);
    expect(held.kill).toEqual({
      reason:
        "SLO checkout-api/availability in production (99.5% of requests without error over 30d) is burning its error " +
        "budget fast: 1h burn rate 15.0 above 14.4 and no requests in the 5m window to show a recovery",
      idempotencyKey: `slo-page:slo1:${T0}`,
    });
    // The same windows raise nothing from quiet: an alert starts only on evidence of a burn.
    expect(planSloActions(slo, quiet, assessSlo(slo, outage, null), T0).changes).toEqual([]);
    // An hour without data drains the long window too, and the page clears.
    const drained = { windows: { ...outage.windows, "1h": noData }, sloWindow: healthyBudget };
    const cleared = planSloActions(slo, held.next, assessSlo(slo, drained, "page"), T0 + 65 * 60_000);
    expect(cleared.changes.map((c) => c.action)).toEqual(["slo.alert-cleared"]);
    expect(cleared.kill).toBeNull();
  });

  it("starts an error-budget freeze once when the budget is spent and lifts it on recovery", () => {
    // 6 000 bad of 1 000 000 where 5 000 are allowed: remaining −20%.
    const spent = assessSlo(
      slo,
      { windows: windowCounts(), sloWindow: { total: 1_000_000, bad: 6_000 } },
      null,
    );
    const frozen = planSloActions(slo, quiet, spent, T0);
    expect(frozen.next.budgetExhaustedSince).toBe(T0);
    expect(frozen.changes).toEqual([
      {
        action: "slo.budget-exhausted",
        reason:
          "SLO checkout-api/availability in production (99.5% of requests without error over 30d) error budget exhausted " +
          "(6000 bad of 1000000 requests in 30d against 5000 allowed, remaining -20%): starts, advances, " +
          "approvals and resumes of checkout-api in production are frozen",
      },
    ]);
    expect(frozen.kill).toBeNull();
    expect(planSloActions(slo, frozen.next, spent, T0 + 30_000).changes).toEqual([]);
    // Twice the traffic with the same bad requests: 6 000 of 10 000 allowed, 40% left.
    const recovered = assessSlo(
      slo,
      { windows: windowCounts(), sloWindow: { total: 2_000_000, bad: 6_000 } },
      null,
    );
    const lifted = planSloActions(slo, frozen.next, recovered, T0 + 60_000);
    expect(lifted.next.budgetExhaustedSince).toBeNull();
    expect(lifted.changes.map((c) => [c.action, c.reason.match(/remaining [^)]*/)?.[0]])).toEqual([
      ["slo.budget-restored", "remaining 40%"],
    ]);
  });
});
