/** Knobs of the statistics, fixed in code; the bench varies them to tune (docs/decisions/0002). */
export interface AnalysisTuning {
  /** A gate fails only when its evidence (an e-value) reaches 1/failAlpha: the false-alarm bound per gate. */
  failAlpha: number;
  /**
   * A gate passes when the canary is this many standard errors on the good side of its margin (latency
   * gates; rate gates when passBayesFactor is 0).
   */
  passZ: number;
  /**
   * Before promoting, the second half of the hold alone must not be past any margin by more than this many
   * standard errors (0: its point estimate on the good side). Catches late regressions diluted in the hold.
   */
  recentPassZ: number;
  /** Prior precision of the rank test's normal mixture (smaller favours large shifts found early). */
  rankRho: number;
  /**
   * Prior weight on a regression present from the first judged interval; the rest is spread over later
   * starts (change-point-evidence). Higher finds early regressions sooner and late ones later.
   */
  changePointFirstShare: number;
  /** Promotion is refused when canary data is missing for more than this share of the hold. */
  maxCanaryMissingFraction: number;
  /**
   * Rate gates (errors, conversion) pass when the Bayes factor of "past the margin" against "no
   * difference" over the hold is at most this (rate-ratio-test); 0 falls back to passZ.
   */
  passBayesFactor: number;
  /** A gate fails only when its change is past the margin by at least this many standard errors. */
  mattersZ: number;
}

export const DEFAULT_TUNING: AnalysisTuning = {
  failAlpha: 0.015,
  passZ: 0.65,
  recentPassZ: 0,
  rankRho: 1,
  changePointFirstShare: 0.5,
  maxCanaryMissingFraction: 0.3,
  passBayesFactor: 0.25,
  mattersZ: 1,
};
