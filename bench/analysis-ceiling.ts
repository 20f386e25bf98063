/**
 * `npm run bench:analysis-ceiling [-- --seed s --count n]`: how many good releases any pass rule could
 * promote on the generated corpus at a given share of bad releases promoted.
 *
 * The evaluator's pass side only knows the gates' margins. This bench replaces its error-rate and
 * conversion passes (and the second-half check) by an oracle that knows the corpus generator's own priors:
 * the sizes of the regressions it draws, where they start, and how often a good canary differs a little.
 * It promotes when the likelihood ratio "bad" : "good" of the canary's error and conversion data is at most k,
 * and prints the frontier over k. The fail side, the 30% missing rule, the outage rule and the latency
 * gates' passes stay the evaluator's; `--free-latency` also lets every good canary past the latency gates
 * (an upper bound: a latency regression is not in the oracle's model). The likelihood ratio under the
 * generator's own priors is the most powerful pass rule there is (Neyman–Pearson), so the frontier
 * approximates what the corpus allows rather than what the evaluator does. Approximations: a ramped
 * regression is scored as a step at its onset, a combo by its rate part.
 */
import { pairByInterval } from "../server/domain/analysis/analysis-sample";
import { logSumExp } from "../server/domain/analysis/log-sum-exp";
import {
  type BadDirection,
  logRateEvidence,
  logRateEvidenceByStart,
  type RateStratum,
  sumStrata,
} from "../server/domain/analysis/rate-ratio-test";
import { replayStep } from "../server/domain/analysis/replay-step";
import { flag } from "./cli-flag";
import { corpus, DEFAULT_COUNT, DEFAULT_SEED, replayInputOf } from "./corpus/generate-corpus";
import { PRIORS, type ScenarioFile, type Truth } from "./corpus/generate-scenario";

const INTERVAL_SECONDS = 30;

/** Midpoints of n equal slices of [lo, hi]: a uniform prior on a grid. */
function spread([lo, hi]: readonly [number, number], n = 6): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / n);
}

function bins(prior: Record<"small" | "medium" | "large", readonly [number, number]>): number[] {
  return [...spread(prior.small), ...spread(prior.medium), ...spread(prior.large)];
}

/**
 * log E[likelihood ratio against "no difference"] over the generator's regression sizes (ratios) and
 * onsets: at the start with PRIORS.onsetAtStart, else uniformly at a whole interval up to
 * PRIORS.latestOnsetShare of the hold (intervals before the onset are unaffected).
 */
function logRegression(
  strata: readonly RateStratum[],
  ends: readonly number[],
  direction: BadDirection,
  ratios: readonly number[],
  holdIntervals: number,
): number {
  const byStart = logRateEvidenceByStart(strata, direction, ratios);
  const fromOnset = (onsetSeconds: number) => {
    const j = ends.findIndex((end) => end > onsetSeconds);
    return j < 0 ? 0 : (byStart[j] ?? 0);
  };
  const late: number[] = [];
  const latest = Math.floor(holdIntervals * PRIORS.latestOnsetShare);
  for (let k = 1; k <= latest; k++) late.push(fromOnset(k * INTERVAL_SECONDS));
  const terms = [Math.log(PRIORS.onsetAtStart) + fromOnset(0)];
  if (late.length > 0)
    terms.push(Math.log(1 - PRIORS.onsetAtStart) + logSumExp(late) - Math.log(late.length));
  return logSumExp(terms);
}

interface Judged {
  kind: "good" | "bad";
  /** Promotable if the oracle's ratio is small enough (null: never, e.g. rolled back or data missing). */
  logRatio: number | null;
  evaluator: "rollback" | "promote" | "inconclusive";
}

