/** Public API of canary health analysis (see docs/decisions/0002-canary-statistics.md). */
export type { AnalysisSample, Cohort, LatencyHistogram } from "./analysis-sample";
export { type AnalysisTuning, DEFAULT_TUNING } from "./analysis-tuning";
export { defaultGates } from "./default-gates";
export { evaluateStep, type StepDecision, type StepEvaluation, type StepInput } from "./evaluate-step";
export type { GateConfig, GateMetric } from "./gate-config";
export type { GateVerdict, Verdict } from "./gate-verdict";
export { type JudgementPoint, judgementPoint } from "./judgement-point";
export { type ReplayInput, type ReplayResult, replayStep } from "./replay-step";
