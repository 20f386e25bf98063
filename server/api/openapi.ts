import { z } from "zod";
import { API_ERRORS, type ApiErrorCode, errorBodySchema } from "./api-errors";
import type { ApiRoute } from "./api-route";

export const API_PREFIX = "/api/v1";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  // Requests are documented as clients send them (before transforms such as ISO date → epoch ms).
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
}

/** Each property of an object schema as an OpenAPI parameter `in` the path, the headers or the query. */
function parameters(schema: z.ZodType | undefined, location: "path" | "header" | "query") {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name: location === "header" ? headerName(name) : name,
      in: location,
      required: location === "path" || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const headerName = (lower: string) =>
  lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/**
 * The errors a route can answer: its own, plus those every route shares. Any write can meet another
 * instance's concurrent write (a deadlock or serialization failure), answered as a CONFLICT to retry.
 */
function errorCodes(route: ApiRoute): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(["UNAUTHORIZED", "FORBIDDEN", ...(route.errors ?? [])]);
  if (route.body || route.params || route.headers || route.query) codes.add("BAD_INPUT");
  if (route.method === "POST") codes.add("CONFLICT");
  if (route.body) codes.add("PAYLOAD_TOO_LARGE");
  for (const code of ["RATE_LIMITED", "INTERNAL", "UNAVAILABLE"] as const) codes.add(code);
  return [...codes];
}

function errorResponses(codes: readonly ApiErrorCode[]) {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) byStatus.set(API_ERRORS[code], [...(byStatus.get(API_ERRORS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, sameStatus]) => [
      String(status),
      {
        description: sameStatus.join(" or "),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}

function operation(route: ApiRoute) {
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    "x-scopes": route.scopes,
    // Any one of the scopes admits the token (OpenAPI lists alternatives as separate requirements).
    security: route.scopes.map((scope) => ({ bearerToken: [scope] })),
    parameters: [
      ...parameters(route.params, "path"),
      ...parameters(route.headers, "header"),
      ...parameters(route.query, "query"),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body) } },
          },
        }
      : {}),
    responses: responses(route),
  };
}

/** The route's own statuses, then the errors; a status that is both (Flagger's 403 "hold") says both. */
function responses(route: ApiRoute) {
  const errors: Record<string, { description: string }> = errorResponses(errorCodes(route));
  const own = Object.entries(route.responses).map(([status, description]) => {
    const error = errors[status];
    return [
      status,
      error ? { ...error, description: `${description}; or ${error.description}` } : { description },
    ];
  });
  return { ...errors, ...Object.fromEntries(own) };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the route table and its zod schemas. */
export function openApiDocument(routes: readonly ApiRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {
    [`${API_PREFIX}/openapi.json`]: {
      get: {
        operationId: "getOpenApi",
        summary: "This document (no token needed)",
        security: [],
        responses: { 200: { description: "OpenAPI 3.1" } },
      },
    },
  };
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Sluice machine API",
      version: "1",
      description:
        "For CI, incident tools, metric pushers and flag SDKs. Authenticate with `Authorization: Bearer " +
        "slc_…` (an admin creates tokens in Sluice; each grants scopes). Errors are JSON " +
        '`{"code", "message", "field"?}`; clients switch on `code`. Statuses: ' +
        Object.entries(API_ERRORS)
          .map(([code, status]) => `${status} ${code}`)
          .join(", ") +
        ". Machine tokens act as a system identity and cannot override a freeze.",
    },
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token, slc_…" },
      },
      schemas: { Error: jsonSchema(errorBodySchema) },
    },
  };
}
