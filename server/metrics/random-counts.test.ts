import { describe, expect, it } from "vitest";
import { seededRandom } from "../testing/seeded-random";
import { binomial, poisson } from "./random-counts";

/** Mean, variance and the share of zeros of `draws` draws. */
function moments(draw: () => number, draws: number) {
  const values = Array.from({ length: draws }, draw);
  const mean = values.reduce((sum, v) => sum + v, 0) / draws;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (draws - 1);
  return { mean, variance, zeros: values.filter((v) => v === 0).length / draws };
}

describe("random counts for simulated traffic", () => {
  it("draws a rare-event binomial with the binomial's mean, variance and zeros", () => {
    const random = seededRandom(17);
    // 2,000 requests at 0.5% errors: mean 10, variance 9.95, P(0) = 0.995^2000 ≈ 4.4e-5.
    const { mean, variance, zeros } = moments(() => binomial(2000, 0.005, random), 40_000);
    expect(mean).toBeCloseTo(10, 1);
    expect(variance).toBeGreaterThan(9.95 * 0.95);
    expect(variance).toBeLessThan(9.95 * 1.05);
    // A rounded normal draw gives 0 with probability Φ(-3.02) ≈ 1.3e-3: ~50 zeros in 40,000.
    expect(zeros).toBeLessThan(3e-4);
  });

  it("draws a binomial's low tail as the binomial has it, not as a normal curve does", () => {
    const random = seededRandom(23);
    // 1,281 conversion trials at 2.35%: mean 30.1. P(X ≤ 15) summed from the pmf here; a rounded normal
    // draw would give Φ((15.5 − 30.1) / 5.43) ≈ 0.0036, about twice as much.
    const n = 1281;
    const p = 0.0235;
    let pmf = (1 - p) ** n;
    let lowTail = pmf;
    for (let k = 1; k <= 15; k++) {
      pmf *= ((n - k + 1) / k) * (p / (1 - p));
      lowTail += pmf;
    }
    expect(lowTail).toBeGreaterThan(0.0012);
    expect(lowTail).toBeLessThan(0.0019);
    const draws = 200_000;
    let low = 0;
    let sum = 0;
    for (let i = 0; i < draws; i++) {
      const x = binomial(n, p, random);
      sum += x;
      if (x <= 15) low++;
    }
    expect(sum / draws).toBeCloseTo(n * p, 1);
    expect(low / draws).toBeGreaterThan(lowTail * 0.8);
    expect(low / draws).toBeLessThan(lowTail * 1.2);
  });

  it("draws large binomials and small Poisson counts around their means", () => {
    const random = seededRandom(5);
    const large = moments(() => binomial(100_000, 0.3, random), 5_000);
    expect(large.mean).toBeCloseTo(30_000, -1);
    expect(large.variance).toBeGreaterThan(21_000 * 0.9);
    expect(large.variance).toBeLessThan(21_000 * 1.1);
    const small = moments(() => poisson(3, random), 40_000);
    expect(small.mean).toBeCloseTo(3, 1);
    expect(small.zeros).toBeCloseTo(Math.exp(-3), 2);
    expect(binomial(10, 1, random)).toBe(10);
    expect(binomial(10, 0, random)).toBe(0);
    expect(binomial(10, 0.9, random)).toBeLessThanOrEqual(10);
  });
});
