import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { basisPointBucket, isEnabledUnleash, isInRollout, normalizedValue } from "./sticky-bucket";

describe("normalizedValue (Unleash client specification)", () => {
  it("matches the values Unleash's Node, Java and Go clients agree on", () => {
    expect(normalizedValue("123", "gr1")).toBe(73);
    expect(normalizedValue("999", "groupX")).toBe(25);
  });

  it("stays within 1..normalizer", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 100_000 }), (id, group, n) => {
        const v = normalizedValue(id, group, n);
        expect(v).toBeGreaterThanOrEqual(1);
        expect(v).toBeLessThanOrEqual(n);
      }),
    );
  });

  it("uses Unleash's <= rule for membership", () => {
    expect(isEnabledUnleash("123", "gr1", 73)).toBe(true);
    expect(isEnabledUnleash("123", "gr1", 72)).toBe(false);
    expect(isEnabledUnleash("123", "gr1", 0)).toBe(false);
  });

  it("refuses a normalizer that is not a positive integer", () => {
    expect(() => normalizedValue("a", "g", 0)).toThrow(AppError);
  });
});

describe("isInRollout", () => {
  it("never removes an exposed key when the percentage rises", () => {
    const percent = fc.integer({ min: 0, max: 10_000 }).map((bp) => bp / 100);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string(), percent, percent, (key, group, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (isInRollout(key, group, low)) expect(isInRollout(key, group, high)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("exposes nobody at 0% and everybody at 100%", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, group) => {
        expect(isInRollout(key, group, 0)).toBe(false);
        expect(isInRollout(key, group, 100)).toBe(true);
      }),
    );
  });

  it("is sticky per group and differs across groups", () => {
    expect(basisPointBucket("user-42", "checkout")).toBe(basisPointBucket("user-42", "checkout"));
    const differing = Array.from({ length: 50 }, (_, i) => `user-${i}`).filter(
      (k) => basisPointBucket(k, "checkout") !== basisPointBucket(k, "search"),
    );
    expect(differing.length).toBeGreaterThan(45);
  });

  it("refuses a percentage outside 0..100", () => {
    expect(() => isInRollout("k", "g", 100.5)).toThrow(/percent/);
    expect(() => isInRollout("k", "g", Number.NaN)).toThrow(AppError);
  });

  it("spreads 1,000,000 keys evenly (chi-square over 100 ranges, 1% per decile)", () => {
    const keys = 1_000_000;
    const ranges = new Array<number>(100).fill(0);
    for (let i = 0; i < keys; i++) {
      const range = Math.floor(basisPointBucket(`user-${i}`, "checkout-v2") / 100);
      ranges[range] = (ranges[range] ?? 0) + 1;
    }
    const expected = keys / ranges.length;
    const chiSquare = ranges.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // Critical value of chi-square with 99 degrees of freedom at p = 0.001.
    expect(chiSquare).toBeLessThan(148.23);
    for (let decile = 0; decile < 10; decile++) {
      const count = ranges.slice(decile * 10, decile * 10 + 10).reduce((a, b) => a + b, 0);
      expect(Math.abs(count - keys / 10) / (keys / 10)).toBeLessThan(0.01);
    }
  });
});
