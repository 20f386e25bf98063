/** Requests in a window and how many of them were bad (an error, or slower than the SLO's threshold). */
export interface GoodBadCounts {
  total: number;
  bad: number;
}

export function badRatio(counts: GoodBadCounts): number {
  return counts.total > 0 ? counts.bad / counts.total : 0;
}

/**
 * How fast the error budget is being spent: the bad ratio over the budgeted ratio 1 − objective. At 1 the
 * budget lasts exactly the SLO window; at 14.4 a 30-day budget loses 2% in an hour. No traffic burns 0.
 */
export function burnRate(counts: GoodBadCounts, objective: number): number {
  return badRatio(counts) / (1 - objective);
}

export interface ErrorBudget {
  /** Bad requests the window allows: total × (1 − objective). */
  allowedBad: number;
  bad: number;
  total: number;
  /** 1 − bad / allowedBad: 1 untouched, 0 spent, negative overspent. 1 without traffic. */
  remaining: number;
  exhausted: boolean;
}

/** The error budget over the SLO window; exhausted at remaining ≤ 0. */
export function errorBudget(counts: GoodBadCounts, objective: number): ErrorBudget {
  const allowedBad = counts.total * (1 - objective);
  const remaining = counts.total > 0 ? 1 - counts.bad / allowedBad : 1;
  return { allowedBad, bad: counts.bad, total: counts.total, remaining, exhausted: remaining <= 0 };
}

/** Two decimals below 10, one above: "0.50", "14.4", "200.0". */
export function formatBurnRate(rate: number): string {
  return rate < 10 ? rate.toFixed(2) : rate.toFixed(1);
}

/** A share as a percentage with at most two decimals: 0.5581 → "55.81%", -9 → "-900%". */
export function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
