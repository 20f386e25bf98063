import type { GoodBadCounts } from "../../domain/slo";

/** Windows this long (1 d, 3 d and the SLO window) are the ones worth reusing. */
export const LONG_WINDOW_MS = 86_400_000;
/** In five minutes a window of a day or more moves by under 0.4%, and the budget's by far less. */
const REUSE_MS = 5 * 60_000;

/**
 * slo-watch's sums over the long windows, kept between beats: summing 30 days of samples was most of a
 * beat's cost (bench:slo), and those windows barely move in 30 s. A sum is reused for up to five minutes;
 * the short windows that page (5 min to 6 h) are summed afresh at every beat. Keyed by what the sum
 * depends on, so an SLO whose definition changes is summed again at once.
 */
export class LongWindowSums {
  private readonly sums = new Map<string, { at: number; bySpan: Map<number, GoodBadCounts> }>();

  get(key: string, now: number): Map<number, GoodBadCounts> | undefined {
    const entry = this.sums.get(key);
    return entry && now - entry.at < REUSE_MS && now >= entry.at ? entry.bySpan : undefined;
  }

  set(key: string, now: number, bySpan: Map<number, GoodBadCounts>): void {
    this.sums.set(key, { at: now, bySpan });
  }

  /** Forgets sums too old to reuse (deleted or redefined SLOs' among them). */
  sweep(now: number): void {
    for (const [key, entry] of this.sums) if (now - entry.at >= REUSE_MS) this.sums.delete(key);
  }
}
