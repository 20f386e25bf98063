import type { LatencyHistogram } from "./analysis-sample";
import { logNormalCdf } from "./normal-distribution";

/**
 * Whole-distribution latency comparison: a Mann-Whitney rank statistic on bucketed latencies, per interval
 * (ties share mid-ranks), summed over intervals with van Elteren's 1/(N+1) weights. A shift that moves
 * every request a little barely shows at p95/p99 but shows here, since all requests vote.
 */

export interface RankShiftStratum {
  /** Sum over canary requests of baseline requests below it, ties counting half. */
  u: number;
  expected: number;
  variance: number;
  canary: number;
  baseline: number;
}

export function rankStratum(canary: LatencyHistogram, baseline: LatencyHistogram): RankShiftStratum | null {
  let nc = 0;
  let nb = 0;
  for (const c of canary.counts) nc += c;
  for (const b of baseline.counts) nb += b;
  if (nc === 0 || nb === 0) return null;
  const n = nc + nb;
  let u = 0;
  let baselineBelow = 0;
  let tieTerm = 0;
  const buckets = Math.max(canary.counts.length, baseline.counts.length);
  for (let i = 0; i < buckets; i++) {
    const c = canary.counts[i] ?? 0;
    const b = baseline.counts[i] ?? 0;
    u += c * (baselineBelow + b / 2);
    baselineBelow += b;
    const tied = c + b;
    tieTerm += tied * tied * tied - tied;
  }
  const variance = ((nc * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  return { u, expected: (nc * nb) / 2, variance: Math.max(variance, 0), canary: nc, baseline: nb };
}

export interface RankShiftSummary {
  /** Weighted sum of (U − E[U]); positive when the canary is slower. */
  score: number;
  variance: number;
  /** P(canary request slower than baseline request), ties half: 0.5 when alike. */
  superiority: number;
  /** Standard error of `superiority` under no difference. */
  superioritySe: number;
}

export function summarizeRank(strata: readonly RankShiftStratum[]): RankShiftSummary {
  let score = 0;
  let variance = 0;
  let u = 0;
  let pairs = 0;
  let rawVariance = 0;
  for (const s of strata) {
    const w = 1 / (s.canary + s.baseline + 1);
    score += w * (s.u - s.expected);
    variance += w * w * s.variance;
    u += s.u;
    pairs += s.canary * s.baseline;
    rawVariance += s.variance;
  }
  return {
    score,
    variance,
    superiority: pairs > 0 ? u / pairs : 0.5,
    superioritySe: pairs > 0 ? Math.sqrt(rawVariance) / pairs : Number.POSITIVE_INFINITY,
  };
}

/**
 * log e-value of a one-sided normal-mixture martingale (Robbins; half-normal prior of precision rho on the
 * drift): 2·√(ρ/(V+ρ))·exp(S²/2(V+ρ))·Φ(S/√(V+ρ)). Valid for any stopping time, like the rate test.
 */
export function logNormalMixtureEvidence(score: number, variance: number, rho: number): number {
  const vr = variance + rho;
  return (
    Math.log(2) + 0.5 * Math.log(rho / vr) + (score * score) / (2 * vr) + logNormalCdf(score / Math.sqrt(vr))
  );
}

/**
 * The normal-mixture e-value run from each stratum on (element j uses strata j, j+1, …), for
 * change-point-evidence to mix. `sign` is +1 when a slower canary is bad.
 */
export function rankEvidenceByStart(
  strata: readonly RankShiftStratum[],
  sign: number,
  rho: number,
): number[] {
  const out = new Array<number>(strata.length).fill(0);
  let score = 0;
  let variance = 0;
  for (let j = strata.length - 1; j >= 0; j--) {
    const s = strata[j];
    if (s) {
      const w = 1 / (s.canary + s.baseline + 1);
      score += w * (s.u - s.expected);
      variance += w * w * s.variance;
    }
    out[j] = logNormalMixtureEvidence(sign * score, variance, rho);
  }
  return out;
}
