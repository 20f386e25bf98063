import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import {
  clientAddress,
  type RateDecision,
  type RateLimiter,
  type UnknownTokenGuard,
} from "../http/rate-limit";
import type { ServiceContext } from "../services/context";
import { getServiceExposure } from "../services/exposure/get-service-exposure";
import { authenticateToken } from "../services/tokens/authenticate-token";
import { ApiError, toErrorBody, zodToApiError } from "./api-errors";
import {
  type ApiReply,
  type ApiRoute,
  type CompiledPath,
  compilePath,
  type ExposureSource,
} from "./api-route";
import { API_ROUTES } from "./api-routes";
import { API_PREFIX, openApiDocument } from "./openapi";
import { readJsonBody } from "./read-json-body";

export interface ApiHandlerOptions {
  /** Where unexpected errors are logged (their details never reach the client). */
  log?: (line: string) => void;
  /** Exposure documents kept in memory (createExposureStore). Default: read from the database each time. */
  exposure?: ExposureSource;
  /** Token buckets (in memory, per instance); none: unlimited. */
  rateLimits?: {
    /** Every request, per presented token (per client address without one). */
    api: RateLimiter;
    /** POST /metrics, per token, on top of `api`. */
    metrics: RateLimiter;
    /** Unknown tokens per client address: past it, that address's tokens are refused before lookup. */
    unknownTokens: UnknownTokenGuard;
    trustedProxyHops?: number;
  };
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url?: URL) => Promise<void>;

/**
 * Answers /api/v1: match a route, authenticate the bearer token, check its scope, parse params, headers,
 * query and body with the route's schemas, call the route's one service, and write JSON. Never rejects: every
 * failure becomes a JSON error with a stable code.
 */
