import { describe, expect, it } from "vitest";
import { badRatio, burnRate, errorBudget, formatBurnRate } from "./burn-rate";

describe("burn rate", () => {
  it("is the bad ratio over the budgeted ratio 1 − objective", () => {
    // 500 / 10 000 = 5% bad against a 0.5% budget: ten times too fast.
    expect(burnRate({ total: 10_000, bad: 500 }, 0.995)).toBeCloseTo(10, 10);
    // 100 / 1 000 000 = 0.01% bad against 0.1%: a tenth of the sustainable rate.
    expect(burnRate({ total: 1_000_000, bad: 100 }, 0.999)).toBeCloseTo(0.1, 10);
    // 72 / 1 000 = 7.2% against 0.5%: the page threshold 14.4.
    expect(burnRate({ total: 1_000, bad: 72 }, 0.995)).toBeCloseTo(14.4, 10);
  });

  it("is 0 without traffic", () => {
    expect(badRatio({ total: 0, bad: 0 })).toBe(0);
    expect(burnRate({ total: 0, bad: 0 }, 0.995)).toBe(0);
  });

  it("formats with two decimals below 10 and one above", () => {
    expect(formatBurnRate(0.5)).toBe("0.50");
    expect(formatBurnRate(14.4)).toBe("14.4");
    expect(formatBurnRate(200)).toBe("200.0");
  });
});

describe("error budget", () => {
  it("is what is left of total × (1 − objective) bad requests", () => {
    // 100 000 requests at 99.5% allow 500 bad; 125 spent leaves 75%.
    const quarter = errorBudget({ total: 100_000, bad: 125 }, 0.995);
    expect(quarter.allowedBad).toBeCloseTo(500, 9);
    expect(quarter.remaining).toBeCloseTo(0.75, 10);
    expect(quarter.exhausted).toBe(false);
  });

  it("is exhausted at 0 remaining and below", () => {
    const spent = errorBudget({ total: 1_000, bad: 10 }, 0.99);
    expect(spent.remaining).toBeCloseTo(0, 10);
    expect(errorBudget({ total: 1_000, bad: 10 }, 0.99).exhausted).toBe(spent.remaining <= 0);
    // 100 bad where 10 are allowed: overspent nine budgets.
    const overspent = errorBudget({ total: 1_000, bad: 100 }, 0.99);
    expect(overspent.remaining).toBeCloseTo(-9, 10);
    expect(overspent.exhausted).toBe(true);
    // Exactly spent, in numbers that are exact in binary: 1 000 × 0.5 = 500 allowed, 500 bad.
    expect(errorBudget({ total: 1_000, bad: 500 }, 0.5)).toMatchObject({ remaining: 0, exhausted: true });
  });

  it("is untouched without traffic", () => {
    expect(errorBudget({ total: 0, bad: 0 }, 0.999)).toMatchObject({ remaining: 1, exhausted: false });
  });
});
