import { AppError } from "../errors";
import type { AnalysisSample, IntervalPair } from "./analysis-sample";
import { pairByInterval } from "./analysis-sample";
import { type AnalysisTuning, DEFAULT_TUNING } from "./analysis-tuning";
import { type CompareWindow, type CompletePair, completePairs } from "./compare-window";
import { percent } from "./describe-numbers";
import type { GateConfig } from "./gate-config";
import type { GateVerdict, JudgedGate } from "./gate-verdict";
import { judgeLatencyQuantile, judgeLatencyShift } from "./latency-gates";
import { poolCriticalEvidence } from "./pooled-evidence";
import { judgeConversion, judgeErrorRate } from "./rate-gates";
import { sampleRatioCheck } from "./sample-ratio-check";

export interface StepInput {
  gates: readonly GateConfig[];
  /** Both cohorts' samples of this step so far, any order; intervalEnd in seconds since the step started. */
  samples: readonly AnalysisSample[];
  /** The canary's traffic weight as a share (0.05 for 5%). */
  expectedCanaryShare: number;
  intervalSeconds: number;
  holdSeconds: number;
  /** Seconds since the step started: the end of the interval just completed. */
  elapsedSeconds: number;
  /**
   * A replayed recording that stops before holdSeconds: its last sample ends the hold (the scenario
   * format's rule), while the intervals it lacks still count as missing canary data.
   */
  recordingEnded?: boolean;
  /** Canary intervals ending at or before this are warm-up, not judged. Default: the first interval. */
  warmupSeconds?: number;
  tuning?: Partial<AnalysisTuning>;
}

/**
 * rollback: a critical gate failed. promote: the hold is over and every gate passed. continue: keep
 * holding. inconclusive: the hold is over without enough evidence (hold or ask a human, never advance).
 * pause: the comparison itself is untrustworthy (traffic split off its weight).
 */
export type StepDecision = "rollback" | "promote" | "continue" | "inconclusive" | "pause";

export interface StepEvaluation {
  gates: GateVerdict[];
  decision: StepDecision;
  reason: string;
  /** Names of failed gates (critical ones when rolling back). */
  failedGates: string[];
  /** Share of the hold's intervals so far with no canary sample. */
  canaryMissingFraction: number;
}

/**
 * Judges one rollout step from everything observed so far. Pure and stateless: the live server calls it
 * once per interval per running step; replays call it on growing prefixes of a recording.
 */