export function createApiHandler(services: ServiceContext, options: ApiHandlerOptions = {}): ApiHandler {
  const log = options.log ?? ((line: string) => console.error(line));
  const table = API_ROUTES.map((route) => ({ route, ...compilePath(route.path) }));
  const openapi = openApiDocument(API_ROUTES);
  const exposure = options.exposure ?? { get: (service: string) => getServiceExposure(services, service) };

  /**
   * Before the token is looked up, so a flood costs no database work. Keyed by a hash of the presented
   * credential: a valid token has its own bucket; guessed tokens share none with real ones, and an
   * address that keeps presenting unknown tokens is refused whatever token it makes up next.
   */
  function limited(req: IncomingMessage, path: string): ApiReply | null {
    const limits = options.rateLimits;
    if (!limits) return null;
    const authorization = req.headers.authorization;
    const key = authorization
      ? `token:${createHash("sha256").update(authorization).digest("base64url")}`
      : `address:${clientAddress(req, limits.trustedProxyHops)}`;
    const strikes: RateDecision = authorization ? limits.unknownTokens.check(req) : { allowed: true };
    const decisions = [strikes, limits.api.take(key)];
    if (req.method === "POST" && path === "/metrics") decisions.push(limits.metrics.take(key));
    const refused = decisions.find((d) => !d.allowed);
    if (!refused || refused.allowed) return null;
    const seconds = String(refused.retryAfterSeconds);
    const who = refused === strikes ? "unknown tokens from this address" : "requests for this token";
    return {
      status: 429,
      body: { code: "RATE_LIMITED", message: `Too many ${who}; retry after ${seconds} s` },
      // The body may still be arriving; closing is cheaper than reading it.
      headers: { "Retry-After": seconds, Connection: "close" },
    };
  }

  async function answer(req: IncomingMessage, path: string, search: URLSearchParams): Promise<ApiReply> {
    const method = req.method ?? "GET";
    if (path === "/openapi.json" && method === "GET") return { status: 200, body: openapi };
    const { route, values } = matchRoute(table, method, path);
    const bodyFirst = !req.headers.authorization && route.credentialInBody && route.body;
    // Unparseable JSON carries no credential: the caller is told 401, not how its body was wrong.
    const raw = bodyFirst ? await readJsonBody(req).catch(unlessBadInput) : undefined;
    const bodyCredential = bodyFirst ? route.credentialInBody?.(raw) : undefined;
    const token = await authenticateToken(
      services,
      req.headers.authorization ?? (bodyCredential && `Bearer ${bodyCredential}`),
    );
    if (!token) {
      if (req.headers.authorization || bodyCredential) options.rateLimits?.unknownTokens.strike(req);
      throw new ApiError("UNAUTHORIZED", "Send a valid API token: Authorization: Bearer slc_…", undefined, {
        "WWW-Authenticate": 'Bearer realm="sluice"',
      });
    }
    if (!route.scopes.some((scope) => token.scopes.includes(scope))) {
      throw new ApiError("FORBIDDEN", `This token lacks the scope ${route.scopes.join(" or ")}`);
    }
    const params = parse(route.params, values);
    const headers = parse(route.headers, req.headers);
    // Routes without a query schema ignore the query string, as they always have (cache busters, say).
    const query = route.query ? parse(route.query, queryValues(search)) : {};
    const body = route.body ? parse(route.body, bodyFirst ? raw : await readJsonBody(req)) : undefined;
    return route.handle({
      services,
      exposure,
      actor: { id: `token:${token.id}`, name: `token/${token.name}`, role: "system" },
      scopes: token.scopes,
      params,
      headers,
      body,
      query,
    });
  }

  return async (req, res, url = new URL(req.url ?? "/", "http://localhost")) => {
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    let reply: ApiReply;
    try {
      reply = limited(req, path) ?? (await answer(req, path, url.searchParams));
    } catch (error) {
      const { status, body, internal } = toErrorBody(error);
      if (internal)
        log(`api ${req.method} ${url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      const headers = error instanceof ApiError ? { ...error.headers } : {};
      // The body may still be arriving; closing is cheaper than reading it.
      if (status === 413) headers.Connection = "close";
      reply = { status, body, headers };
    }
    send(res, reply);
  };
}

function unlessBadInput(error: unknown): undefined {
  if (error instanceof ApiError && error.code === "BAD_INPUT") return undefined;
  throw error;
}

type CompiledRoute = { route: ApiRoute } & CompiledPath;

/** The route for this method and path with its decoded path parameters, or 404 / 405. */
function matchRoute(table: readonly CompiledRoute[], method: string, path: string) {
  const matches = table.flatMap(({ route, regex, names }) => {
    const found = regex.exec(path);
    return found ? [{ route, names, found: found.slice(1) }] : [];
  });
  if (matches.length === 0)
    throw new ApiError("NOT_FOUND", `No API route ${path}; see ${API_PREFIX}/openapi.json`);
  const match = matches.find((m) => m.route.method === method);
  if (!match) {
    const allow = matches.map((m) => m.route.method).join(", ");
    throw new ApiError("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}; use ${allow}`, undefined, {
      Allow: allow,
    });
  }
  const values = Object.fromEntries(match.names.map((name, i) => [name, decode(match.found[i], name)]));
  return { route: match.route, values };
}

function parse(schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw zodToApiError(result.error);
  return result.data;
}

/** The query string as an object of strings; a name given twice is refused, not silently merged. */
function queryValues(search: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of search) {
    if (name in values) throw new ApiError("BAD_INPUT", `${name}: give it once`, name);
    values[name] = value;
  }
  return values;
}

function decode(segment: string | undefined, name: string): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    throw new ApiError("BAD_INPUT", `${name}: not a valid URL path segment`, name);
  }
}

function send(res: ServerResponse, reply: ApiReply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const headers: Record<string, string> = { "Cache-Control": "no-store", ...reply.headers };
  if (reply.body === undefined || reply.status === 304) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const body = JSON.stringify(reply.body);
  // A length, not chunked encoding: writeHead fixes the head before end() could count the body.
  res
    .writeHead(reply.status, {
      ...headers,
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(body)),
    })
    .end(body);
}
