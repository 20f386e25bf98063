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
 * The same by PostgreSQL's SQLSTATE, for the failures Prisma passes on without a code of its own (raw
 * queries as P2010, a deadlock in a transaction as the driver adapter's error). Not a unique key:
 * raw inserts say ON CONFLICT, so a unique violation there is a defect, to log as an internal error.
 */
const CONFLICT_SQLSTATE = /^(40001|40P01)$/;
/** A foreign key to nothing, from a raw query. */
const NOT_FOUND_SQLSTATE = "23503";

/**
 * The database errors a caller can act on, as the core's error: UNAVAILABLE (retry later), CONFLICT
 * (someone else's write won) or NOT_FOUND (a reference to nothing). Null for anything else, which is an
 * internal error. REST and tRPC both answer through this, so they agree.
 */
export function databaseErrorAsAppError(error: unknown): AppError | null {
  if (isDatabaseUnavailable(error))
    return new AppError("UNAVAILABLE", "The database is unavailable; retry later");
  const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
  const state = sqlState(error);
  if ((code && CONFLICT_PRISMA_CODES.has(code)) || (state && CONFLICT_SQLSTATE.test(state))) {
    return new AppError("CONFLICT", "A concurrent change won; reload and retry");
  }
  if (code === "P2003" || state === NOT_FOUND_SQLSTATE) {
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
    const kind = adapterCause(error)?.kind;
    if (kind && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
    const state = sqlState(error);
    return state !== undefined && UNAVAILABLE_SQLSTATE.test(state);
  }
  // Errors from pg itself (outside a Prisma call) carry a system code or a SQLSTATE.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (UNAVAILABLE_SYSTEM_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code));
}

type AdapterCause = { kind?: string; code?: string; originalCode?: string };

/** What the driver adapter said failed: inside a Prisma error, or as its own error (in a transaction). */
function adapterCause(error: unknown): AdapterCause | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return (error.meta as { driverAdapterError?: { cause?: AdapterCause } })?.driverAdapterError?.cause;
  }
  if (error instanceof Error && error.name === "DriverAdapterError") {
    return (error as { cause?: AdapterCause }).cause;
  }
  return undefined;
}

/**
 * PostgreSQL's SQLSTATE behind a Prisma error, when the driver adapter passed it on: as `originalCode`
 * when the adapter named the failure (`kind`), else as `code`.
 */
function sqlState(error: unknown): string | undefined {
  const cause = adapterCause(error);
  return cause?.originalCode ?? cause?.code;
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
