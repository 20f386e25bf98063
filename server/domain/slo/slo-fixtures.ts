import { BURN_WINDOW_NAMES, type BurnWindow, type WindowCounts } from "./alert-rules";

/** Test counts per alert window from bad ratios (default 0.1%), 10 000 requests each. */
export function windowCounts(ratios: Partial<Record<BurnWindow, number>> = {}): WindowCounts {
  return Object.fromEntries(
    BURN_WINDOW_NAMES.map((w) => [w, { total: 10_000, bad: Math.round((ratios[w] ?? 0.001) * 10_000) }]),
  ) as WindowCounts;
}
