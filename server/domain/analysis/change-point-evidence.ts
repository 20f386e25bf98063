/**
 * Evidence for a regression that may begin at any interval, not only at the start of the step.
 *
 * A test that accumulates from the first interval pays for every interval before the onset: under the
 * alternative those intervals look like "no difference" and drag the likelihood ratio down (with thousands
 * of baseline events, by many nats), and a late regression is found minutes late or never. Instead, every
 * start j gets its own e-process M⁽ʲ⁾ (the test run on intervals j, j+1, … only; 1 before j), and the gate
 * judges their mixture Σⱼ wⱼ·M⁽ʲ⁾ with weights fixed in advance and summing to at most 1. Each M⁽ʲ⁾ is a
 * nonnegative martingale of mean 1 under no difference, so the mixture is one too and Ville's inequality
 * still bounds the chance it ever reaches 1/α by α, however often it is looked at.
 *
 * Weights: `firstShare` on the first interval (a regression present from the start pays only
 * log(1/firstShare)), the rest spread evenly over the other intervals of the hold (a late onset pays
 * log((horizon − 1)/(1 − firstShare))). Starts past the horizon get no weight, which keeps Σ w ≤ 1.
 */

import { logSumExp } from "./log-sum-exp";

export interface ChangePointPrior {
  /** Weight on "the regression began with the first judged interval". */
  firstShare: number;
  /** Intervals in the hold: how many starts share the rest of the weight. */
  horizon: number;
}

export function startWeight(start: number, prior: ChangePointPrior): number {
  if (start === 0) return prior.firstShare;
  if (start >= prior.horizon) return 0;
  return (1 - prior.firstShare) / (prior.horizon - 1);
}

export interface CombinedEvidence {
  /** Natural log of Σⱼ wⱼ·M⁽ʲ⁾. */
  logE: number;
  /** The start whose e-process contributes most: where the evidence says the regression began. */
  start: number;
}

/** Mixes per-start log e-values (index = start) by the prior's weights. */
export function combineStarts(logByStart: readonly number[], prior: ChangePointPrior): CombinedEvidence {
  const terms = logByStart.map((logE, j) => {
    const w = startWeight(j, prior);
    return w > 0 ? Math.log(w) + logE : Number.NEGATIVE_INFINITY;
  });
  let max = Number.NEGATIVE_INFINITY;
  let start = 0;
  for (let j = 0; j < terms.length; j++) {
    const t = terms[j] ?? Number.NEGATIVE_INFINITY;
    if (t > max) {
      max = t;
      start = j;
    }
  }
  // Nothing to judge yet: the e-process is 1 (log 0), not the first start's weight.
  if (max === Number.NEGATIVE_INFINITY) return { logE: 0, start: 0 };
  // Starts beyond the data so far have M = 1 by definition: their weight enters the mixture as is.
  let unused = 0;
  for (let j = logByStart.length; j < prior.horizon; j++) unused += startWeight(j, prior);
  return { logE: logSumExp(unused > 0 ? [...terms, Math.log(unused)] : terms), start };
}
