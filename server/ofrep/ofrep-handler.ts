import type { IncomingMessage, ServerResponse } from "node:http";
import { contextProblem, type EvaluationContext } from "../domain/flags";
import { RateLimiter, type UnknownTokenGuard } from "../http/rate-limit";
import { BodyTooLargeError, collectBody } from "../http/read-body";
import { type BucketLimit, DEFAULT_OFREP_RATE_LIMIT } from "../http/security-config";
import type { ServiceContext } from "../services/context";
import type { FlagStore } from "../services/flags/flag-store";
import type { AuthenticatedToken } from "../services/tokens/authenticate-token";
import {
  entityTag,
  errorStatus,
  matchesIfNoneMatch,
  type OfrepBulkFailure,
  type OfrepErrorCode,
  type OfrepFailure,
  toOfrepBody,
} from "./ofrep-responses";
import { createTokenCache, credentialKey, type TokenCache } from "./token-cache";

export const OFREP_PREFIX = "/ofrep/";
const BULK_PATH = "/ofrep/v1/evaluate/flags";
const SINGLE_PREFIX = `${BULK_PATH}/`;
const REQUIRED_SCOPE = "flags:evaluate";

/** An evaluation request is a context: a few hundred bytes. */
/** An evaluation context is small; anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 64 * 1024;

export interface OfrepHandlerOptions {
  /** Flags in memory: no database read per evaluation. */
  store: Pick<FlagStore, "evaluate" | "evaluateAll">;
  services: ServiceContext;
  /** Token lookups, cached for a few seconds (see createTokenCache). Default: a 5 s cache. */
  tokens?: TokenCache;
  /** Token bucket per presented credential; null: unlimited. Default DEFAULT_OFREP_RATE_LIMIT. */
  rateLimit?: BucketLimit | null;
  /** Unknown tokens per client address (shared with the API); none: not counted. */
  unknownTokens?: UnknownTokenGuard;
  /** Origins whose pages may call OFREP from a browser (CORS). Default none: same origin only. */
  allowedOrigins?: readonly string[];
  /** Unexpected failures; their details never reach the client. */
  log?: (line: string) => void;
}

export type OfrepHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  headers,
});

/**
 * A refused request: the single route's evaluationFailure names the flag; the bulk route (key "") answers
 * the spec's bulkEvaluationFailure, which has no key.
 */
const refusal = (
  key: string,
  errorCode: OfrepErrorCode,
  errorDetails: string,
  headers?: Record<string, string>,
) =>
  json(
    errorStatus(errorCode),
    key === ""
      ? ({ errorCode, errorDetails } satisfies OfrepBulkFailure)
      : ({ key, errorCode, errorDetails } satisfies OfrepFailure),
    headers,
  );

const NO_ROUTE = json(404, { errorDetails: "No OFREP route; use POST /ofrep/v1/evaluate/flags[/{key}]" });
const NO_CREDENTIAL = json(
  401,
  { errorDetails: "Send an API token with scope flags:evaluate: Authorization: Bearer slc_…" },
  { "WWW-Authenticate": 'Bearer realm="sluice"' },
);
const UNKNOWN_TOKEN = json(
  401,
  { errorDetails: "The API token is unknown, revoked or expired" },
  { "WWW-Authenticate": 'Bearer realm="sluice", error="invalid_token"' },
);
const MISSING_SCOPE = json(403, { errorDetails: `This token lacks the scope ${REQUIRED_SCOPE}` });

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP v1) as a plain node:http handler, for paths under
 * /ofrep/: `POST /ofrep/v1/evaluate/flags/{key}` evaluates one flag, `POST /ofrep/v1/evaluate/flags`
 * evaluates every flag with an ETag (If-None-Match → 304). Each request: rate limit per credential, token
 * with scope flags:evaluate (cached lookups), the JSON body, then the in-memory store. Callbacks rather
 * than promises: with the token cached, a request is answered in the turn its body completes.
 */