function judge(scenario: ScenarioFile, truth: Truth, freeLatency: boolean): Judged {
  const { kind } = truth;
  const input = replayInputOf(scenario, truth.file);
  const replay = replayStep(input);
  const last = replay.timeline[replay.timeline.length - 1];
  const endsInOutage = /\(metrics outage\)/.test(last?.gates[0]?.detail ?? "");
  const latencyPasses = (last?.gates ?? [])
    .filter((g) => g.gate.startsWith("latency"))
    .every((g) => g.verdict === "pass");
  const candidate =
    replay.decision !== "rollback" &&
    truth.canaryMissingFraction <= 0.3 &&
    !endsInOutage &&
    (latencyPasses || (freeLatency && kind === "good"));
  if (!candidate) return { kind, logRatio: null, evaluator: replay.decision };

  const pairs = pairByInterval(input.samples).filter((p) => p.intervalEnd > INTERVAL_SECONDS);
  const holdIntervals = Math.round(input.holdSeconds / INTERVAL_SECONDS);
  const errors: RateStratum[] = [];
  const errorEnds: number[] = [];
  const conversions: RateStratum[] = [];
  const conversionEnds: number[] = [];
  for (const { intervalEnd, canary, baseline } of pairs) {
    if (!canary || !baseline) continue;
    errors.push({
      canaryEvents: canary.errors,
      canaryTotal: canary.requests,
      baselineEvents: baseline.errors,
      baselineTotal: baseline.requests,
    });
    errorEnds.push(intervalEnd);
    if (canary.conversions && baseline.conversions) {
      conversions.push({
        canaryEvents: canary.conversions.successes,
        canaryTotal: canary.conversions.trials,
        baselineEvents: baseline.conversions.successes,
        baselineTotal: baseline.conversions.trials,
      });
      conversionEnds.push(intervalEnd);
    }
  }
  const totals = sumStrata(errors);
  const baselineRate = totals.baselineEvents / Math.max(1, totals.baselineTotal);
  // An added error rate is a ratio on this baseline; half the generator's error regressions add, half multiply.
  const errorRatios = [
    ...bins(PRIORS.errorAdd).map((add) => 1 + add / Math.max(baselineRate, 1e-5)),
    ...bins(PRIORS.errorFactor),
  ];
  const bad = [logRegression(errors, errorEnds, "higher", errorRatios, holdIntervals)];
  let logSmallDiff = logRateEvidence(errors, "higher", spread(PRIORS.smallErrorRatio, 5));
  if (conversions.length > 0) {
    const dropRatios = bins(PRIORS.conversionDrop).map((drop) => 1 / (1 - drop));
    bad.push(logRegression(conversions, conversionEnds, "lower", dropRatios, holdIntervals));
    const smallRatios = spread(PRIORS.smallConversionDrop, 5).map((drop) => 1 / (1 - drop));
    logSmallDiff += logRateEvidence(conversions, "lower", smallRatios);
  }
  // Good: identical in these rates, or a smalldiff canary a little off from the start.
  const smallShare = PRIORS.goodVariants.filter((v) => v === "smalldiff").length / PRIORS.goodVariants.length;
  const logGood = logSumExp([Math.log(1 - smallShare), Math.log(smallShare) + logSmallDiff]);
  // Bad: the regression is in one of the rates, each as likely (latency regressions are the latency gates').
  const logBad = logSumExp(bad) - Math.log(bad.length);
  return { kind, logRatio: logBad - logGood, evaluator: replay.decision };
}

function main() {
  const args = process.argv.slice(2);
  const seed = Number(flag(args, "--seed") ?? DEFAULT_SEED);
  const count = Number(flag(args, "--count") ?? DEFAULT_COUNT);
  const freeLatency = args.includes("--free-latency");
  const judged = [...corpus(seed, count)].map(({ scenario, truth }) => judge(scenario, truth, freeLatency));
  const good = judged.filter((j) => j.kind === "good");
  const bad = judged.filter((j) => j.kind === "bad");
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  const promoted = (list: readonly Judged[], k: number) =>
    list.filter((j) => j.logRatio !== null && j.logRatio <= Math.log(k)).length;
  const out = [
    `analysis ceiling: seed ${seed}, ${count} scenarios${freeLatency ? ", latency gates free for good canaries" : ""}`,
    `  the evaluator: good promoted ${pct(good.filter((j) => j.evaluator === "promote").length, good.length)}, bad promoted ${pct(bad.filter((j) => j.evaluator === "promote").length, bad.length)}`,
    "  oracle promoting at likelihood ratio bad:good ≤ k:",
  ];
  for (const k of [0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1]) {
    out.push(
      `    k ${String(k).padEnd(4)} good promoted ${pct(promoted(good, k), good.length).padStart(6)}, bad promoted ${pct(promoted(bad, k), bad.length).padStart(5)}`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

main();
