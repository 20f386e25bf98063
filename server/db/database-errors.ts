import { AppError } from "../domain/errors";
import { Prisma } from "./client";

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

/**
 * The database errors a caller can act on, as the core's error: UNAVAILABLE (retry later), CONFLICT
 * (someone else's write won) or NOT_FOUND (a reference to nothing). Null for anything else, which is an
 * internal error. REST and tRPC both answer through this, so they agree.
 */
export function databaseErrorAsAppError(error: unknown): AppError | null {
  if (isDatabaseUnavailable(error))
    return new AppError("UNAVAILABLE", "The database is unavailable; retry later");
  if (error instanceof Prisma.PrismaClientKnownRequestError && CONFLICT_PRISMA_CODES.has(error.code)) {
    return new AppError("CONFLICT", "A concurrent change won; reload and retry");
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") {
    return new AppError(
      "NOT_FOUND",
      "The request refers to something that does not exist (e.g. an unknown rollout id)",
    );
  }
  return null;
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

/**
 * For idempotent writes ("create unless it exists"): when a concurrent twin created the row between our
 * check and our insert, the unique key refuses ours; running once more finds the twin's row and answers
 * as a repeat, instead of telling a retrying client that its own retry conflicted.
 */
export async function againIfTwinWon<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return write();
    throw error;
  }
}
