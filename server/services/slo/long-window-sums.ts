import type { GoodBadCounts } from "../../domain/slo";

/** Windows this long (1 d, 3 d and the SLO window) are the ones worth reusing. */
export const LONG_WINDOW_MS = 86_400_000;
/** How long the older part of a long window is reused: its oldest edge lags by at most this. */
const REUSE_MS = 5 * 60_000;

/** The long windows' sums as of `at`, without their newest hours (see LongWindowSums). */
export interface OlderParts {
  at: number;
  /** By window span: the sum over (at − span, at − recent], `recent` being the longest short window. */
  bySpan: Map<number, GoodBadCounts>;
}

/**
 * slo-watch's sums over the long windows, kept between beats: summing 30 days of samples was most of a
 * beat's cost (bench:slo). What is kept is each window's older part, which live samples do not touch;
 * the recent hours are summed at every beat with the short windows, so a burst counts towards the budget
 * at once. For up to five minutes the window's oldest edge lags, and a sample pushed late into the older
 * part (over 6 h old: a backfill) is not counted yet. Keyed by what the sum depends on, so an SLO whose
 * definition changes is summed again at once.
 */
export class LongWindowSums {
  private readonly parts = new Map<string, OlderParts>();

  get(key: string, now: number): OlderParts | undefined {
    const parts = this.parts.get(key);
    return parts && now - parts.at < REUSE_MS && now >= parts.at ? parts : undefined;
  }

  set(key: string, parts: OlderParts): void {
    this.parts.set(key, parts);
  }

  /** Forgets sums too old to reuse (deleted or redefined SLOs' among them). */
  sweep(now: number): void {
    for (const [key, parts] of this.parts) if (now - parts.at >= REUSE_MS) this.parts.delete(key);
  }
}
