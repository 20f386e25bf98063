import { z } from "zod";
import type { GateConfig, GateMetric } from "../domain/analysis/gate-config";
import { text } from "./text";

export const GATE_METRICS = [
  "error-rate",
  "latency-p95",
  "latency-p99",
  "latency-shift",
  "conversion",
] as const satisfies readonly GateMetric[];
type MissingMetric = Exclude<GateMetric, (typeof GATE_METRICS)[number]>;
// Fails to compile when the domain gains a gate metric this list lacks.
const _everyMetric: [MissingMetric] extends [never] ? true : MissingMetric = true;

/** Metrics whose values are proportions (0..1), so an absolute margin above 1 can never be met. */
const PROPORTIONS: readonly GateMetric[] = ["error-rate", "conversion"];
/** The percentile judges look for slowdowns only; "lower" would be silently ignored. */
const SLOWDOWN_ONLY: readonly GateMetric[] = ["latency-p95", "latency-p99"];

/** The most gates one step may carry (as in the REST API's plan steps). */
export const MAX_GATES = 20;

/**
 * One gate as an admin stores it for new rollouts: the shape of GateConfig plus the meaning checks the
 * judges rely on, each naming its field (e.g. "gates[1].minSamples").
 */
export const gateConfigSchema = z
  .strictObject({
    name: text(100),
    metric: z.enum(GATE_METRICS),
    badDirection: z.enum(["higher", "lower"]),
    minRelativeChange: z.number().min(0, "must be 0 or more").max(10, "must be at most 10 (1000%)"),
    minAbsoluteChange: z.number().min(0, "must be 0 or more").max(1e6, "must be at most 1,000,000"),
    minSamples: z.number().int("must be a whole number").min(1, "must be at least 1").max(1e9),
    critical: z.boolean(),
  })
  .superRefine((gate, ctx) => {
    if (SLOWDOWN_ONLY.includes(gate.metric) && gate.badDirection !== "higher") {
      ctx.addIssue({
        code: "custom",
        path: ["badDirection"],
        message: `${gate.metric} is judged for slowdowns only: must be "higher"`,
      });
    }
    if (PROPORTIONS.includes(gate.metric) && gate.minAbsoluteChange > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["minAbsoluteChange"],
        message: `${gate.metric} is a proportion (0..1): must be at most 1`,
      });
    }
  }) satisfies z.ZodType<GateConfig>;

/** A whole set of gates: at least one, each name once (verdicts and audit events name gates). */
export const gateSetSchema = z
  .array(gateConfigSchema)
  .min(1, "needs at least one gate")
  .max(MAX_GATES, `at most ${MAX_GATES} gates`)
  .superRefine((gates, ctx) => {
    const seen = new Set<string>();
    gates.forEach((gate, i) => {
      if (seen.has(gate.name)) {
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `${gate.name} is named twice` });
      }
      seen.add(gate.name);
    });
  });
