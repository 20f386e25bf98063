import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { type Actor, type Permission, requirePermission } from "../auth/permissions";
import { databaseErrorAsAppError } from "../db/database-errors";
import { AppError, type AppErrorCode } from "../domain/errors";
import type { ServiceContext } from "../services/context";
import { clientErrorMessage } from "./error-message";

export interface TrpcContext {
  actor: Actor | null;
  services: ServiceContext;
  /** Where this Sluice's metrics come from (SLUICE_METRICS_SOURCE); the simulator when unset. */
  metricsSource?: "simulator" | "push" | "prometheus";
}

/** The simulator's controls act only when it writes the metrics; with real ones they would do nothing. */
export const simulatorRuns = (ctx: Pick<TrpcContext, "metricsSource">): boolean =>
  (ctx.metricsSource ?? "simulator") === "simulator";

/**
 * What a client sees of an error: never a stack (the server logs it), and in production never the
 * message of an unexpected (internal) error, which may hold SQL or internals. Bad input reads
 * "field: message" and names its field in `data.field`, for every procedure (see error-message.ts).
 */
const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    const hide = error.code === "INTERNAL_SERVER_ERROR" && process.env.NODE_ENV === "production";
    const { message, field } = hide
      ? { message: "Internal error", field: undefined }
      : clientErrorMessage(error);
    // tRPC has one code for both "not now" refusals: appCode tells FROZEN (break glass may help) from
    // ILLEGAL_TRANSITION, as the REST API's 423 and 412 do.
    const appCode = error.cause instanceof AppError ? { appCode: error.cause.code } : {};
    return { ...shape, message, data: { ...data, ...(field ? { field } : {}), ...appCode } };
  },
});

const TRPC_CODES: Record<AppErrorCode, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  BAD_INPUT: "BAD_REQUEST",
  ILLEGAL_TRANSITION: "PRECONDITION_FAILED",
  CONFLICT: "CONFLICT",
  FROZEN: "PRECONDITION_FAILED",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/**
 * Services throw AppError; this is the one place it becomes a tRPC error with the matching status. A
 * database error a caller can act on (unavailable, a concurrent write won) is mapped as REST maps it.
 */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const thrown = result.error.cause;
  const cause = thrown instanceof AppError ? thrown : databaseErrorAsAppError(thrown);
  if (cause) throw new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause: thrown });
  return result;
});

const signedIn = mapAppErrors.unstable_pipe(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const router = t.router;
export const signedInProcedure = t.procedure.use(signedIn);
export const createCallerFactory = t.createCallerFactory;

/** A procedure that needs a session and the given permission; both are checked before the input. */
export function procedureWith(permission: Permission) {
  return signedInProcedure.use(({ ctx, next }) => {
    requirePermission(ctx.actor, permission);
    return next();
  });
}
