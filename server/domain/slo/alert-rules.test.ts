import { describe, expect, it } from "vitest";
import { describeFiring, evaluateBurnAlerts } from "./alert-rules";
import { windowCounts } from "./slo-fixtures";

describe("multiwindow, multi-burn-rate alerts (objective 99.5%, budget 0.5%)", () => {
  it("pages when both 1 h and 5 min burn faster than 14.4", () => {
    // 7.5% bad over 1 h → 15; 10% over 5 min → 20.
    const alert = evaluateBurnAlerts(windowCounts({ "1h": 0.075, "5m": 0.1 }), 0.995);
    expect(alert.severity).toBe("page");
    expect(describeFiring(alert, "page")).toBe("1h burn rate 15.0 and 5m burn rate 20.0 both above 14.4");
  });

  it("does not page once the short window has recovered, nor on a short spike alone", () => {
    // 1 h still at 15, but the last 5 min at 0.2: the cause is gone.
    expect(evaluateBurnAlerts(windowCounts({ "1h": 0.075, "5m": 0.001 }), 0.995).severity).toBeNull();
    // 5 min at 20, the hour at 2 (1%): too little budget spent to wake anyone.
    expect(evaluateBurnAlerts(windowCounts({ "1h": 0.01, "5m": 0.1 }), 0.995).severity).toBeNull();
  });

  it("pages when both 6 h and 30 min burn faster than 6", () => {
    // 3.5% over 6 h → 7; 4% over 30 min → 8; 1 h at 8 is below 14.4.
    const alert = evaluateBurnAlerts(windowCounts({ "6h": 0.035, "30m": 0.04, "1h": 0.04 }), 0.995);
    expect(alert.severity).toBe("page");
    expect(describeFiring(alert, "page")).toBe("6h burn rate 7.00 and 30m burn rate 8.00 both above 6");
  });

  it("opens a ticket at 3 over 1 d and 2 h, and at 1 over 3 d and 6 h", () => {
    // 1.75% → 3.5 and 2% → 4.
    const fast = evaluateBurnAlerts(windowCounts({ "1d": 0.0175, "2h": 0.02 }), 0.995);
    expect(fast.severity).toBe("ticket");
    expect(describeFiring(fast, "ticket")).toBe("1d burn rate 3.50 and 2h burn rate 4.00 both above 3");
    // 0.75% → 1.5 and 0.6% → 1.2.
    const slow = evaluateBurnAlerts(windowCounts({ "3d": 0.0075, "6h": 0.006 }), 0.995);
    expect(slow.severity).toBe("ticket");
    expect(describeFiring(slow, "ticket")).toBe("3d burn rate 1.50 and 6h burn rate 1.20 both above 1");
  });

  it("needs the rate above the threshold, not at it", () => {
    // Objective 50%: 50% bad burns exactly 1 (exact in binary), which does not fire the 3 d / 6 h rule.
    const atOne = evaluateBurnAlerts(windowCounts({ "3d": 0.5, "6h": 0.5 }), 0.5);
    expect(atOne.rules.find((r) => r.long === "3d")).toMatchObject({ longBurnRate: 1, firing: false });
    expect(atOne.severity).toBeNull();
  });

  it("reports the most severe firing rule and every rule's numbers", () => {
    const alert = evaluateBurnAlerts(
      windowCounts({ "5m": 0.2, "30m": 0.2, "1h": 0.2, "2h": 0.2, "6h": 0.2, "1d": 0.2, "3d": 0.2 }),
      0.995,
    );
    expect(alert.severity).toBe("page");
    expect(alert.rules.map((r) => [r.long, r.firing, Number(r.longBurnRate.toFixed(9))])).toEqual([
      ["1h", true, 40],
      ["6h", true, 40],
      ["1d", true, 40],
      ["3d", true, 40],
    ]);
    expect(evaluateBurnAlerts(windowCounts(), 0.995)).toMatchObject({ severity: null });
  });
});
