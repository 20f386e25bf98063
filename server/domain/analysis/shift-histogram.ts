import type { LatencyHistogram } from "./analysis-sample";

/**
 * The histogram every request of which is `factor` times slower: what the baseline would look like at the
 * margin of a latency gate. Mass is spread log-uniformly inside each bucket (linearly in the first, which
 * starts at 0), the conservative choice for right-skewed latency: less mass spills over the upper bound
 * than with a linear spread. Counts become fractional; overflow stays overflow.
 */
export function shiftHistogram(h: LatencyHistogram, factor: number): LatencyHistogram {
  const { bounds } = h;
  const counts = new Array<number>(h.counts.length).fill(0);
  const last = bounds.length; // overflow index
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i] ?? 0;
    if (c === 0) continue;
    if (i === last) {
      counts[last] = (counts[last] ?? 0) + c;
      continue;
    }
    const hi = bounds[i] ?? 0;
    const lo = i === 0 ? 0 : (bounds[i - 1] ?? 0);
    const newLo = lo * factor;
    const newHi = hi * factor;
    const position = (x: number) =>
      i === 0 ? (x - newLo) / (newHi - newLo) : Math.log(x / newLo) / Math.log(newHi / newLo);
    let from = 0;
    for (let j = 0; j <= last; j++) {
      const upper = j < last ? (bounds[j] ?? 0) : Number.POSITIVE_INFINITY;
      if (upper <= newLo) continue;
      const to = upper >= newHi ? 1 : position(upper);
      counts[j] = (counts[j] ?? 0) + c * (to - from);
      from = to;
      if (to >= 1) break;
    }
  }
  return { bounds, counts };
}
