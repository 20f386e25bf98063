import { z } from "zod";
import { databaseErrorAsAppError } from "../db/database-errors";
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
  const database = databaseErrorAsAppError(error);
  if (database) return reply(database.code, database.message, undefined, database.code === "UNAVAILABLE");
  return reply("INTERNAL", "Internal error", undefined, true);
}
