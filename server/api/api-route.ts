import type { z } from "zod";
import type { SystemActor } from "../services/actors";
import type { ServiceContext } from "../services/context";
import type { ExposureStore } from "../services/exposure/exposure-store";
import type { TokenScope } from "../services/tokens/token-scopes";
import type { ApiErrorCode } from "./api-errors";

export interface ApiReply {
  status: number;
  /** Serialised as JSON; omitted for 304. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Where GET /exposure reads documents: a store kept in memory, or the database directly. */
export type ExposureSource = Pick<ExposureStore, "get">;

export interface RouteCall<P, H, B, Q> {
  services: ServiceContext;
  exposure: ExposureSource;
  /** The token, acting as a system identity: audited by name, and never allowed to break glass. */
  actor: SystemActor;
  /** The token's scopes, for routes whose answer depends on more than the scope that admitted it. */
  scopes: readonly TokenScope[];
  params: P;
  headers: H;
  body: B;
  query: Q;
}

type AnySchema = z.ZodType;

/**
 * One REST route: everything the handler checks (scope, params, headers, body) and everything the
 * OpenAPI document says about it come from these same fields.
 */
export interface RouteSpec<
  P extends AnySchema,
  H extends AnySchema,
  B extends AnySchema,
  Q extends AnySchema = z.ZodObject,
> {
  method: "GET" | "POST";
  /** Relative to /api/v1, with `{name}` placeholders, e.g. "/rollouts/{id}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Any one of these admits the token. */
  scopes: readonly [TokenScope, ...TokenScope[]];
  params?: P;
  headers?: H;
  body?: B;
  /**
   * The query string, each name given at most once. A strict object, so a misspelt filter is refused
   * rather than ignored (which would answer for everything).
   */
  query?: Q;
  /**
   * For callers that cannot send headers (Flagger's webhooks): the token taken from the JSON body when
   * no Authorization header came. The body is then read before authentication (size-limited as always).
   */
  credentialInBody?: (body: unknown) => string | undefined;
  /** Success statuses and what they mean. */
  responses: Record<number, string>;
  /** Errors particular to this route; auth, input and availability errors are added for every route. */
  errors?: readonly ApiErrorCode[];
  handle(call: RouteCall<z.output<P>, z.output<H>, z.output<B>, z.output<Q>>): Promise<ApiReply>;
}

export type ApiRoute = RouteSpec<AnySchema, AnySchema, AnySchema, AnySchema>;

/** Keeps each route's types precise while the table holds them side by side. */
export function defineRoute<
  P extends AnySchema = z.ZodObject,
  H extends AnySchema = z.ZodObject,
  B extends AnySchema = z.ZodObject,
  Q extends AnySchema = z.ZodObject,
>(spec: RouteSpec<P, H, B, Q>): ApiRoute {
  return spec as unknown as ApiRoute;
}

export interface CompiledPath {
  regex: RegExp;
  names: string[];
}

/** "/rollouts/{id}/pause" → a regex capturing one path segment per placeholder. */
export function compilePath(path: string): CompiledPath {
  const names: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (name) {
        names.push(name);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}$`), names };
}
