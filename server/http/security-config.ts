import { z } from "zod";

/** A token bucket: `burst` requests at once, refilled at `perMinute`. */
export interface BucketLimit {
  burst: number;
  perMinute: number;
}

export interface SecurityConfig {
  /** Public origin of the dashboard (NEXTAUTH_URL); https makes cookies Secure and adds HSTS. */
  publicUrl: string;
  /** Behind N reverse proxies, the client address is the Nth address from the right of X-Forwarded-For. */
  trustedProxyHops: number;
  rateLimits: {
    /** Sign-in attempts per client address. */
    signIn: BucketLimit;
    /** /api/v1 requests per token (per client address when no token is sent). */
    api: BucketLimit;
    /** POST /api/v1/metrics per token, on top of the API limit. */
    metrics: BucketLimit;
    /** OFREP evaluations per token: a whole fleet's SDKs often share one token, so far higher. */
    ofrep: BucketLimit;
    /** Requests with an unknown (made-up, revoked, expired) token per client address, API and OFREP. */
    unknownTokens: BucketLimit;
  };
  /** Refuse tRPC mutations that carry neither a same-origin Origin nor the x-sluice-csrf header. */
  csrfStrict: boolean;
  /** Origins whose pages may evaluate flags over OFREP from a browser (CORS); none: same origin only. */
  ofrepAllowedOrigins: string[];
  /** Content-Security-Policy for development (Next's dev overlay needs eval). */
  dev: boolean;
}

/** Per token and instance: a runaway client is stopped long before it starves the others. */
export const DEFAULT_OFREP_RATE_LIMIT: BucketLimit = { burst: 2_000, perMinute: 600_000 };

/** Per client address and instance: a pipeline with a stale token retries well within it. */
export const DEFAULT_UNKNOWN_TOKEN_LIMIT: BucketLimit = { burst: 30, perMinute: 60 };

const count = (fallback: number, max = 1_000_000) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

function isOrigin(value: string): boolean {
  return new URL(value).origin === value;
}

/**
 * Security settings read once from the environment, with safe defaults. The rate limits are per
 * instance (in memory): with N instances a client gets up to N times the limit. Sign-in lockout, which
 * matters more, is stored in PostgreSQL and holds across instances.
 */
const securityEnvSchema = z.object({
  NEXTAUTH_URL: z.url().optional(),
  PORT: z.coerce.number().int().optional(),
  NODE_ENV: z.string().optional(),
  SLUICE_CSRF_STRICT: z.enum(["true", "false"]).default("true"),
  SLUICE_OFREP_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.url({ protocol: /^https?$/ }).refine(isOrigin, "must be an origin: scheme://host[:port]")),
    ),
  SLUICE_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  SLUICE_RATE_SIGN_IN_BURST: count(10),
  SLUICE_RATE_SIGN_IN_PER_MINUTE: count(10),
  SLUICE_RATE_API_BURST: count(600),
  SLUICE_RATE_API_PER_MINUTE: count(1200),
  SLUICE_RATE_METRICS_BURST: count(60),
  SLUICE_RATE_METRICS_PER_MINUTE: count(120),
  SLUICE_RATE_OFREP_BURST: count(DEFAULT_OFREP_RATE_LIMIT.burst),
  SLUICE_RATE_OFREP_PER_MINUTE: count(DEFAULT_OFREP_RATE_LIMIT.perMinute, 100_000_000),
  SLUICE_RATE_UNKNOWN_TOKEN_BURST: count(DEFAULT_UNKNOWN_TOKEN_LIMIT.burst),
  SLUICE_RATE_UNKNOWN_TOKEN_PER_MINUTE: count(DEFAULT_UNKNOWN_TOKEN_LIMIT.perMinute),
});

export function securityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const parsed = securityEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    publicUrl: e.NEXTAUTH_URL ?? `http://localhost:${e.PORT ?? 3000}`,
    trustedProxyHops: e.SLUICE_TRUSTED_PROXY_HOPS,
    csrfStrict: e.SLUICE_CSRF_STRICT === "true",
    ofrepAllowedOrigins: e.SLUICE_OFREP_ALLOWED_ORIGINS,
    rateLimits: {
      signIn: { burst: e.SLUICE_RATE_SIGN_IN_BURST, perMinute: e.SLUICE_RATE_SIGN_IN_PER_MINUTE },
      api: { burst: e.SLUICE_RATE_API_BURST, perMinute: e.SLUICE_RATE_API_PER_MINUTE },
      metrics: { burst: e.SLUICE_RATE_METRICS_BURST, perMinute: e.SLUICE_RATE_METRICS_PER_MINUTE },
      ofrep: { burst: e.SLUICE_RATE_OFREP_BURST, perMinute: e.SLUICE_RATE_OFREP_PER_MINUTE },
      unknownTokens: {
        burst: e.SLUICE_RATE_UNKNOWN_TOKEN_BURST,
        perMinute: e.SLUICE_RATE_UNKNOWN_TOKEN_PER_MINUTE,
      },
    },
    dev: e.NODE_ENV !== "production",
  };
}
