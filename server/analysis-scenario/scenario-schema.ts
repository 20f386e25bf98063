import { z } from "zod";

/** The recorded-step file format v1 (/work/shared/analysis-scenarios/FORMAT.md). Unknown fields are ignored. */
export const SCENARIO_FORMAT = "sluice-analysis-scenario/v1";

const count = z.number().int("must be a whole number").nonnegative("must be ≥ 0");

const latencySchema = z
  .object({
    buckets: z.array(z.number().positive("must be > 0")).min(1, "needs at least one bucket bound"),
    counts: z.array(count),
  })
  .superRefine((h, ctx) => {
    h.buckets.forEach((b, i) => {
      const previous = h.buckets[i - 1];
      if (previous !== undefined && !(b > previous)) {
        ctx.addIssue({ code: "custom", path: ["buckets", i], message: "bounds must be strictly increasing" });
      }
    });
    if (h.counts.length !== h.buckets.length + 1) {
      ctx.addIssue({
        code: "custom",
        path: ["counts"],
        message: `needs ${h.buckets.length + 1} entries (one per bucket plus overflow), got ${h.counts.length}`,
      });
    }
  });

const sampleSchema = z
  .object({
    t: z.number().positive("must be > 0"),
    cohort: z.enum(["baseline", "canary"]),
    requests: count,
    errors: count,
    latencyMs: latencySchema,
    conversions: z
      .object({ successes: count, trials: count })
      .refine((c) => c.successes <= c.trials, {
        message: "successes must not exceed trials",
        path: ["successes"],
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.errors > s.requests) {
      ctx.addIssue({
        code: "custom",
        path: ["errors"],
        message: `${s.errors} errors exceed ${s.requests} requests`,
      });
    }
    const sum = s.latencyMs.counts.reduce((a, c) => a + c, 0);
    if (sum !== s.requests) {
      ctx.addIssue({
        code: "custom",
        path: ["latencyMs", "counts"],
        message: `counts sum to ${sum} but requests is ${s.requests}`,
      });
    }
  });

const gateSchema = z.object({
  name: z.string().min(1),
  metric: z.enum(["error-rate", "latency-p95", "latency-p99", "latency-shift", "conversion"]),
  badDirection: z.enum(["higher", "lower"]),
  minRelativeChange: z.number().nonnegative(),
  minAbsoluteChange: z.number().nonnegative(),
  minSamples: z.number().int().nonnegative(),
  critical: z.boolean(),
});

export const scenarioSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT, { message: `must be "${SCENARIO_FORMAT}"` }),
    name: z.string().optional(),
    intervalSeconds: z.number().positive("must be > 0"),
    canaryWeightPercent: z.number().gt(0, "must be > 0").lt(100, "must be < 100"),
    holdSeconds: z.number().positive("must be > 0"),
    samples: z.array(sampleSchema),
    gates: z.array(gateSchema).min(1, "needs at least one gate when given").optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.samples.forEach((sample, i) => {
      if (sample.t > s.holdSeconds) {
        ctx.addIssue({
          code: "custom",
          path: ["samples", i, "t"],
          message: `${sample.t} is after holdSeconds ${s.holdSeconds}`,
        });
      }
      const key = `${sample.t}/${sample.cohort}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["samples", i, "cohort"],
          message: `second ${sample.cohort} sample for t=${sample.t} (one per cohort per interval)`,
        });
      }
      seen.add(key);
    });
    const first = s.samples[0];
    s.samples.forEach((sample, i) => {
      if (first && sample.latencyMs.buckets.join() !== first.latencyMs.buckets.join()) {
        ctx.addIssue({
          code: "custom",
          path: ["samples", i, "latencyMs", "buckets"],
          message: "bucket bounds differ from samples[0]'s",
        });
      }
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
