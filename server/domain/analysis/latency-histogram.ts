import type { LatencyHistogram } from "./analysis-sample";

/** Bucket-by-bucket sum; histograms with other bounds than the first are skipped (a source change). */
export function addHistograms(histograms: readonly LatencyHistogram[]): LatencyHistogram | null {
  const first = histograms[0];
  if (!first) return null;
  const counts = new Array<number>(first.counts.length).fill(0);
  for (const h of histograms) {
    if (!sameBounds(h, first)) continue;
    for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (h.counts[i] ?? 0);
  }
  return { bounds: first.bounds, counts };
}

export function sameBounds(a: LatencyHistogram, b: LatencyHistogram): boolean {
  if (a.bounds.length !== b.bounds.length) return false;
  return a.bounds.every((bound, i) => bound === b.bounds[i]);
}

export function histogramTotal(h: LatencyHistogram): number {
  let total = 0;
  for (const c of h.counts) total += c;
  return total;
}

/**
 * The q-quantile in ms, interpolated linearly inside its bucket (as Prometheus' histogram_quantile).
 * Null when empty; the largest bound when the quantile falls in the overflow bucket.
 */
export function histogramQuantile(h: LatencyHistogram, q: number): number | null {
  const total = histogramTotal(h);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const count = h.counts[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      const upper = h.bounds[i];
      if (upper === undefined) return h.bounds[h.bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : (h.bounds[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return h.bounds[h.bounds.length - 1] ?? null;
}

/** Requests strictly above bounds[boundIndex] (every bucket after it, overflow included). */
export function countAbove(h: LatencyHistogram, boundIndex: number): number {
  let n = 0;
  for (let i = boundIndex + 1; i < h.counts.length; i++) n += h.counts[i] ?? 0;
  return n;
}

/**
 * The bucket bound to count "slow" requests against for quantile q: the bound whose share of baseline
 * requests above it is nearest (in ratio) to 1 - q. Buckets are coarse, so this is the baseline's q-quantile
 * rounded to a bound; when the quantile sits near the top of a wide bucket, the bound above it (a thinner
 * tail) is nearer than the one below (which would make a p99 gate judge the p80). The rate test is exact
 * for few events, so a thin tail costs power, not validity. Null when the baseline is empty or nothing is
 * above any bound.
 */
export function exceedanceBound(baseline: LatencyHistogram, q: number): number | null {
  const total = histogramTotal(baseline);
  if (total === 0) return null;
  const target = 1 - q;
  let best: number | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < baseline.bounds.length; i++) {
    const share = countAbove(baseline, i) / total;
    if (share === 0) break;
    const distance = Math.abs(Math.log(share / target));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/**
 * Share of requests slower than `ms`. Between bucket bounds the log of that share is interpolated linearly
 * in log-latency (a power law within the bucket), which follows a tail's falling density where a uniform
 * spread would put far too much mass at the top of a wide tail bucket. Linear in the first bucket (from 0)
 * and wherever a bound has nothing above it.
 */
export function shareAbove(h: LatencyHistogram, ms: number): number {
  const total = histogramTotal(h);
  if (total === 0) return 0;
  let lowerMs = 0;
  let lowerShare = 1;
  for (let i = 0; i < h.bounds.length; i++) {
    const upperMs = h.bounds[i] ?? 0;
    const upperShare = countAbove(h, i) / total;
    if (ms <= upperMs) {
      if (ms <= lowerMs) return lowerShare;
      if (lowerMs === 0 || upperShare === 0) {
        return lowerShare + ((upperShare - lowerShare) * (ms - lowerMs)) / (upperMs - lowerMs);
      }
      const position = Math.log(ms / lowerMs) / Math.log(upperMs / lowerMs);
      return lowerShare * (upperShare / lowerShare) ** position;
    }
    lowerMs = upperMs;
    lowerShare = upperShare;
  }
  return lowerShare;
}
