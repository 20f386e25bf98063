/**
 * The one error type of the core. Services throw it; transports (tRPC, REST, sockets) map `code`
 * to their own status. `field` names the offending input when there is one.
 */
export type AppErrorCode =
  | "NOT_FOUND"
  | "BAD_INPUT"
  | "ILLEGAL_TRANSITION"
  | "CONFLICT"
  | "FROZEN"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "UNAVAILABLE";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
