import { z } from "zod";
import { Prisma } from "../db/client";
import { AppError, type AppErrorCode } from "../domain/errors";
import { describeZodError } from "../validation/zod-issue";

/** Every code the API answers with, each with one status. Clients switch on `code`, not on `message`. */
export const API_ERRORS = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  /** 429 with Retry-After: the token's (or address's) rate limit is spent. */
  RATE_LIMITED: 429,
  /** 423 Locked: an incident or exhausted error budget freezes the service; pause and kill still work. */
  FROZEN: 423,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<AppErrorCode, number> & Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const errorBodySchema = z.object({
  code: z.enum(Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]]),
  message: z.string(),
  field: z.string().optional().describe('The offending input, e.g. "steps[2].holdSeconds" or "body".'),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error the transport itself raises (the services raise AppError). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    /** Headers the reply needs, e.g. WWW-Authenticate on 401 or Allow on 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The first zod issue as a BAD_INPUT naming its field, prefixed with where it came from. */
export function zodToApiError(error: z.ZodError, prefix: readonly PropertyKey[] = []): ApiError {
  const { field, message } = describeZodError(error, "body", prefix);
  return new ApiError("BAD_INPUT", message, field);
}

const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
const UNAVAILABLE_SYSTEM_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);
/** PostgreSQL SQLSTATEs that mean "the server is not there right now": class 08, shutdowns, overload. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Serialization failures and deadlocks: someone else's write won; retrying may succeed. */
const CONFLICT_PRISMA_CODES = new Set(["P2002", "P2034"]);

/** Stable reply for anything thrown while answering; `internal` says the cause must be logged. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  const reply = (code: ApiErrorCode, message: string, field?: string, internal = false) => ({
    status: API_ERRORS[code],
    body: field === undefined ? { code, message } : { code, message, field },
    internal,
  });
  if (error instanceof ApiError || error instanceof AppError)
    return reply(error.code, error.message, error.field);
  if (error instanceof z.ZodError) {
    const mapped = zodToApiError(error);
    return reply(mapped.code, mapped.message, mapped.field);
  }
  if (isDatabaseUnavailable(error)) {
    return reply("UNAVAILABLE", "The database is unavailable; retry later", undefined, true);
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError && CONFLICT_PRISMA_CODES.has(error.code)) {
    return reply("CONFLICT", "A concurrent change won; reload and retry");
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") {
    return reply(
      "NOT_FOUND",
      "The request refers to something that does not exist (e.g. an unknown rollout id)",
    );
  }
  return reply("INTERNAL", "Internal error", undefined, true);
}

function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNAVAILABLE_PRISMA_CODES.has(error.code)) return true;
    const adapterError = (error.meta as { driverAdapterError?: { cause?: { kind?: string; code?: string } } })
      ?.driverAdapterError?.cause;
    if (adapterError?.kind && UNAVAILABLE_ADAPTER_KINDS.has(adapterError.kind)) return true;
    if (adapterError?.code && UNAVAILABLE_SQLSTATE.test(adapterError.code)) return true;
    return false;
  }
  // Errors from pg itself (outside a Prisma call) carry a system code or a SQLSTATE.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (UNAVAILABLE_SYSTEM_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code));
}