export function evaluateStep(input: StepInput): StepEvaluation {
  checkInput(input);
  const tuning: AnalysisTuning = { ...DEFAULT_TUNING, ...input.tuning };
  const samples = input.samples.filter((s) => s.intervalEnd <= input.elapsedSeconds);
  const pairs = pairByInterval(samples);
  const window: CompareWindow = {
    pairs,
    warmupSeconds: input.warmupSeconds ?? input.intervalSeconds,
    tuning,
    horizon: Math.round(input.holdSeconds / input.intervalSeconds),
  };
  const missing = canaryMissingFraction(pairs, input);
  const current = pairs.find(
    (p) =>
      p.intervalEnd > input.elapsedSeconds - input.intervalSeconds && p.intervalEnd <= input.elapsedSeconds,
  );
  const hasConversions = samples.some((s) => s.conversions != null);
  let gates = poolCriticalEvidence(
    input.gates.filter((g) => g.metric !== "conversion" || hasConversions).map((g) => judgeGate(g, window)),
    tuning.failAlpha,
  );

  // No fresh canary (or baseline) sample: an outage, so nothing is known about now. Never a pass.
  const outage = !current?.canary ? "canary" : !current.baseline ? "baseline" : null;
  if (outage) {
    gates = gates.map((g) => ({
      ...g,
      verdict: "inconclusive",
      detail: `no ${outage} sample for this interval (metrics outage); so far: ${g.detail.replace(/; (pass|fail|inconclusive)$/, "")}; inconclusive`,
    }));
  }

  const split = splitCheck(completePairs(window), input.expectedCanaryShare);
  const base = { gates, canaryMissingFraction: missing };
  if (split.mismatch) {
    return {
      ...base,
      decision: "pause",
      failedGates: [],
      reason: `sample-ratio mismatch: canary got ${percent(split.observedShare)} of requests, expected ${percent(split.expectedShare)} (χ² ${split.chiSquare.toFixed(1)}); comparison untrustworthy, pausing`,
    };
  }
  const failed = gates.filter((g) => g.verdict === "fail");
  const criticalFailed = failed.filter((g) => g.critical);
  if (criticalFailed.length > 0) {
    return {
      ...base,
      decision: "rollback",
      failedGates: criticalFailed.map((g) => g.gate),
      reason: `critical gate failed: ${criticalFailed.map((g) => `${g.gate} (${g.detail})`).join("; ")}`,
    };
  }
  if (input.elapsedSeconds < input.holdSeconds && !input.recordingEnded) {
    return {
      ...base,
      decision: "continue",
      failedGates: failed.map((g) => g.gate),
      reason: `holding, ${Math.floor(input.elapsedSeconds)} of ${input.holdSeconds} s`,
    };
  }
  if (missing > tuning.maxCanaryMissingFraction) {
    return {
      ...base,
      decision: "inconclusive",
      failedGates: failed.map((g) => g.gate),
      reason: `canary data missing for ${percent(missing)} of the hold (over ${percent(tuning.maxCanaryMissingFraction)}); not promoting`,
    };
  }
  const notPassed = gates.filter((g) => g.verdict !== "pass");
  if (gates.length > 0 && notPassed.length === 0) {
    // A regression that began late is diluted in the whole hold: the second half alone must also sit on
    // the good side of every margin (point estimate, no evidence required) before promoting.
    const recent: CompareWindow = {
      ...window,
      warmupSeconds: Math.max(window.warmupSeconds, input.elapsedSeconds / 2),
      tuning: { ...tuning, passZ: -tuning.recentPassZ, passBayesFactor: 0 },
    };
    const lateRegressions = input.gates
      .filter((g) => g.metric !== "conversion" || hasConversions)
      .map((g) => judgeGate({ ...g, minSamples: 0 }, recent))
      .filter((g) => g.verdict !== "pass");
    if (lateRegressions.length === 0) {
      return { ...base, decision: "promote", failedGates: [], reason: "hold complete and every gate passed" };
    }
    return {
      ...base,
      decision: "inconclusive",
      failedGates: [],
      reason: `every gate passed over the hold, but its second half is past the margin on ${lateRegressions.map((g) => `${g.gate} (${g.detail})`).join("; ")}`,
    };
  }
  return {
    ...base,
    decision: "inconclusive",
    failedGates: failed.map((g) => g.gate),
    reason:
      gates.length === 0
        ? "no gates to judge"
        : `hold complete without enough evidence: ${notPassed.map((g) => `${g.gate} ${g.verdict}`).join(", ")}`,
  };
}

function judgeGate(gate: GateConfig, window: CompareWindow): JudgedGate {
  switch (gate.metric) {
    case "error-rate":
      return judgeErrorRate(gate, window);
    case "conversion":
      return judgeConversion(gate, window);
    case "latency-p95":
    case "latency-p99":
      return judgeLatencyQuantile({ ...gate, metric: gate.metric }, window);
    case "latency-shift":
      return judgeLatencyShift(gate, window);
  }
}

/**
 * The split over the judged intervals: the warm-up one straddles the change of weight (a router picks up
 * the new exposure after the step began), so its traffic is partly the previous step's.
 */
function splitCheck(pairs: readonly CompletePair[], expectedShare: number) {
  let canary = 0;
  let total = 0;
  for (const p of pairs) {
    canary += p.canary.requests;
    total += p.canary.requests + p.baseline.requests;
  }
  return sampleRatioCheck(canary, total, expectedShare);
}

/** Missing canary intervals over the hold's intervals elapsed so far (the whole hold once it is over). */
function canaryMissingFraction(pairs: readonly IntervalPair[], input: StepInput): number {
  const span = input.recordingEnded ? input.holdSeconds : Math.min(input.elapsedSeconds, input.holdSeconds);
  const expected = Math.floor(span / input.intervalSeconds + 1e-9);
  if (expected <= 0) return 0;
  const present = pairs.filter((p) => p.canary && p.intervalEnd <= input.holdSeconds).length;
  return Math.max(0, 1 - present / expected);
}

function checkInput(input: StepInput): void {
  if (!(input.intervalSeconds > 0))
    throw new AppError("BAD_INPUT", "intervalSeconds must be > 0", "intervalSeconds");
  if (!(input.holdSeconds > 0)) throw new AppError("BAD_INPUT", "holdSeconds must be > 0", "holdSeconds");
  if (!(input.expectedCanaryShare > 0 && input.expectedCanaryShare < 1)) {
    throw new AppError("BAD_INPUT", "expectedCanaryShare must be between 0 and 1", "expectedCanaryShare");
  }
}
