import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import type { AuthOptions } from "next-auth";
import { createApiHandler } from "../api/api-handler";
import { createAuthHttpHandler } from "../auth/auth-http-handler";
import { actorFromCookieHeader } from "../auth/session";
import type { SessionRevocations } from "../auth/session-revocation";
import { createMetricsHandler } from "../observability/metrics-handler";
import { createOfrepHandler, OFREP_PREFIX } from "../ofrep/ofrep-handler";
import type { ServiceContext } from "../services/context";
import type { ExposureStore } from "../services/exposure/exposure-store";
import type { FlagStore } from "../services/flags/flag-store";
import { appRouter } from "../trpc/app-router";
import { TRPC_MAX_BATCH } from "../trpc/batch-limit";
import type { TrpcContext } from "../trpc/init";
import { csrfRefusal } from "./csrf";
import { createHealthHandler } from "./health";
import { RateLimiter, UnknownTokenGuard } from "./rate-limit";
import { MAX_BODY_BYTES } from "./read-body";
import { type SecurityConfig, securityConfigFromEnv } from "./security-config";
import { createSecurityHeaders } from "./security-headers";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Routes one HTTP request: the server's own endpoints (sign-in, the REST API under /api/v1, tRPC) are
 * answered here, ahead of Next, and everything else (pages, assets) goes to Next's handler. Every
 * response carries the security headers; tRPC mutations must pass the CSRF check.
 */
export function createRequestRouter(deps: {
  services: ServiceContext;
  authOptions: AuthOptions;
  secret: string;
  /** Sessions ended on the server (sign-out, role change); the same instance the sockets use. */
  sessions: SessionRevocations;
  nextHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  log: (line: string) => void;
  /** Defaults to the environment (securityConfigFromEnv). */
  security?: SecurityConfig;
  /** The count of unknown tokens per address, shared with the sockets; by default one of its own. */
  unknownTokens?: UnknownTokenGuard;
  /** When set, /metrics asks for it as a bearer token. */
  metricsToken?: string;
  /** Enables /healthz and /readyz (readiness checks the database and its migrations). */
  databaseUrl?: string;
  /** Whether this instance leads the background loops, as /healthz and /readyz report it. */
  isLeader?: () => boolean;
  /** Flags in memory for OpenFeature evaluation (OFREP); without it /ofrep is not served. */
  flagStore?: FlagStore;
  /** Exposure documents in memory for GET /api/v1/exposure; without it each request reads the database. */
  exposureStore?: ExposureStore;
  /** SLUICE_METRICS_SOURCE: the simulator's controls are offered only when it runs. Default simulator. */
  metricsSource?: TrpcContext["metricsSource"];
}): Handler {
  const security = deps.security ?? securityConfigFromEnv();
  const auth = createAuthHttpHandler(deps.authOptions, {
    db: deps.services.db,
    limiter: new RateLimiter(security.rateLimits.signIn),
    trustedProxyHops: security.trustedProxyHops,
    publicUrl: security.publicUrl,
    now: deps.services.now,
  });
  // One count of unknown tokens per address for the API, OFREP and sockets: guessing at any spends it.
  const unknownTokens =
    deps.unknownTokens ?? new UnknownTokenGuard(security.rateLimits.unknownTokens, security.trustedProxyHops);
  const api = createApiHandler(deps.services, {
    log: deps.log,
    exposure: deps.exposureStore,
    rateLimits: {
      api: new RateLimiter(security.rateLimits.api),
      metrics: new RateLimiter(security.rateLimits.metrics),
      unknownTokens,
      trustedProxyHops: security.trustedProxyHops,
    },
  });
  const securityHeaders = createSecurityHeaders(security);
  const metrics = createMetricsHandler({ token: deps.metricsToken });
  const health = deps.databaseUrl
    ? createHealthHandler({
        services: deps.services,
        databaseUrl: deps.databaseUrl,
        isLeader: deps.isLeader,
      })
    : null;
  const ofrep = deps.flagStore
    ? createOfrepHandler({
        store: deps.flagStore,
        services: deps.services,
        rateLimit: security.rateLimits.ofrep,
        unknownTokens,
        allowedOrigins: security.ofrepAllowedOrigins,
        log: deps.log,
      })
    : null;
  return async (req, res) => {
    // Flag evaluation is the hot path: answered first, with its own headers, before any URL parsing.
    if (ofrep && req.url?.startsWith(OFREP_PREFIX)) return ofrep(req, res);
    const url = new URL(req.url ?? "/", "http://localhost");
    securityHeaders.apply(res);
    if (url.pathname.startsWith("/api/auth/")) return auth(req, res, url);
    if (url.pathname === "/metrics") return metrics(req, res);
    if (health && (url.pathname === "/healthz" || url.pathname === "/readyz"))
      return health(req, res, url.pathname);
    if (url.pathname === "/api/v1" || url.pathname.startsWith("/api/v1/")) return api(req, res, url);
    if (url.pathname.startsWith("/api/trpc/")) {
      const refusal = csrfRefusal(req, security.publicUrl, { strict: security.csrfStrict });
      if (refusal) {
        res
          .writeHead(403, { "Content-Type": "application/json", "Cache-Control": "no-store" })
          .end(JSON.stringify({ code: "CSRF", message: refusal }));
        return;
      }
      return nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: url.pathname.slice("/api/trpc/".length),
        // The same body limit as the REST API; the dashboard's batch link sends at most TRPC_MAX_BATCH calls.
        maxBodySize: MAX_BODY_BYTES,
        maxBatchSize: TRPC_MAX_BATCH,
        createContext: async () => ({
          actor: await actorFromCookieHeader(req.headers.cookie, deps.secret, deps.sessions),
          services: deps.services,
          metricsSource: deps.metricsSource,
        }),
        onError: ({ error, path }) => {
          if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
            deps.log(`trpc ${path ?? "?"} failed: ${error.cause?.stack ?? error.stack ?? error.message}`);
          }
        },
      });
    }
    securityHeaders.withPageNonce(req, res);
    await deps.nextHandler(req, res);
  };
}
