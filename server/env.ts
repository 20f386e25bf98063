import { z } from "zod";
import { checkOidcEnv, oidcEnvShape } from "./auth/oidc-config";

const booleanEnv = (defaultValue: "true" | "false") =>
  z
    .enum(["true", "false"])
    .default(defaultValue)
    .transform((v) => v === "true");

const envSchema = z
  .object({
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgresql:// URL" }).optional(),
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    NEXTAUTH_URL: z.url().optional(),
    /** The origin people open Sluice at, for links in notifications; defaults to NEXTAUTH_URL. */
    SLUICE_PUBLIC_URL: z.url({ message: "SLUICE_PUBLIC_URL must be an http(s):// URL" }).optional(),
    SLUICE_NOTIFICATION_TIMEOUT_SECONDS: z.coerce.number().positive().max(60).default(5),
    SLUICE_NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional(),
    SLUICE_DATA_DIR: z.string().min(1).default("./data"),
    SLUICE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65_535).default(54_320),
    SLUICE_SIMULATOR_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    // Enough that the demo's 1% canary steps (20 requests a second) can pass in one 5-minute hold; at 400
    // they mostly ran out of evidence and paused for a human.
    SLUICE_SIMULATOR_REQUESTS_PER_SECOND: z.coerce.number().positive().max(100_000).default(2000),
    SLUICE_METRICS_SOURCE: z.enum(["simulator", "push", "prometheus"]).default("simulator"),
    SLUICE_PROMETHEUS_URL: z.url({ message: "SLUICE_PROMETHEUS_URL must be an http(s):// URL" }).optional(),
    SLUICE_PROMETHEUS_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
    SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: z.coerce.number().min(0).max(300).default(5),
    SLUICE_PROMETHEUS_TIMEOUT_SECONDS: z.coerce.number().positive().max(60).default(5),
    SLUICE_PROMETHEUS_QUERIES_FILE: z.string().min(1).optional(),
    /** Raw metric samples older than this go, except live rollouts' and what an SLO window still counts. */
    SLUICE_SAMPLE_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
    SLUICE_METRICS_TOKEN: z
      .string()
      .min(16, "SLUICE_METRICS_TOKEN must be at least 16 characters")
      .optional(),
    SLUICE_DEMO_PASSWORD: z.string().min(8).optional(),
    SLUICE_SEED_DEMO: booleanEnv("true"),
    /** With the simulator: a demo service whose rollout ended gets its next release two minutes later. */
    SLUICE_DEMO_NEXT_RELEASES: booleanEnv("true"),
    ...oidcEnvShape,
  })
  .superRefine(checkOidcEnv);

export type Env = z.infer<typeof envSchema>;

/** Reads and checks the configuration once; a bad value stops the start naming the variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const env = parsed.data;
  if (env.SLUICE_METRICS_SOURCE === "prometheus" && !env.SLUICE_PROMETHEUS_URL) {
    throw new Error(
      "Invalid configuration:\n  SLUICE_PROMETHEUS_URL: required when SLUICE_METRICS_SOURCE=prometheus",
    );
  }
  // The analysis takes a sample more than half an interval late for a metrics outage (judgement-point.ts).
  if (env.SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS >= env.SLUICE_PROMETHEUS_INTERVAL_SECONDS / 2) {
    throw new Error(
      `Invalid configuration:\n  SLUICE_PROMETHEUS_QUERY_DELAY_SECONDS: must be under half of SLUICE_PROMETHEUS_INTERVAL_SECONDS (${env.SLUICE_PROMETHEUS_INTERVAL_SECONDS / 2} s); a later sample is judged a metrics outage`,
    );
  }
  return env;
}
