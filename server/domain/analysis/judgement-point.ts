/**
 * Where the live analysis judges a holding step, in seconds since the step started, and until when that
 * point stands. Times are passed in: this reads no clock.
 */

/**
 * Longer than this without a fresh sample (in intervals, and never under a few seconds: sources deliver
 * an interval a little after it ends, later still on a busy host) is a metrics outage, judged as such.
 */
const OUTAGE_INTERVALS = 1.5;
const OUTAGE_MIN_SECONDS = 5;

export interface JudgementPointInput {
  /** End of the newest sample of the step (0 if none yet). */
  newest: number;
  /** The wall clock. */
  now: number;
  intervalSeconds: number;
  holdSeconds: number;
}

export interface JudgementPoint {
  /** The point the step is judged at. */
  at: number;
  /**
   * Without a new sample, the point is the same at every wall clock before this (it may be conservative by
   * a hair): the engine need not judge the step again until then.
   */
  standsUntil: number;
}

/**
 * At the newest complete interval while samples keep coming. Past the outage limit the source is silent
 * and silence counts as missing data: the step is judged half an interval past the last whole interval
 * since the newest sample (never on an interval's end, which a late sample may still claim), or at the
 * hold's end once that has passed. Not at the wall clock itself, which moves on every beat (once a
 * second): each silent interval is judged, stored and announced to every dashboard once, not once per beat.
 */
export function judgementPoint({
  newest,
  now,
  intervalSeconds,
  holdSeconds,
}: JudgementPointInput): JudgementPoint {
  const outageAfter = Math.max(OUTAGE_INTERVALS * intervalSeconds, OUTAGE_MIN_SECONDS);
  if (now - newest <= outageAfter) return { at: newest, standsUntil: newest + outageAfter };
  const wholeIntervals = Math.floor((now - newest) / intervalSeconds - 0.5);
  const silentPoint = newest + (wholeIntervals + 0.5) * intervalSeconds;
  const nextSilentPoint = silentPoint + intervalSeconds;
  if (now >= holdSeconds) return { at: Math.max(silentPoint, holdSeconds), standsUntil: nextSilentPoint };
  return { at: silentPoint, standsUntil: Math.min(nextSilentPoint, holdSeconds) };
}
