/**
 * A latency histogram as one interval's bucket counts: counts[i] is the number of observations in
 * (bounds[i-1], bounds[i]] (the first bucket starts at 0); counts has one extra entry for > last bound.
 */
export interface Histogram {
  bounds: readonly number[];
  counts: readonly number[];
}

/**
 * The q-quantile, interpolating linearly inside the bucket that holds it, as Prometheus's
 * histogram_quantile does. Null for an empty histogram; the largest bound when it falls in the overflow.
 */
export function histogramQuantile(histogram: Histogram, q: number): number | null {
  const total = histogram.counts.reduce((sum, c) => sum + c, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const count = histogram.counts[i] ?? 0;
    if (below + count >= rank && count > 0) {
      const upper = histogram.bounds[i];
      if (upper === undefined) return histogram.bounds[histogram.bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : (histogram.bounds[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return histogram.bounds[histogram.bounds.length - 1] ?? null;
}

/** Adds histograms with identical bounds bucket by bucket. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram | null {
  const first = histograms[0];
  if (!first) return null;
  const counts = first.counts.map((_, i) => histograms.reduce((sum, h) => sum + (h.counts[i] ?? 0), 0));
  return { bounds: first.bounds, counts };
}
