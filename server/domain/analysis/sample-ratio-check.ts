/**
 * Sample-ratio mismatch: is the canary getting the share of traffic its weight says? A mismatch means the
 * split (or the metrics) is broken, so comparing the cohorts is meaningless: pause, don't judge.
 */

export interface SampleRatioResult {
  mismatch: boolean;
  observedShare: number;
  expectedShare: number;
  chiSquare: number;
}

/** χ² (1 df) above this is p < 1e-6: checked every interval, so a stringent threshold keeps false pauses rare. */
export const SRM_CHI_SQUARE = 23.93;
/** And the share must be off by this much relative to expected; tiny deviations on huge traffic don't matter. */
export const SRM_MIN_RELATIVE_DEVIATION = 0.1;

export function sampleRatioCheck(
  canaryRequests: number,
  totalRequests: number,
  expectedShare: number,
): SampleRatioResult {
  if (totalRequests <= 0 || expectedShare <= 0 || expectedShare >= 1) {
    return { mismatch: false, observedShare: 0, expectedShare, chiSquare: 0 };
  }
  const expected = totalRequests * expectedShare;
  const chiSquare = (canaryRequests - expected) ** 2 / (expected * (1 - expectedShare));
  const observedShare = canaryRequests / totalRequests;
  const deviation = Math.abs(observedShare / expectedShare - 1);
  return {
    mismatch: chiSquare > SRM_CHI_SQUARE && deviation > SRM_MIN_RELATIVE_DEVIATION,
    observedShare,
    expectedShare,
    chiSquare,
  };
}