export function createOfrepHandler(options: OfrepHandlerOptions): OfrepHandler {
  const { store } = options;
  const tokens = options.tokens ?? createTokenCache(options.services);
  const limitConfig = options.rateLimit === undefined ? DEFAULT_OFREP_RATE_LIMIT : options.rateLimit;
  const limiter = limitConfig ? new RateLimiter(limitConfig) : null;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const log = options.log ?? ((line: string) => console.error(line));

  /** The flag key of a single evaluation, "" for the bulk route, null for no route. */
  function route(url: string): string | null {
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    if (path === BULK_PATH) return "";
    if (!path.startsWith(SINGLE_PREFIX) || path.length === SINGLE_PREFIX.length) return null;
    const key = path.slice(SINGLE_PREFIX.length);
    return key.includes("/") ? null : key;
  }

  /** The evaluation's reply, once the caller is known to hold a token with the scope. */
  function evaluation(req: IncomingMessage, key: string, text: string): Reply {
    const request = parseRequest(text);
    if ("errorCode" in request) return refusal(key, request.errorCode, request.errorDetails);
    if (key !== "") {
      let flagKey: string;
      try {
        flagKey = decodeURIComponent(key);
      } catch {
        return refusal(key, "PARSE_ERROR", "The flag key is not a valid URL path segment");
      }
      const body = toOfrepBody(store.evaluate(flagKey, request.context));
      return json("errorCode" in body ? errorStatus(body.errorCode) : 200, body);
    }
    // One context for every flag: a context no flag can use is the request's fault, so the spec's bulk
    // 400 (bulkEvaluationFailure), not a 200 listing the same INVALID_CONTEXT for each flag.
    const problem = contextProblem(request.context);
    if (problem) return refusal(key, "INVALID_CONTEXT", problem);
    const body = JSON.stringify({ flags: store.evaluateAll(request.context).map(toOfrepBody) });
    const etag = entityTag(body);
    if (matchesIfNoneMatch(headerValue(req.headers["if-none-match"]), etag)) {
      return { status: 304, headers: { ETag: etag } };
    }
    return { status: 200, body, headers: { ETag: etag } };
  }

  /** Unexpected failures are logged; their details never reach the client. */
  function internalError(req: IncomingMessage, key: string, error: unknown): Reply {
    log(`ofrep ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
    return refusal(key, "GENERAL", "Internal error");
  }

  /** Scope check, then the body, then the evaluation. */
  function answerAuthorized(
    req: IncomingMessage,
    res: ServerResponse,
    cors: Record<string, string> | undefined,
    key: string,
    token: AuthenticatedToken | null,
  ): void {
    if (!token) {
      options.unknownTokens?.strike(req);
      send(res, UNKNOWN_TOKEN, cors);
    } else if (!token.scopes.includes(REQUIRED_SCOPE)) send(res, MISSING_SCOPE, cors);
    else
      collectBody(req, MAX_BODY_BYTES, (error, text) => {
        if (error instanceof BodyTooLargeError) {
          return send(res, refusal(key, "PARSE_ERROR", error.message, { Connection: "close" }), cors);
        }
        let reply: Reply;
        try {
          reply = error ? internalError(req, key, error) : evaluation(req, key, text);
        } catch (thrown) {
          reply = internalError(req, key, thrown);
        }
        send(res, reply, cors);
      });
  }

  // Per request: no named closures (tsx's keepNames would rename each one every time) and no promise
  // unless the token must be read from the database.
  return (req, res) => {
    const origin = headerValue(req.headers.origin);
    const cors = origin && allowedOrigins.has(origin) ? corsHeaders(origin) : undefined;
    const key = route(req.url ?? "/");
    if (key === null) return send(res, NO_ROUTE, cors);
    if (req.method === "OPTIONS") {
      return send(res, { status: 204, headers: cors ? PREFLIGHT_HEADERS : { Allow: "POST, OPTIONS" } }, cors);
    }
    if (req.method !== "POST") {
      const notAllowed = { errorDetails: `${req.method} is not allowed; use POST` };
      return send(res, json(405, notAllowed, { Allow: "POST, OPTIONS" }), cors);
    }
    const authorization = presentedCredential(req);
    if (!authorization) return send(res, NO_CREDENTIAL, cors);
    const credential = credentialKey(authorization);
    const strikes = options.unknownTokens?.check(req);
    const decision = strikes?.allowed === false ? strikes : limiter?.take(credential);
    if (decision && !decision.allowed) {
      const seconds = String(decision.retryAfterSeconds);
      const who = decision === strikes ? "unknown tokens from this address" : "evaluations for this token";
      const tooMany = { errorDetails: `Too many ${who}; retry after ${seconds} s` };
      // The body may still be arriving; closing is cheaper than reading it.
      return send(res, json(429, tooMany, { "Retry-After": seconds, Connection: "close" }), cors);
    }
    try {
      const token = tokens.lookup(credential, authorization);
      if (!(token instanceof Promise)) return answerAuthorized(req, res, cors, key, token);
      token.then(
        (found) => answerAuthorized(req, res, cors, key, found),
        (error) => send(res, internalError(req, key, error), cors),
      );
    } catch (error) {
      send(res, internalError(req, key, error), cors);
    }
  };
}

type ParsedRequest = { context: EvaluationContext } | { errorCode: "PARSE_ERROR"; errorDetails: string };

/** `{ "context": {...} }`; an empty body or a missing context is the empty context. */
function parseRequest(text: string): ParsedRequest {
  if (text.trim() === "") return { context: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { errorCode: "PARSE_ERROR", errorDetails: "The request body is not JSON" };
  }
  if (!isPlainObject(body)) {
    return { errorCode: "PARSE_ERROR", errorDetails: 'The request body must be {"context": {...}}' };
  }
  // A context that is not valid is left to evaluation: a single flag answers INVALID_CONTEXT unless it is
  // off (a kill wins), the bulk route refuses the request.
  // `null` reads as no context: a client with none may send it so (Go marshals a nil map as null).
  return { context: (body.context ?? {}) as EvaluationContext };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Authorization, or OFREP's alternative X-API-Key header taken as a bearer token. */
function presentedCredential(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization) return authorization;
  const apiKey = headerValue(req.headers["x-api-key"]);
  return apiKey ? `Bearer ${apiKey}` : undefined;
}

const PREFLIGHT_HEADERS = {
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, X-API-Key, Content-Type, If-None-Match",
  "Access-Control-Max-Age": "600",
};

function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "ETag, Retry-After",
    Vary: "Origin",
  };
}

function send(res: ServerResponse, reply: Reply, cors: Record<string, string> | undefined): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  // One object literal of a fixed shape, not spreads: this runs for every evaluation.
  const headers: Record<string, string> = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (cors) Object.assign(headers, cors);
  if (reply.headers) Object.assign(headers, reply.headers);
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers["Content-Type"] = "application/json; charset=utf-8";
  // A length, not chunked encoding: writeHead fixes the head before end() could count the body.
  headers["Content-Length"] = String(Buffer.byteLength(reply.body));
  res.writeHead(reply.status, headers).end(reply.body);
}
