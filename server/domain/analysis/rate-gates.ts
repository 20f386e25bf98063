import { combineStarts } from "./change-point-evidence";
import type { CompareWindow } from "./compare-window";
import { changePointPrior, clearlyPastMargin, completePairs } from "./compare-window";
import { percent, signedChange } from "./describe-numbers";
import type { GateConfig } from "./gate-config";
import { decideGate, inconclusive, type JudgedGate } from "./gate-verdict";
import type { RateStratum } from "./rate-ratio-test";
import {
  logPastMarginEvidence,
  logRateEvidenceByStart,
  marginZ,
  rateMargin,
  sumStrata,
} from "./rate-ratio-test";

/** Error rate: failed requests out of requests. */
export function judgeErrorRate(gate: GateConfig, window: CompareWindow): JudgedGate {
  const pairs = completePairs(window);
  const strata: RateStratum[] = pairs.map((p) => ({
    canaryEvents: p.canary.errors,
    canaryTotal: p.canary.requests,
    baselineEvents: p.baseline.errors,
    baselineTotal: p.baseline.requests,
  }));
  return judgeRate(
    gate,
    window,
    strata,
    pairs.map((p) => p.intervalEnd),
    "requests",
  );
}

/** Conversion: successes out of trials, on intervals where both cohorts report it. */
export function judgeConversion(gate: GateConfig, window: CompareWindow): JudgedGate {
  const strata: RateStratum[] = [];
  const ends: number[] = [];
  for (const p of completePairs(window)) {
    const c = p.canary.conversions;
    const b = p.baseline.conversions;
    if (!c || !b) continue;
    strata.push({
      canaryEvents: c.successes,
      canaryTotal: c.trials,
      baselineEvents: b.successes,
      baselineTotal: b.trials,
    });
    ends.push(p.intervalEnd);
  }
  return judgeRate(gate, window, strata, ends, "trials");
}

/**
 * Fail: sequential evidence that the canary's rate is worse (rate-ratio-test) and the observed change is
 * beyond both margins. Pass: the data clearly favour no difference over a change past the margin.
 */
function judgeRate(
  gate: GateConfig,
  window: CompareWindow,
  strata: RateStratum[],
  ends: readonly number[],
  unit: string,
): JudgedGate {
  const { tuning } = window;
  const t = sumStrata(strata);
  const pc = t.canaryTotal > 0 ? t.canaryEvents / t.canaryTotal : 0;
  const pb = t.baselineTotal > 0 ? t.baselineEvents / t.baselineTotal : 0;
  const numbers = `canary ${t.canaryEvents}/${t.canaryTotal} (${percent(pc)}) vs baseline ${t.baselineEvents}/${t.baselineTotal} (${percent(pb)})`;
  if (t.canaryTotal === 0 || t.baselineTotal === 0) {
    return inconclusive(gate, `${numbers}; no data to compare; inconclusive`);
  }
  if (t.canaryTotal < gate.minSamples) {
    return inconclusive(
      gate,
      `${numbers}; below minimum sample of ${gate.minSamples} canary ${unit}; inconclusive`,
    );
  }
  const { logE, start } = combineStarts(
    logRateEvidenceByStart(strata, gate.badDirection),
    changePointPrior(window),
  );
  // Whether the change matters is judged where the evidence says it began, so intervals before a late
  // onset do not dilute it.
  const since = sumStrata(strata.slice(start));
  const wc = since.canaryTotal > 0 ? since.canaryEvents / since.canaryTotal : 0;
  const wb = since.baselineTotal > 0 ? since.baselineEvents / since.baselineTotal : 0;
  const worse = gate.badDirection === "higher" ? wc - wb : wb - wc;
  const seWorse = Math.sqrt(
    (since.canaryTotal > 0 ? (wc * (1 - wc)) / since.canaryTotal : 0) +
      (since.baselineTotal > 0 ? (wb * (1 - wb)) / since.baselineTotal : 0),
  );
  const matters = clearlyPastMargin(
    worse - Math.max(gate.minAbsoluteChange, gate.minRelativeChange * wb),
    seWorse,
    window,
  );
  const margin = rateMargin(
    pb,
    t.baselineTotal,
    gate.badDirection,
    gate.minRelativeChange,
    gate.minAbsoluteChange,
  );
  // Pass: the data favour "no difference" over "past the margin" by a Bayes factor of at least
  // 1/passBayesFactor — more power than a z against the margin line alone, since most regressions lie well
  // past it. With no baseline events there is no ratio to test (and with passBayesFactor 0, as in the
  // second-half check): the margin-line z decides.
  const z = marginZ(t.canaryEvents, t.canaryTotal, margin);
  let clearOfMargin = gate.badDirection === "higher" ? z <= -tuning.passZ : z >= tuning.passZ;
  let factorText = "";
  if (tuning.passBayesFactor > 0 && pb > 0 && pb < 1 && margin.rate > 0) {
    const logFactor = logPastMarginEvidence(strata, gate.badDirection, margin.rate / pb);
    clearOfMargin = logFactor <= Math.log(tuning.passBayesFactor);
    factorText = `, past-margin Bayes factor ${Math.exp(logFactor).toPrecision(2)}`;
  }
  const marginText = `margin ${percent(margin.rate)}`;
  const sinceText =
    start > 0
      ? `, since the interval ending ${ends[start] ?? 0} s: canary ${percent(wc)} vs ${percent(wb)}`
      : "";
  return decideGate(gate, {
    logEvidence: logE,
    matters,
    clearOfMargin,
    failAlpha: tuning.failAlpha,
    numbers: `${numbers}, ${signedChange(pc, pb)}, ${marginText}${sinceText}${factorText}`,
  });
}
